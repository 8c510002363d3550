package ccs.connector.webhook;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ccs.connector.support.BlockingBroker;
import ccs.connector.support.BlockingBrokerTestSupport;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A shared outbox broker ({@code connector.outbox.broker-url=tcp://...}, a real Artemis) whose disk is full blocks its
 * producers without refusing them, and the Artemis client waits for room without a limit: a hangup callback and an IVR
 * notification are answered all the same, their events held in the state store once the send took longer than
 * {@code connector.outbox.send-timeout}, and each reaches the CRM once when the broker has room again.
 */
class WebhookOutboxBlockedTest extends BlockingBrokerTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The vendor guide's parameter names, as shipped (ccs.ivr.param.*). */
    private static final Map<String, String> IVR_WIRE_NAMES = Map.of("call-key", "callkeyX", "queue-name", "queuename", "agent-email", "myemail");

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        broker = BlockingBroker.startAsOutbox(settings);
        // how often route webhook-held-release probes the outbox
        settings.setProperty("connector.health.cache", "1s");
    }

    @Test
    void callbacksWhileTheSharedBrokersDiskIsFullAreAnsweredHeldAndDeliveredOnceWhenItHasRoom() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(broker::full);
        String call = "outbox-blocked-" + System.nanoTime();
        // each answered (within the test client's 60 s) where it waited for the broker's disk without a limit
        List<HttpResponse<String>> answers = List.of(
                post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                        IvrGuideExamples.encode(IvrGuideExamples.hangupNow(call))),
                get("/webhooks/ccs/ivr?token=" + webhookToken() + "&" + IvrGuideExamples.encode(ivrOfCall(call), IVR_WIRE_NAMES)));
        List<String> ids = new ArrayList<>();
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            ids.add(JSON.readTree(answer.body()).get("id").asText());
        }
        Map<String, JsonNode> letters = deadLetters();
        assertThat(ids).allSatisfy(id -> {
            assertThat(letters.get(id).get("kind").asText()).isEqualTo("webhook-event");
            // the first send's timeout, or the probe since, names the broker blocking its producers
            assertThat(letters.get(id).get("reason").asText()).contains("it blocks its producers (its disk or the address full?)");
        });
        assertThat(letters.get(ids.get(0)).get("reason").asText()).contains("took no message within connector.outbox.send-timeout");
        // while the broker blocks, the connector stays ready (the state store holds the events), the outbox down: its probe
        // finds that the broker grants no room to send, so the webhooks that follow are held at once
        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
        JsonNode outbox = outboxCheck();
        assertThat(outbox.get("status").asText()).isEqualTo("DOWN");
        assertThat(outbox.get("message").asText()).isEqualTo("the outbox's broker takes no messages into ccs.outbox: it blocks its producers "
                + "(its disk or the address full?)");

        broker.free();

        assertThat(delivered(crm, ids.get(0)).at("/data/callKey").asText()).isEqualTo(call);
        assertThat(delivered(crm, ids.get(1)).at("/type").asText()).isEqualTo("ccs.ivr.notification");
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters().isEmpty());
        // once each: the sends that timed out went on and put the events into the outbox too, beside their held letters
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> ids.stream().allMatch(id -> requestsFor(crm, id).size() == 1));
    }

    private JsonNode outboxCheck() throws Exception {
        for (JsonNode check : JSON.readTree(get("/observe/health?exposureLevel=full").body()).get("checks")) {
            if (check.get("name").asText().equals("outbox")) {
                return check;
            }
        }
        throw new AssertionError("no health check outbox");
    }

    /** The guide's notification of a call answered by an agent, of another call. */
    private static Map<String, String> ivrOfCall(String callKey) {
        Map<String, String> fields = new LinkedHashMap<>(IvrGuideExamples.answered());
        fields.put("call-key", callKey);
        return fields;
    }
}
