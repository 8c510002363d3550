package ccs.connector.webhook;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.support.BlockingBroker;
import ccs.connector.support.BlockingBrokerTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JMS sink's broker (the CRM's, a real Artemis at {@code crm.jms.broker-url=tcp://...}) on a full disk blocks the
 * connector's producers without refusing them: the CRM sink's health and the status page say the CRM is down, naming
 * the blocked queue, where a connection alone said UP while nothing was delivered; the connector stays ready, and the
 * event reaches the CRM's queue once when the broker has room again.
 */
class JmsSinkBlockedTest extends BlockingBrokerTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BLOCKED = "the CRM's broker takes no messages into crm.events: it blocks its producers (its disk or the address full?)";

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("crm.sink", "jms");
        broker = BlockingBroker.startAsCrm(settings);
        // route crm-sink-probe probes the CRM sink every second
        settings.setProperty("connector.health.cache", "1s");
    }

    @Test
    void theCrmIsDownWhileItsBrokerBlocksAndTheEventArrivesOnceWhenItHasRoom() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(broker::full);
        HttpResponse<String> answer = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                IvrGuideExamples.encode(IvrGuideExamples.hangupNow("crm-blocked-" + System.nanoTime())));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> "DOWN".equals(crmSinkCheck().get("status").asText()));
        assertThat(crmSinkCheck().get("message").asText()).isEqualTo(BLOCKED);
        JsonNode crm = JSON.readTree(get("/api/v1/status").body()).get("crm");
        assertThat(crm.get("up").asBoolean()).isFalse();
        assertThat(crm.get("problem").asText()).isEqualTo(BLOCKED);
        assertThat(get("/observe/metrics").body()).contains("crm_sink_up 0.0");
        // the CRM down never makes the connector unready: the event waits in the outbox
        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
        assertThat(broker.messagesAdded("crm.events")).isZero();

        broker.free();

        await().atMost(Duration.ofSeconds(60)).until(() -> broker.messagesAdded("crm.events") == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(crmSinkCheck().get("status").asText()));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> broker.messagesAdded("crm.events") == 1);
    }

    private JsonNode crmSinkCheck() throws Exception {
        for (JsonNode check : JSON.readTree(get("/observe/health?exposureLevel=full").body()).get("checks")) {
            if (check.get("name").asText().equals("crm-sink")) {
                return check;
            }
        }
        throw new AssertionError("no health check crm-sink");
    }
}
