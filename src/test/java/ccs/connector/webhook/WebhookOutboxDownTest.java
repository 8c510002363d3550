package ccs.connector.webhook;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the event cannot be stored (the outbox broker is down), webhooks are answered 503 so that the
 * platform sends them again, and the connector is not ready.
 */
class WebhookOutboxDownTest extends ConnectorTestSupport {

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.outbox.broker-url", "tcp://127.0.0.1:" + AvailablePortFinder.getNextAvailable()
                + "?reconnectAttempts=0&initialConnectAttempts=1");
    }

    @Test
    void withoutItsOutboxTheConnectorIsLiveButNotReadySayingWhy() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/live").statusCode() == 200);
        HttpResponse<String> ready = get("/observe/health/ready?exposureLevel=full");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("outbox").contains("broker refuses connections");
    }

    @Test
    void callbacksThatCannotBeStoredAre503() throws Exception {
        List<HttpResponse<String>> answers = List.of(
                post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                        IvrGuideExamples.encode(IvrGuideExamples.hangup("outbox-down-1"))),
                get("/webhooks/ccs/ivr?token=" + webhookToken() + "&" + IvrGuideExamples.encode(IvrGuideExamples.answered(),
                        java.util.Map.of("call-key", "callkeyX", "queue-name", "queuename", "agent-email", "myemail"))));

        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(new ObjectMapper().readTree(answer.body()).get("detail").asText())
                    .isEqualTo("the event could not be stored: send it again later");
        }
    }
}
