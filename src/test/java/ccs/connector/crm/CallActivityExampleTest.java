package ccs.connector.crm;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worked example of a customer route: hangup and CDR events upserted as one CRM call activity. */
class CallActivityExampleTest extends ConnectorTestSupport {

    private static final String CRM_QUERY = "api-version=2016-06-01&sig=abc%2Bdef%3D";

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = startHttpServer();
        settings.setProperty("crm.sink", "call-activity");
        // a CRM's flow URL that carries its own query (a signature), kept exactly as written, after the route's path
        settings.setProperty("crm.call-activity.url", crm.url("/api") + "?" + CRM_QUERY);
        settings.setProperty("crm.call-activity.token", "activity-token-1");
    }

    @Test
    void aHangupAndItsCdrRecordUpsertOneCallActivity() throws Exception {
        // as the correlation with its click2call leaves it
        CloudEvent hangup = hangupEvent("act-1").withData("crmReference", "CASE-7");
        publish(hangup);
        await().atMost(Duration.ofSeconds(30)).until(() -> activityUpserts("act-1").size() == 1);
        publish(events().cdr(null, cdrRecord("act-1")));
        await().atMost(Duration.ofSeconds(30)).until(() -> activityUpserts("act-1").size() == 2);

        List<Received> puts = activityUpserts("act-1");
        assertThat(puts).allSatisfy(put -> {
            assertThat(put.method()).isEqualTo("PUT");
            assertThat(put.path()).isEqualTo("/api/call-activities/demo:act-1");
            assertThat(put.query()).isEqualTo(CRM_QUERY);
            assertThat(put.header("Authorization")).isEqualTo("Bearer activity-token-1");
            assertThat(put.header("Content-Type")).startsWith("application/json");
        });
        JsonNode fromHangup = json.readTree(puts.get(0).body());
        assertThat(fromHangup.get("externalId").asText()).isEqualTo("demo:act-1");
        assertThat(fromHangup.get("direction").asText()).isEqualTo("outbound");
        assertThat(fromHangup.get("phone").asText()).isEqualTo("05321234567");
        assertThat(fromHangup.get("status").asText()).isEqualTo("ANSWER");
        assertThat(fromHangup.get("durationSeconds").isInt()).isTrue();
        assertThat(fromHangup.get("transactionId").asText()).isEqualTo("crm-act-1");
        assertThat(fromHangup.get("crmReference").asText()).isEqualTo("CASE-7");
        JsonNode fromCdr = json.readTree(puts.get(1).body());
        assertThat(fromCdr.get("direction").asText()).isEqualTo("inbound");
        assertThat(fromCdr.get("phone").asText()).isEqualTo("05551112233");
        assertThat(fromCdr.get("agent").asText()).isEqualTo("ayse.yilmaz@demo.example");
        assertThat(fromCdr.get("recordingUrl").asText()).isEqualTo("https://rec.example/act-1.mp3");
        assertThat(fromCdr.get("startedAt").asText()).isEqualTo("2026-11-02T07:00:00Z");
    }

    @Test
    void callKeysThatAreNoPlainPathSegmentReachActivitiesOfTheirOwn() throws Exception {
        // decoded again on its way (a server or proxy in front of the CRM), a percent-encoded key would name another activity
        List<String> keys = List.of("ca%2Fx", "ca%2fx", "ca a/b?c#d&e=f+g%41", "kolayğ", "kolayı");
        keys.forEach(key -> publish(hangupEvent(key)));

        await().atMost(Duration.ofSeconds(30)).until(() -> encodedKeyUpserts().size() >= keys.size());
        assertThat(encodedKeyUpserts()).hasSize(keys.size()).allSatisfy(put -> assertThat(put.path()).matches("/api/call-activities/~[A-Za-z0-9_-]+"))
                .extracting(Received::path).doesNotHaveDuplicates();
        // a header is ASCII: ğ would arrive as ?, the same for every key that differs in such a letter
        assertThat(encodedKeyUpserts()).extracting(put -> put.header("Idempotency-Key")).doesNotHaveDuplicates()
                .contains("demo:ccs.call.hangup:kolay%C4%9F", "demo:ccs.call.hangup:kolay%C4%B1", "demo:ccs.call.hangup:ca%252Fx");
    }

    @Test
    void activitiesOfManyCallsGoThroughOneHttpEndpoint() throws Exception {
        publish(hangupEvent("one-endpoint-0"));
        await().atMost(Duration.ofSeconds(30)).until(() -> activityUpserts("one-endpoint-0").size() == 1);
        long endpoints = httpEndpointsTo(crm);

        List<String> keys = List.of("one-endpoint-1", "one-endpoint-2", "one-endpoint-3", "one-endpoint-4", "one-endpoint-5");
        keys.forEach(key -> publish(hangupEvent(key)));
        await().atMost(Duration.ofSeconds(30)).until(() -> keys.stream().allMatch(key -> activityUpserts(key).size() == 1));

        assertThat(keys).allSatisfy(key -> assertThat(activityUpserts(key).get(0)).satisfies(put -> {
            assertThat(put.rawPath()).isEqualTo("/api/call-activities/demo:" + key);
            assertThat(put.query()).isEqualTo(CRM_QUERY);
        }));
        // an endpoint per activity's URL was an HTTP client and a connection pool each, up to Camel's 1,000 endpoints
        assertThat(httpEndpointsTo(crm)).isEqualTo(endpoints);
    }

    @Test
    void eventsThatAreNotActivitiesAreSkippedNotDeadLettered() throws Exception {
        CloudEvent ivr = events().ivrNotification(null, Map.of("callkeyX", "act-ivr", "event", "call_hangup",
                "callerid", "05321234567", "calldate", "2026-11-02 10:00:00"));
        publish(ivr);
        CloudEvent after = hangupEvent("act-after-ivr");
        publish(after);

        await().atMost(Duration.ofSeconds(30)).until(() -> crm.received().stream()
                .anyMatch(r -> after.getId().equals(r.header("Idempotency-Key"))));
        assertThat(crm.received()).noneMatch(r -> ivr.getId().equals(r.header("Idempotency-Key")));
        assertThat(deadLetters()).doesNotContainKey(ivr.getId());
    }

    private List<Received> encodedKeyUpserts() {
        return crm.received().stream().filter(r -> r.path().startsWith("/api/call-activities/~")).toList();
    }

    private List<Received> activityUpserts(String callKey) {
        return crm.received().stream().filter(r -> r.path().endsWith(":" + callKey)).toList();
    }

    private static Map<String, Object> cdrRecord(String callKey) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("callid", callKey);
        record.put("calldate", "2026-11-02 10:00:00");
        record.put("talkdate", "2026-11-02 10:00:07");
        record.put("hangupdate", "2026-11-02 10:01:00");
        record.put("duration", 53);
        record.put("callerid", "05551112233");
        record.put("called_num", "08502221100");
        record.put("agent", "ahRzfm11a6f2c1e0d");
        record.put("agent_username", "ayse.yilmaz@demo.example");
        record.put("queue", "sales");
        record.put("answered", true);
        record.put("abandon", false);
        record.put("inbound", true);
        record.put("recordingurl", "https://rec.example/act-1.mp3");
        return record;
    }
}
