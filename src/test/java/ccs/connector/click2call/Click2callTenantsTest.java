package ccs.connector.click2call;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The file inbox with two tenants, one on a Call Center Studio that answers 503 to everything (a real HTTP server): the
 * other tenant's request is dialled while the down tenant's wait for their retries, and those fail after them.
 */
class Click2callTenantsTest extends ConnectorTestSupport {

    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer downPlatform;
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        downPlatform = tenantPlatform(settings, "down", Answer.status(503));
        crm = restCrm(settings);
        settings.setProperty("ccs.tenants", "demo,down");
        realTenantSecrets(settings);
        // 15 s of retries (1 + 2 + 4 + 8 s) for each of the down tenant's requests: the three one after another would hold
        // the other tenant's for longer than the test waits for it
        settings.setProperty("ccs.click2call.upstream-retries", "4");
        settings.setProperty("ccs.click2call.upstream-retry-delay", "1s");
    }

    @AfterAll
    void stopTheDownPlatform() {
        downPlatform.close();
    }

    @Test
    void aTenantWhoseCallCenterStudioIsDownDoesNotHoldTheOtherTenantsQueuedClick2calls() throws Exception {
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        List<String> down = List.of("down-1", "down-2", "down-3");
        for (String transaction : down) {
            drop(inbox, transaction + ".json", "{\"tenant\": \"down\", \"agentEmail\": \"agent@down.example\", \"phoneNumber\": \"05321234567\", "
                    + "\"transactionId\": \"" + transaction + "\"}");
        }
        // the inbox is at the down tenant's requests
        await().atMost(Duration.ofSeconds(60)).until(() -> !downPlatform.received().isEmpty());

        drop(inbox, "demo-1.json", "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"demo-1\"}");

        assertThat(delivered(crm, "demo:ccs.click2call.accepted:demo-1").at("/data/transactionId").asText()).isEqualTo("demo-1");
        assertThat(simulator().requests("click2call")).singleElement()
                .satisfies(request -> assertThat(request.params()).containsEntry("transactionid", "demo-1"));
        await().atMost(Duration.ofSeconds(180)).until(() -> down.stream().allMatch(name -> Files.exists(inbox.resolve("failed/" + name + ".json.reason.txt"))));
        assertThat(Files.readString(inbox.resolve("failed/down-1.json.reason.txt"))).contains("HTTP 503");
        assertThat(Files.exists(inbox.resolve("done/demo-1.json"))).isTrue();
    }
}
