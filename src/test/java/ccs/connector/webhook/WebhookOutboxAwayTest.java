package ccs.connector.webhook;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RefusingOutboxBroker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hangup callback and an IVR notification that come while the outbox broker ({@code connector.outbox.broker-url}, an
 * Artemis of the test's own) refuses every message are acknowledged, held in the state store, and reach the CRM once
 * each once the broker takes messages again, a hangup callback the platform sent twice meanwhile too.
 */
class WebhookOutboxAwayTest extends ConnectorTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The vendor guide's parameter names, as shipped (ccs.ivr.param.*). */
    private static final Map<String, String> IVR_WIRE_NAMES = Map.of("call-key", "callkeyX", "queue-name", "queuename", "agent-email", "myemail");

    private RecordingHttpServer crm;
    private RefusingOutboxBroker outboxBroker;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        // the outbox and the hangups' enrichment queue
        outboxBroker = RefusingOutboxBroker.startAsOutbox(settings, address -> address.startsWith("ccs."));
        // how often route webhook-held-release probes the outbox
        settings.setProperty("connector.health.cache", "1s");
    }

    /** The connector first: its consumers would otherwise try to reconnect to the stopped broker until it stops. */
    @AfterAll
    void stopOutboxBroker() throws Exception {
        context.stop();
        outboxBroker.close();
    }

    @Test
    void callbacksTheOutboxRefusedAreAcknowledgedHeldAndDeliveredOnceItTakesThem() throws Exception {
        outboxBroker.refuse(true);
        String call = "outbox-away-" + System.nanoTime();
        String hangupForm = IvrGuideExamples.encode(IvrGuideExamples.hangupNow(call));
        List<HttpResponse<String>> answers = List.of(
                post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded", hangupForm),
                get("/webhooks/ccs/ivr?token=" + webhookToken() + "&" + IvrGuideExamples.encode(ivrOfCall(call), IVR_WIRE_NAMES)),
                // the platform sending the callback again while the first waits
                post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded", hangupForm));
        List<String> ids = new ArrayList<>();
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            String id = JSON.readTree(answer.body()).get("id").asText();
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        assertThat(ids).hasSize(2);
        assertThat(outboxBroker.refusals()).isPositive();
        // the reason names what the broker said, not only the JMS client's wrapper around it
        assertThat(ids).allSatisfy(id -> assertThat(deadLetters().get(id).get("reason").asText()).contains("the test's outbox takes no message"));
        // replays are tried while the broker refuses (it takes connections): they fail, and the events stay held
        int refusedBefore = outboxBroker.refusals();
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxBroker.refusals() > refusedBefore);
        assertThat(ids).allSatisfy(id -> assertThat(requestsFor(crm, id)).isEmpty());
        assertThat(deadLetters()).containsKeys(ids.toArray(String[]::new));

        outboxBroker.refuse(false);

        JsonNode hangup = delivered(crm, ids.get(0));
        assertThat(hangup.at("/data/callKey").asText()).isEqualTo(call);
        assertThat(delivered(crm, ids.get(1)).at("/type").asText()).isEqualTo("ccs.ivr.notification");
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters().isEmpty());
        // once each, though the held letters were marked for replay again every second
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> ids.stream().allMatch(id -> requestsFor(crm, id).size() == 1));
    }

    /** The guide's notification of a call answered by an agent, of another call. */
    private static Map<String, String> ivrOfCall(String callKey) {
        Map<String, String> fields = new LinkedHashMap<>(IvrGuideExamples.answered());
        fields.put("call-key", callKey);
        return fields;
    }
}
