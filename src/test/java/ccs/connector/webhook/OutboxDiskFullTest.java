package ccs.connector.webhook;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The embedded broker's volume fuller than connector.broker.max-disk-usage (here 1 %, so any volume is): the broker
 * takes no messages, and instead of a webhook that is never answered (the Artemis client waits for space without a
 * limit) the connector holds its event in the state store at once (WebhookOutboxAwayTest follows such events to the
 * CRM), and stays ready saying why the outbox is down. The agent page's status door answers 503 at once.
 */
class OutboxDiskFullTest extends ConnectorTestSupport {

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.broker.max-disk-usage", "1");
        settings.setProperty("connector.health.cache", "1s");
    }

    @Test
    void callbacksAreHeldAtOnceAndTheConnectorStaysReadySayingWhy() throws Exception {
        // the broker measures its volume every few seconds
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health?exposureLevel=full").body()
                .contains("connector.broker.max-disk-usage"));
        // the state store holds what comes in meanwhile: ready, the outbox's own check saying why it is down
        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);

        // the platform's webhooks are held in the state store (on a volume with room here), and answered 200
        List<HttpResponse<String>> webhooks = List.of(
                post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                        IvrGuideExamples.encode(IvrGuideExamples.hangup("disk-full-1"))),
                get("/webhooks/ccs/ivr?token=" + webhookToken() + "&" + IvrGuideExamples.encode(IvrGuideExamples.answered(),
                        Map.of("call-key", "callkeyX", "queue-name", "queuename", "agent-email", "myemail"))));
        for (HttpResponse<String> answer : webhooks) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            String id = new ObjectMapper().readTree(answer.body()).get("id").asText();
            assertThat(deadLetters().get(id).get("reason").asText()).contains("the outbox did not take the event")
                    .contains("the connector's outbox volume is full");
        }
        // the agent page's status door fails at once, rather than waiting for space
        HttpResponse<String> door = agentDoor("/agent/status", agentPageCookie("ayse.yilmaz@demo.example"),
                "{\"status\": \"available\", \"time\": \"2026-11-30T09:15:02Z\"}");
        assertThat(door.statusCode()).as(door.body()).isEqualTo(503);
        assertThat(door.headers().firstValue("Retry-After")).contains("30");
        assertThat(new ObjectMapper().readTree(door.body()).get("detail").asText())
                .isEqualTo("the event could not be stored: the connector's outbox volume is full; send it again later");
        assertThat(Files.exists(dataDir.resolve("crm-out")) ? Files.list(dataDir.resolve("crm-out")).toList() : List.of()).isEmpty();
    }
}
