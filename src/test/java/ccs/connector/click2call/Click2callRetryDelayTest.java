package ccs.connector.click2call;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import ccs.connector.simulator.CcsSimulator.ApiRequest;
import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A queued click2call that Call Center Studio answers 503 is tried again after ccs.click2call.upstream-retry-delay, doubled
 * each time, until an attempt fails in a way not to be repeated; it holds its tenant's circuit through every retry, even
 * with a cool-down shorter than its waits.
 */
class Click2callRetryDelayTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("ccs.click2call.upstream-retries", "2");
        settings.setProperty("ccs.click2call.upstream-retry-delay", "2s");
        // shorter than the 4 s before the second retry
        settings.setProperty("ccs.click2call.circuit-cool-down", "1s");
        // a second tenant on the same simulator, whose circuit the other tests never meet
        settings.setProperty("ccs.tenants", "demo,holding");
    }

    @Test
    void theRetriesWaitTheDelaySetAndTwiceIt() throws Exception {
        simulator().inject(Fault.status("click2call", 503, 2));
        drop(inbox(), "retried.json", "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"retried\"}");

        delivered(crm, "demo:ccs.click2call.accepted:retried");
        List<ApiRequest> attempts = attemptsOf("retried");
        assertThat(attempts).hasSize(3);
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(Duration.between(attempts.get(1).at(), attempts.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(3900));
    }

    @Test
    void aRetryAnsweredSoThatTheCallMayBePlacedIsTheLastAttempt() throws Exception {
        // the 503 is retried; the retry's 500 may come after the platform placed the call: tried again, it would dial twice
        simulator().inject(Fault.status("click2call", 503, 1));
        simulator().inject(Fault.status("click2call", 500, 1));
        drop(inbox(), "placed-maybe.json", "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"placed-maybe\"}");

        assertThat(failure(crm, "demo:ccs.click2call.failed:placed-maybe").at("/data/error").asText())
                .isEqualTo("Call Center Studio tenant demo answered HTTP 500 to click2call (the request may have been carried out)");
        assertThat(attemptsOf("placed-maybe")).hasSize(2);
    }

    @Test
    void theRequestThatOpenedTheCircuitKeepsItThroughAWaitLongerThanTheCoolDown() throws Exception {
        simulator().inject(Fault.status("click2call", 503, 3));
        drop(inbox(), "holder.json", "{\"tenant\": \"holding\", \"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"holder\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> attemptsOf("holder").size() == 2);
        // the cool-down after its first retry's 503 passes while it waits 4 s for its second retry
        Thread.sleep(1500);
        drop(inbox(), "behind.json", "{\"tenant\": \"holding\", \"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"behind\"}");

        // before, the request behind took the circuit while the holder waited and met the last 503 in its place: the
        // circuit passed between the two, and the holder's second retry was dialled
        assertThat(failure(crm, "holding:ccs.click2call.failed:holder").at("/data/error").asText())
                .isEqualTo("Call Center Studio tenant holding answered HTTP 503");
        assertThat(attemptsOf("holder")).hasSize(3);
        // the request behind ends too (held back, or dialled once the holder was done) before the next test
        await().atMost(Duration.ofSeconds(30)).until(() -> !failureIds(crm, "holding:ccs.click2call.failed:behind").isEmpty()
                || requestsFor(crm, "holding:ccs.click2call.accepted:behind").stream().anyMatch(RecordingHttpServer.Received::answeredOk));

        // the holder's dispatch has ended: once the cool-down after its last 503 has passed, the tenant's next request is dialled
        Thread.sleep(1500);
        drop(inbox(), "after.json", "{\"tenant\": \"holding\", \"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"after\"}");
        delivered(crm, "holding:ccs.click2call.accepted:after");
    }

    private Path inbox() {
        return dataDir.resolve("inbox").resolve("click2call");
    }

    private List<ApiRequest> attemptsOf(String transactionId) {
        return simulator().requests("click2call").stream().filter(request -> transactionId.equals(request.params().get("transactionid"))).toList();
    }
}
