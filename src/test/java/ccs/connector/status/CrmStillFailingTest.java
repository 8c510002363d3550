package ccs.connector.status;

import java.time.Duration;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A CRM that answers every event 503 is shown down also once the event in retry has gone to the dead letters, and up
 * again once it takes one; one that refuses an event for good (400) answers, and is up.
 */
class CrmStillFailingTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        crmRetries(settings, 2, "200ms");
        // past the budget an event waits this long for a CRM that takes nothing, then goes to the dead letters
        settings.setProperty("crm.retry.while-away", "1s");
        // route crm-sink-probe probes the CRM sink every second
        settings.setProperty("connector.health.cache", "1s");
    }

    @Test
    void aCrmFailingEveryEventIsDownAfterItsRetriesAreSpentAndUpOnceItTakesOneAgain() throws Exception {
        // a load balancer with nothing behind it: the host takes the probe's connection, and answers every event 503
        crm.answerWhen(request -> true, Answer.status(503));
        CloudEvent failed = hangupEvent("still-failing-1");
        publish(failed);
        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(failed.getId()));
        // probed again after the dead letter: the CRM still answers 503
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(status().get("crm").toString())
                .contains("\"up\":false").contains("its retries spent (dead-lettered): HTTP 503"));
        Thread.sleep(3_000);
        assertThat(status().at("/crm/up").asBoolean()).as("several probes later, nothing delivered since").isFalse();
        assertThat(get("/observe/metrics").body()).contains("crm_sink_up 0.0");

        crm.clearRules();
        CloudEvent taken = hangupEvent("still-failing-2");
        publish(taken);
        delivered(crm, taken.getId());
        await().atMost(PATIENCE).until(() -> status().at("/crm/up").asBoolean());

        crm.answerWhen(request -> true, Answer.status(400));
        CloudEvent refused = hangupEvent("still-failing-3");
        publish(refused);
        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(refused.getId()));
        Thread.sleep(3_000);
        assertThat(status().at("/crm/up").asBoolean()).as("a CRM that refuses an event answers").isTrue();
        crm.clearRules();
    }

    private JsonNode status() throws Exception {
        return json.readTree(get("/api/v1/status").body());
    }
}
