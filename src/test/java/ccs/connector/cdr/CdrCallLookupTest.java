package ccs.connector.cdr;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import ccs.connector.click2call.CallCorrelations;
import ccs.connector.simulator.CcsSimulator.ApiRequest;
import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/v1/calls/{activecallkey}: one call's CDR record, normalized, fetched from the simulator over real HTTP. */
class CdrCallLookupTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
    }

    private static final String API_KEY = "crm-api-key-for-lookup-tests";
    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("ccs.simulator.records", "0");
        settings.setProperty("connector.api-key", API_KEY);
        settings.setProperty("ccs.tenants", "demo,revoked,london");
        settings.setProperty("ccs.tenant.london.timezone", "Europe/London");
        settings.setProperty("ccs.tenant.london.cdr.recording-details", "true");
        settings.setProperty("ccs.tenant.revoked.app-token", "a-revoked-app-token");
    }

    @BeforeEach
    void freshUpstream() {
        simulator().clearFaults();
        simulator().clearRequests();
    }

    @Test
    void aKnownCallIsAnsweredAsItsNormalizedRecord() throws Exception {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("callid", "ahRzfmLookup1");
        record.put("calldate", "2026-11-02 10:00:00");
        record.put("talkdate", "2026-11-02 10:00:12");
        record.put("hangupdate", "2026-11-02 10:03:00");
        record.put("duration", 168);
        record.put("callerid", "05321234567");
        record.put("called_num", "08502221100");
        record.put("inbound", true);
        record.put("answered", true);
        record.put("agent", "ahRzfm11a7b1c");
        record.put("agent_username", "ayse.yilmaz@demo.example");
        simulator().addCdr(record);

        HttpResponse<String> answer = lookup("ahRzfmLookup1");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode call = json.readTree(answer.body());
        assertThat(call.get("callKey").asText()).isEqualTo("ahRzfmLookup1");
        assertThat(call.get("direction").asText()).isEqualTo("inbound");
        assertThat(call.get("startedAt").asText()).isEqualTo("2026-11-02T07:00:00Z");
        assertThat(call.get("answeredAt").asText()).isEqualTo("2026-11-02T07:00:12Z");
        assertThat(call.get("durationSeconds").asInt()).isEqualTo(168);
        assertThat(call.get("answered").asBoolean()).isTrue();
        assertThat(call.get("agent").asText()).isEqualTo("ahRzfm11a7b1c");
        assertThat(call.get("agentUsername").asText()).isEqualTo("ayse.yilmaz@demo.example");
        assertThat(call.at("/raw/calldate").asText()).isEqualTo("2026-11-02 10:00:00");
        ApiRequest asked = simulator().requests("reportsCDRLogs").get(0);
        assertThat(asked.params()).containsEntry("activecallkey", "ahRzfmLookup1").doesNotContainKeys("startdate", "cursor");
    }

    @Test
    void theRecordOfAClick2callTheConnectorDispatchedCarriesTheCrmTransactionId() throws Exception {
        String agent = "mehmet.kaya@demo.example";
        CallCorrelations correlations = context.getRegistry().lookupByNameAndType("callCorrelations", CallCorrelations.class);
        correlations.remember("demo", "crm-tx-lookup-1", agent, "0532 765 43 21", "crm-ref-1");
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("callid", "ahRzfmLookupC2c");
        record.put("calldate", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(LocalDateTime.now(ZoneId.of("Europe/Istanbul"))));
        record.put("called_num", "05327654321");
        record.put("agent", "ahRzfm11a9d8e");
        record.put("agent_username", agent);
        record.put("click2call", true);
        simulator().addCdr(record);

        JsonNode call = json.readTree(lookup("ahRzfmLookupC2c").body());

        assertThat(call.get("transactionId").asText()).isEqualTo("crm-tx-lookup-1");
        assertThat(call.get("crmReference").asText()).isEqualTo("crm-ref-1");
    }

    @Test
    void aClick2callRowIsCorrelatedByItsUniqueidWhenThatIsATransactionIdItDispatched() throws Exception {
        CallCorrelations correlations = context.getRegistry().lookupByNameAndType("callCorrelations", CallCorrelations.class);
        correlations.remember("demo", "crm-tx-lookup-2", "zeynep.demir@demo.example", "0532 111 22 33", "crm-ref-2");
        // a day later than the click2call and with no agent: only its uniqueid ties the row to it
        simulator().addCdr(Map.of("callid", "ahRzfmLookupUnique", "calldate", "2026-11-03 10:00:00", "click2call", true,
                "called_num", "05321112233", "uniqueid", "crm-tx-lookup-2"));
        simulator().addCdr(Map.of("callid", "ahRzfmLookupForeign", "calldate", "2026-11-03 10:00:00", "click2call", true,
                "uniqueid", "dialled-by-another-crm"));

        JsonNode call = json.readTree(lookup("ahRzfmLookupUnique").body());
        JsonNode foreign = json.readTree(lookup("ahRzfmLookupForeign").body());

        assertThat(call.get("transactionId").asText()).isEqualTo("crm-tx-lookup-2");
        assertThat(call.get("crmReference").asText()).isEqualTo("crm-ref-2");
        // a uniqueid that is no transaction id this connector dispatched is not the CRM's: it stays in raw only
        assertThat(foreign.get("transactionId").isNull()).isTrue();
        assertThat(foreign.at("/raw/uniqueid").asText()).isEqualTo("dialled-by-another-crm");
        assertThat(foreign.has("crmReference")).isFalse();
    }

    @Test
    void theNamedTenantsZoneReadsTheRecord() throws Exception {
        simulator().addCdr(Map.of("callid", "ahRzfmLookupLondon", "calldate", "2026-11-02 10:00:00", "inbound", true));

        JsonNode call = json.readTree(lookup("ahRzfmLookupLondon?tenant=london").body());

        assertThat(call.get("startedAt").asText()).isEqualTo("2026-11-02T10:00:00Z");
    }

    @Test
    void anUnknownCallIsAnswered404() throws Exception {
        HttpResponse<String> answer = lookup("no-such-call");

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(json.readTree(answer.body()).get("detail").asText()).isEqualTo("no call with activecallkey no-such-call");
    }

    @Test
    void anUpstreamFaultIsAnswered502Or503() throws Exception {
        simulator().inject(Fault.status("reportsCDRLogs", 500, 1));
        HttpResponse<String> down = lookup("any");
        assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
        assertThat(json.readTree(down.body()).get("detail").asText()).contains("HTTP 500");

        simulator().inject(Fault.html("reportsCDRLogs", 1));
        HttpResponse<String> garbage = lookup("any");
        assertThat(garbage.statusCode()).as(garbage.body()).isEqualTo(502);
    }

    @Test
    void aRecordThatCannotBeReadIsA502NamingTheField() throws Exception {
        simulator().addCdrEntry("unreadable-date", "2026-11-02 10:00:00", "{\"callid\": \"unreadable-date\", \"calldate\": \"yesterday\"}");

        HttpResponse<String> answer = lookup("unreadable-date");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(502);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(answer.body()).get("detail").asText())
                .startsWith("Call Center Studio answered a call record that cannot be read: ").contains("calldate");
    }

    @Test
    void aRefusedAppTokenIsA422NamingTheSettingNotAnUnknownCall() throws Exception {
        // tenant "revoked" has an app token Call Center Studio refuses with {"success": false, "message": "Invalid Application Token"}
        HttpResponse<String> refused = lookup("any?tenant=revoked");

        // the answer of screen pop for the same refusal: one route asks for a call's record
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(json.readTree(refused.body()).get("detail").asText()).contains("Invalid Application Token", "ccs.tenant.revoked.app-token");
    }

    @Test
    void anUnknownTenantIsAnswered400AndAMissingApiKey401() throws Exception {
        HttpResponse<String> tenant = lookup("any?tenant=acme");
        assertThat(tenant.statusCode()).isEqualTo(400);
        assertThat(json.readTree(tenant.body()).get("detail").asText()).contains("acme");

        assertThat(get("/api/v1/calls/any").statusCode()).isEqualTo(401);
        assertThat(simulator().requests("reportsCDRLogs")).isEmpty();
    }

    @Test
    void aCallKeyInTheQueryAsWellAsInThePathIsA400NamingIt() throws Exception {
        HttpResponse<String> twice = lookup("ahRzfm1?activecallkey=ahRzfm2");
        assertThat(twice.statusCode()).as(twice.body()).isEqualTo(400);
        assertThat(json.readTree(twice.body()).get("field").asText()).isEqualTo("activecallkey");
        assertThat(json.readTree(twice.body()).get("detail").asText())
                .isEqualTo("activecallkey is given in the path and in the query: give it in the path only");

        HttpResponse<String> recording = lookup("ahRzfm1/recording?callKey=ahRzfm2");
        assertThat(recording.statusCode()).as(recording.body()).isEqualTo(400);
        assertThat(json.readTree(recording.body()).get("field").asText()).isEqualTo("callKey");
        assertThat(simulator().requests("reportsCDRLogs")).isEmpty();
        assertThat(simulator().requests("recordinginfo")).isEmpty();
    }

    @Test
    void aCallsRecordingIsAnsweredFromRecordinginfoAndACallWithoutOneIs404AndATenantCanHaveItInItsCdrEvents() throws Exception {
        simulator().addCdr(Map.of("callid", "ahRzfmRecorded", "calldate", "2026-11-04 09:00:00", "talkdate", "2026-11-04 09:00:05",
                "hangupdate", "2026-11-04 09:02:00", "recordingurl", "https://recordings.example/ahRzfmRecorded.mp3"));
        simulator().addCdr(Map.of("callid", "ahRzfmUnrecorded", "calldate", "2026-11-04 09:00:00", "recordingurl", ""));

        HttpResponse<String> answer = lookup("ahRzfmRecorded/recording");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Cache-Control")).as("a link that may be signed").hasValue("no-store");
        JsonNode recording = json.readTree(answer.body());
        assertThat(recording.get("callKey").asText()).isEqualTo("ahRzfmRecorded");
        assertThat(recording.get("url").asText()).isEqualTo("https://recordings.example/ahRzfmRecorded.mp3");
        assertThat(recording.get("finishdate").asText()).isEqualTo("2026-11-04 09:02:00");
        assertThat(simulator().requests("recordinginfo").get(0).params()).containsEntry("callkey", "ahRzfmRecorded")
                .containsEntry("app_token", simulator().appToken());

        assertThat(json.readTree(lookup("ahRzfmRecorded").body()).has("recording")).isFalse();
        JsonNode detailed = json.readTree(lookup("ahRzfmRecorded?tenant=london").body());
        assertThat(detailed.at("/recordingUrl").asText()).isEqualTo("https://recordings.example/ahRzfmRecorded.mp3");
        assertThat(detailed.at("/recording/url").asText()).isEqualTo("https://recordings.example/ahRzfmRecorded.mp3");
        assertThat(detailed.at("/recording/finishdate").asText()).isEqualTo("2026-11-04 09:02:00");

        HttpResponse<String> none = lookup("ahRzfmUnrecorded/recording");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(json.readTree(none.body()).get("detail").asText()).isEqualTo("no recording of call ahRzfmUnrecorded (Recording not found)");
        simulator().inject(Fault.status("recordinginfo", 500, 1));
        assertThat(lookup("ahRzfmRecorded/recording").statusCode()).isEqualTo(503);

        // the event (as the CDR sync delivers it): Call Center Studio away is an error, one of its own about the call is not
        simulator().inject(Fault.status("recordinginfo", 503, 1));
        assertThat(lookup("ahRzfmRecorded?tenant=london").statusCode()).isEqualTo(503);
        simulator().inject(Fault.status("recordinginfo", 522, 1));
        HttpResponse<String> proxied = lookup("ahRzfmRecorded?tenant=london");
        assertThat(proxied.statusCode()).as("a proxy's own: the platform away " + proxied.body()).isEqualTo(503);
        simulator().inject(Fault.status("recordinginfo", 500, 1));
        HttpResponse<String> failedDetails = lookup("ahRzfmRecorded?tenant=london");
        assertThat(failedDetails.statusCode()).as(failedDetails.body()).isEqualTo(200);
        assertThat(json.readTree(failedDetails.body()).has("recording")).isFalse();

        // an answer without the link: a 502 naming it, and the record's event (the one the CDR sync delivers) goes without details
        simulator().inject(Fault.successOnly("recordinginfo", 2));
        HttpResponse<String> linkless = lookup("ahRzfmRecorded/recording");
        assertThat(linkless.statusCode()).isEqualTo(502);
        assertThat(json.readTree(linkless.body()).get("detail").asText()).contains("RecordingInfo.url");
        HttpResponse<String> withoutDetails = lookup("ahRzfmRecorded?tenant=london");
        assertThat(withoutDetails.statusCode()).as(withoutDetails.body()).isEqualTo(200);
        assertThat(json.readTree(withoutDetails.body()).at("/recordingUrl").asText()).isEqualTo("https://recordings.example/ahRzfmRecorded.mp3");
        assertThat(json.readTree(withoutDetails.body()).has("recording")).isFalse();
        // an answer of no known shape ({}) is no "no recording" either: a 502 naming the link it lacks
        simulator().inject(Fault.noEnvelope("recordinginfo", 1));
        HttpResponse<String> shapeless = lookup("ahRzfmRecorded/recording");
        assertThat(shapeless.statusCode()).as(shapeless.body()).isEqualTo(502);
        assertThat(json.readTree(shapeless.body()).get("detail").asText()).contains("RecordingInfo.url");
    }

    @Test
    void aRecordingLinkSignedWithASessionIsMaskedInTheDetailsOfTheEventAsInItsLinkAndTheRecordingAnswerGivesItToPlay() throws Exception {
        String signed = "https://recordings.example/ahRzfmSigned.mp3?session=s3cr3t-recording-session&expires=1";
        simulator().addCdr(Map.of("callid", "ahRzfmSigned", "calldate", "2026-11-04 09:00:00", "recordingurl", signed));

        HttpResponse<String> answer = lookup("ahRzfmSigned?tenant=london");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain("s3cr3t-recording-session");
        JsonNode event = json.readTree(answer.body());
        assertThat(event.at("/recordingUrl").asText()).isEqualTo("https://recordings.example/ahRzfmSigned.mp3?session=***&expires=1");
        assertThat(event.at("/recording/url").asText()).isEqualTo("https://recordings.example/ahRzfmSigned.mp3?session=***&expires=1");
        assertThat(json.readTree(lookup("ahRzfmSigned/recording").body()).get("url").asText()).isEqualTo(signed);
    }

    /**
     * A platform whose answer names another callid than the key asked for: which field is the call's key is not published,
     * so it is the call's record, and a WARN line says so.
     */
    @Test
    void anAnswerWhoseRecordNamesAnotherCallidIsTakenWithAWarning() throws Exception {
        simulator().addCdrEntry("ahRzfmAsked1", "2026-11-02 10:00:00",
                "{\"callid\": \"ahRzfmSomeoneElse\", \"calldate\": \"2026-11-02 10:00:00\", \"callerid\": \"05321234567\", \"inbound\": true}");

        HttpResponse<String> answer = lookup("ahRzfmAsked1");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(LogCapture.text()).contains("The CDR lookup of call ahRzfmAsked1 of tenant demo answered 1 records, none with that callid "
                + "(the first has ahRzfmSomeoneElse)");
    }

    private HttpResponse<String> lookup(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/calls/" + pathAndQuery)).header("X-Api-Key", API_KEY)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
