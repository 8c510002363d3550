package ccs.connector.webhook;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.ExhaustedPool;
import ccs.connector.support.FailingWrites;
import ccs.connector.support.FreePorts;
import ccs.connector.support.LogCapture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the outbox broker down, the connector stays ready while its state store answers (not when neither does); a webhook's event is held in the state store (the platform
 * may never send it again) and answered 200, and only when the state store cannot keep it either is the answer 503.
 * WebhookOutboxAwayTest follows held events to the CRM once the outbox takes them.
 */
class WebhookOutboxDownTest extends ConnectorTestSupport {

    private static final String TABLE = "DEAD_LETTER";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The vendor guide's parameter names, as shipped (ccs.ivr.param.*). */
    private static final Map<String, String> IVR_WIRE_NAMES = Map.of("call-key", "callkeyX", "queue-name", "queuename", "agent-email", "myemail");

    @Override
    protected void settings(Properties settings) {
        LogCapture.install();
        settings.setProperty("connector.outbox.broker-url", "tcp://127.0.0.1:" + FreePorts.next()
                + "?reconnectAttempts=0&initialConnectAttempts=1");
    }

    @AfterEach
    void storeBack() {
        FailingWrites.stop(stateStore(), TABLE);
    }

    @Test
    void withoutItsOutboxTheConnectorStaysReadyWhileTheStateStoreCanHoldEventsAndIsUnreadyWithoutBoth() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/live").statusCode() == 200);
        // a shared broker away takes it from every replica at once: the webhooks must keep finding them
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 200);
        HttpResponse<String> health = get("/observe/health?exposureLevel=full");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("\"outbox\"").contains("the outbox's broker refuses connections");

        try (ExhaustedPool exhausted = new ExhaustedPool(stateStore().dataSource())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 503);
            HttpResponse<String> ready = get("/observe/health/ready?exposureLevel=full");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("nothing can store an event: the outbox's broker refuses connections")
                    .contains("the connector's database did not answer within 3 s");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 200);
    }

    /** Once a probe found the broker down, no webhook waits on a connection to it: held at once, the probe's finding their reason. */
    @Test
    void callbacksTheOutboxCannotTakeAreHeldInTheStateStoreAndAcknowledged() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health?exposureLevel=full").body()
                .contains("the outbox's broker refuses connections"));
        int logBefore = LogCapture.text().length();
        List<String> ids = new ArrayList<>();
        for (HttpResponse<String> answer : callbacks("held")) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            ids.add(JSON.readTree(answer.body()).get("id").asText());
        }
        assertThat(ids).first().isEqualTo("demo:ccs.call.hangup:outbox-down-held");
        // held alike, so not a WARN line each (an outbox away for an hour wrote one per webhook): one a minute per reason
        assertThat(heldLines(LogCapture.text().substring(logBefore))).hasSizeLessThanOrEqualTo(1);
        assertThat(heldLines(LogCapture.text())).isNotEmpty();
        Map<String, JsonNode> letters = deadLetters();
        assertThat(letters).containsOnlyKeys(ids);
        assertThat(letters.values()).allSatisfy(letter -> {
            assertThat(letter.get("kind").asText()).isEqualTo("webhook-event");
            assertThat(letter.get("reason").asText()).startsWith("the outbox did not take the event when its webhook came")
                    .contains("(the event could not be stored: the outbox's broker refuses connections: ");
        });
        // the status tells them from dead letters a person must replay
        JsonNode status = JSON.readTree(get("/api/v1/status").body()).get("deadLetters");
        assertThat(status.get("heldWebhookEvents").asLong()).as(status.toString()).isEqualTo(2);
        assertThat(status.get("waiting").asLong()).as(status.toString()).isZero();
        // and as a gauge, to alert on an outbox that stays away
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/observe/metrics").body().contains("ccs_webhook_events_held 2.0"));
        // no failure a person gives up on: it reaches the CRM once the outbox takes it
        HttpResponse<String> discard = delete("/api/v1/dead-letters/" + ids.get(0));
        assertThat(discard.statusCode()).as(discard.body()).isEqualTo(409);
        assertThat(JSON.readTree(discard.body()).get("detail").asText()).contains("held while the outbox did not take it");
        assertThat(deadLetters()).containsKey(ids.get(0));
    }

    /** The agent page's status door holds nothing: once the broker was found down, a 503 at once, to be sent again. */
    @Test
    void anAgentStatusWhileTheBrokerIsFoundDownIsA503NamingIt() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health?exposureLevel=full").body()
                .contains("the outbox's broker refuses connections"));
        HttpResponse<String> answer = agentDoor("/agent/status", agentPageCookie("ayse.yilmaz@demo.example"),
                "{\"status\": \"available\", \"time\": \"" + java.time.Instant.now() + "\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(JSON.readTree(answer.body()).get("detail").asText())
                .startsWith("the event could not be stored: the outbox's broker refuses connections: ");
    }

    @Test
    void callbacksThatNeitherTheOutboxNorTheStateStoreTakeAre503() throws Exception {
        FailingWrites.start(stateStore(), TABLE, "INSERT, UPDATE", 1000);
        for (HttpResponse<String> answer : callbacks("lost")) {
            assertThat(answer.statusCode()).isEqualTo(503);
            // the broker found down (by the first callback's send, or a probe) named, or the send's own failure
            assertThat(JSON.readTree(answer.body()).get("detail").asText()).startsWith("the event could not be stored: ")
                    .endsWith("send it again later");
        }
        assertThat(deadLetters().keySet()).noneMatch(id -> id.contains("lost"));
    }

    private List<HttpResponse<String>> callbacks(String name) throws Exception {
        return List.of(
                post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                        IvrGuideExamples.encode(IvrGuideExamples.hangup("outbox-down-" + name))),
                get("/webhooks/ccs/ivr?token=" + webhookToken() + "&" + IvrGuideExamples.encode(ivrOfCall(name), IVR_WIRE_NAMES)));
    }

    /** The guide's notification of a call answered by an agent, of another call. */
    private static Map<String, String> ivrOfCall(String callKey) {
        Map<String, String> fields = new LinkedHashMap<>(IvrGuideExamples.answered());
        fields.put("call-key", callKey);
        return fields;
    }

    private static List<String> heldLines(String log) {
        return log.lines().filter(line -> line.contains(" WARN ") && line.contains("held in the state store")).toList();
    }
}
