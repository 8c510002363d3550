package ccs.connector.webhook;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.simulator.SentCallback;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * IVR notifications of a tenant whose administrator named the parameters differently (ccs.ivr.param.*), and of a second
 * tenant whose administrator typed names of their own (ccs.tenant.beta.ivr.*), to the file sink.
 */
class WebhookCustomIvrNamesTest extends ConnectorTestSupport {

    private static final Map<String, String> NAMES = Map.of("call-key", "cagri", "event", "olay", "caller", "arayan",
            "called", "aranan", "queue-name", "kuyruk", "queue-id", "kuyruk_no", "agent-email", "temsilci", "call-date", "tarih");

    /** Beta's names: its call key's and agent's only, the others as the connector's. */
    private static final Map<String, String> BETA_NAMES = new HashMap<>(NAMES);

    static {
        BETA_NAMES.put("call-key", "call_ref");
        BETA_NAMES.put("agent-email", "agent_mail");
    }

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        NAMES.forEach((field, name) -> settings.setProperty("ccs.ivr.param." + field, name));
        // in any letter case, Turkish letters too: the administrator may type it in capitals
        settings.setProperty("ccs.ivr.end-events", "call_hangup, ARAMA_BİTTİ");
        settings.setProperty("ccs.tenants", "demo,beta");
        settings.setProperty("ccs.tenant.beta.ivr.param.call-key", "call_ref");
        settings.setProperty("ccs.tenant.beta.ivr.param.agent-email", "agent_mail");
        settings.setProperty("ccs.tenant.beta.ivr.end-events", "finished");
    }

    @Test
    void aSecondTenantsNotificationsAreReadUnderTheNamesItsAdministratorTyped() throws Exception {
        Map<String, String> answered = new HashMap<>(IvrGuideExamples.answered());
        answered.put("event", "FINISHED");
        HttpResponse<String> answer = post("/webhooks/ccs/ivr?token=" + webhookToken() + "&tenant=beta&"
                + IvrGuideExamples.encode(answered, BETA_NAMES), null, null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode data = written(json.readTree(answer.body()).get("id").asText()).get("data");
        assertThat(data.get("callKey").asText()).isEqualTo(answered.get("call-key"));
        assertThat(data.get("outcome").asText()).isEqualTo("answered");
        assertThat(data.get("agentEmail").asText()).isEqualTo(answered.get("agent-email"));
        assertThat(data.get("queueName").asText()).as("a name beta did not set is the connector's").isEqualTo(answered.get("queue-name"));

        // the default tenant's names are not beta's, nor beta's the default tenant's
        HttpResponse<String> demoNames = post("/webhooks/ccs/ivr?token=" + webhookToken() + "&tenant=beta&"
                + IvrGuideExamples.encode(IvrGuideExamples.answered(), NAMES), null, null);
        assertThat(demoNames.statusCode()).isEqualTo(400);
        assertThat(json.readTree(demoNames.body()).get("field").asText()).isEqualTo("call_ref");
        HttpResponse<String> betaNames = post("/webhooks/ccs/ivr?token=" + webhookToken() + "&"
                + IvrGuideExamples.encode(IvrGuideExamples.answered(), BETA_NAMES), null, null);
        assertThat(json.readTree(betaNames.body()).get("field").asText()).isEqualTo("cagri");
    }

    @Test
    void onlyTheStepThatEndsTheCallHasAnOutcome() throws Exception {
        Map<String, String> inQueue = new HashMap<>(IvrGuideExamples.abandonedInQueue());
        inQueue.put("event", "kuyruga_girdi");
        Map<String, String> ended = new HashMap<>(inQueue);
        ended.put("event", "arama_bitti");

        JsonNode step = written(json.readTree(post("/webhooks/ccs/ivr?token=" + webhookToken() + "&" + IvrGuideExamples.encode(inQueue, NAMES),
                null, null).body()).get("id").asText()).get("data");
        JsonNode end = written(json.readTree(post("/webhooks/ccs/ivr?token=" + webhookToken() + "&" + IvrGuideExamples.encode(ended, NAMES),
                null, null).body()).get("id").asText()).get("data");

        assertThat(step.get("event").asText()).isEqualTo("kuyruga_girdi");
        assertThat(step.get("outcome").isNull()).as("the call may yet be answered: " + step).isTrue();
        assertThat(end.get("outcome").asText()).isEqualTo("abandoned-in-queue");
    }

    @Test
    void theGuidesThreeExamplesUnderCustomNamesAreClassifiedByOutcome() throws Exception {
        Map<String, Map<String, String>> examples = Map.of("ended-before-queue", IvrGuideExamples.endedBeforeQueue(),
                "abandoned-in-queue", IvrGuideExamples.abandonedInQueue(), "answered", IvrGuideExamples.answered());
        for (var example : examples.entrySet()) {
            HttpResponse<String> answer = post("/webhooks/ccs/ivr?token=" + webhookToken() + "&"
                    + IvrGuideExamples.encode(example.getValue(), NAMES), null, null);
            assertThat(answer.statusCode()).isEqualTo(200);

            JsonNode data = written(json.readTree(answer.body()).get("id").asText()).get("data");
            assertThat(data.get("callKey").asText()).isEqualTo(example.getValue().get("call-key"));
            assertThat(data.get("outcome").asText()).isEqualTo(example.getKey());
            assertThat(data.get("callerNumber").asText()).isEqualTo("05071303066");
            assertThat(data.get("calledNumber").asText()).isEqualTo(example.getValue().get("called"));
            assertThat(data.get("queueId").asText(null)).isEqualTo(example.getValue().get("queue-id"));
            assertThat(data.get("raw").has("cagri")).isTrue();
        }
    }

    @Test
    void theSimulatorSendsUnderTheSameNamesAndTheGuidesNamesNoLongerCount() throws Exception {
        String target = baseUrl() + "/webhooks/ccs/ivr?token=" + webhookToken();
        HttpResponse<String> sent = http.send(HttpRequest.newBuilder(URI.create(simulator().baseUrl() + "/sim/ivr?ending=answered&url="
                + URLEncoder.encode(target, StandardCharsets.UTF_8))).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode fields = json.readTree(sent.body());
        SentCallback callback = simulator().callbacks().get(0);
        assertThat(callback.status()).isEqualTo(200);

        JsonNode data = written(json.readTree(callback.answer()).get("id").asText()).get("data");
        assertThat(data.get("callKey").asText()).isEqualTo(fields.get("call-key").asText());
        assertThat(data.get("outcome").asText()).isEqualTo("answered");
        assertThat(data.get("agentEmail").asText()).isEqualTo(fields.get("agent-email").asText());
        HttpResponse<String> guideNames = get("/webhooks/ccs/ivr?token=" + webhookToken() + "&callkeyX=k&queuename=q");
        assertThat(guideNames.statusCode()).isEqualTo(400);
        assertThat(json.readTree(guideNames.body()).get("field").asText()).isEqualTo("cagri");
    }

    private JsonNode written(String eventId) throws Exception {
        Path file = dataDir.resolve("crm-out").resolve(CloudEvent.fileName(eventId));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file));
        return json.readTree(file.toFile());
    }
}
