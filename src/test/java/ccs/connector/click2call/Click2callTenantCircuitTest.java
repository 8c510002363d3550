package ccs.connector.click2call;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import ccs.connector.support.RecordingHttpServer.Received;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JMS click2call queue (and the file inbox) shared by two tenants, one on a Call Center Studio that is down (a real
 * HTTP server answering 503, or holding every request past ccs.api.interactive-timeout): a burst of the down tenant's
 * requests, then one of the healthy tenant's. The down tenant's first dispatch that fails opens its click2call circuit, so its requests behind it
 * fail at once instead of each holding a consumer through its attempt and retries, and the healthy tenant's request is
 * dialled before the down platform has seen them all. Each of the down tenant's requests still ends as a failed event.
 */
class Click2callTenantCircuitTest extends ConnectorTestSupport {

    private static final int BURST = 8;

    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer downPlatform;
    private RecordingHttpServer slowPlatform;
    private RecordingHttpServer stuckPlatform;
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        downPlatform = tenantPlatform(settings, "down", Answer.status(503));
        stuckPlatform = tenantPlatform(settings, "stuck", Answer.json(200, "{\"success\": true}").after(Duration.ofMinutes(4)));
        slowPlatform = slowTenant(settings, "{\"success\": true}");
        crm = restCrm(settings);
        settings.setProperty("ccs.tenants", "demo,down,slow,stuck");
        settings.setProperty("ccs.api.interactive-timeout", "3s");
        // no probe of a tenant's platform within the test: only the requests' own dispatches reach it
        settings.setProperty("connector.health.cache", "10m");
        // about 14 s of retries for each of the down tenant's requests, as shipped
        settings.setProperty("ccs.click2call.upstream-retries", "3");
        settings.setProperty("ccs.click2call.upstream-retry-delay", "2s");
        // no request of the down tenant tries again within the test once its circuit opened
        settings.setProperty("ccs.click2call.circuit-cool-down", "5m");
    }

    @AfterAll
    void stopThePlatforms() {
        downPlatform.close();
        slowPlatform.close();
        stuckPlatform.close();
    }

    @Test
    void aTenantWhoseCallCenterStudioAnswers503DoesNotHoldTheOtherTenantsJmsClick2calls() throws Exception {
        List<String> failedBefore = burstThenHealthy("down", downPlatform, "demo-after-503");
        // the first request that met the 503 goes on with its retries, on one consumer: the other tenant's was not behind it
        assertThat(failedBefore).as("the down tenant's requests that had failed when the other tenant's was dialled").hasSizeLessThan(BURST);
    }

    @Test
    void aTenantWhoseCallCenterStudioHangsDoesNotHoldTheOtherTenantsJmsClick2calls() throws Exception {
        burstThenHealthy("slow", slowPlatform, "demo-after-hang");
    }

    @Test
    void aTenantWhoseCallCenterStudioHangsDoesNotHoldTheOtherTenantsFilesInTheInbox() throws Exception {
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        List<String> agents = IntStream.rangeClosed(1, BURST).mapToObj(n -> "agent" + n + "-stuck").toList();
        for (String agent : agents) {
            drop(inbox, agent + ".json", "{\"tenant\": \"stuck\", \"agentEmail\": \"" + agent + "@stuck.example\", \"phoneNumber\": \"05321234567\", "
                    + "\"transactionId\": \"" + agent + "\"}");
        }
        // the inbox is at the stuck tenant's files
        await().atMost(Duration.ofMinutes(1)).until(() -> !stuckPlatform.received().isEmpty());
        drop(inbox, "demo-file.json", "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"demo-file\"}");

        await().atMost(Duration.ofMinutes(4)).until(() -> !requestsFor(crm, "demo:ccs.click2call.accepted:demo-file").isEmpty());
        assertThat(triedBy(stuckPlatform, agents)).as("the stuck tenant's files that reached its platform before the other tenant's was dialled")
                .hasSizeLessThan(BURST);
        await().atMost(Duration.ofMinutes(2)).until(() -> agents.stream().allMatch(agent -> Files.exists(inbox.resolve("failed/" + agent + ".json.reason.txt"))));
    }

    private static List<String> triedBy(RecordingHttpServer platform, List<String> agents) {
        return agents.stream().filter(agent -> platform.received().stream().map(Received::query)
                .anyMatch(query -> query != null && query.contains(agent))).toList();
    }

    /** The down tenant's requests that had failed when the healthy tenant's was dialled. */
    private List<String> burstThenHealthy(String tenant, RecordingHttpServer platform, String healthy) throws Exception {
        List<String> agents = IntStream.rangeClosed(1, BURST).mapToObj(n -> "agent" + n + "-" + tenant).toList();
        for (String agent : agents) {
            send("{\"tenant\": \"" + tenant + "\", \"agentEmail\": \"" + agent + "@" + tenant + ".example\", \"phoneNumber\": \"05321234567\", "
                    + "\"transactionId\": \"" + agent + "\"}");
        }
        send("{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"" + healthy + "\"}");

        await().atMost(Duration.ofMinutes(4)).until(() -> !requestsFor(crm, "demo:ccs.click2call.accepted:" + healthy).isEmpty());
        List<String> failedBefore = agents.stream().filter(agent -> !failureIds(crm, tenant + ":ccs.click2call.failed:" + agent).isEmpty()).toList();
        // the agents whose login the down platform saw before the healthy tenant's call was dialled
        List<String> tried = triedBy(platform, agents);
        assertThat(tried).as("the down tenant's requests that reached its platform before the other tenant's was dialled")
                .hasSizeLessThan(BURST);
        assertThat(simulator().requests("click2call")).anySatisfy(request -> assertThat(request.params()).containsEntry("transactionid", healthy));

        // none lost: each of the down tenant's requests is a failed event, the ones never tried naming the platform's failure
        for (String agent : agents) {
            await().atMost(Duration.ofMinutes(2)).until(() -> !failureIds(crm, tenant + ":ccs.click2call.failed:" + agent).isEmpty());
        }
        String untried = agents.stream().filter(agent -> !tried.contains(agent)).findFirst().orElseThrow();
        assertThat(failure(crm, tenant + ":ccs.click2call.failed:" + untried).at("/data/error").asText())
                .contains("Call Center Studio tenant " + tenant);
        return failedBefore;
    }

    private void send(String text) throws Exception {
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            session.createProducer(session.createQueue("ccs.click2call")).send(session.createTextMessage(text));
        }
    }
}
