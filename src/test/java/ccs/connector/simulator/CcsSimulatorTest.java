package ccs.connector.simulator;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ccs.connector.simulator.SyntheticCalls.Ending;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The simulator over its real HTTP interface, as the connector and other tools see it. */
class CcsSimulatorTest {

    private static final String TOKEN = "test-app-token-abcdef";
    private static final String AGENT = "ayse.yilmaz@demo.example";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private CcsSimulator simulator;
    private RecordingHttpServer connector;

    @BeforeEach
    void start() throws Exception {
        simulator = CcsSimulator.start(new SimulatorSettings().appToken(TOKEN).seedRecords(0)
                .hangupDelay(Duration.ofMillis(100)).ivrName("call-key", "callkeyX"));
        connector = new RecordingHttpServer();
    }

    @AfterEach
    void stop() {
        simulator.close();
        connector.close();
    }

    @Test
    void loginGivesTheGuidesThreeAnswers() throws Exception {
        JsonNode ok = api("function=login&email=" + enc(AGENT) + "&app_token=" + TOKEN);
        assertThat(ok.get("login").asBoolean()).isTrue();
        assertThat(ok.get("session").asText()).isNotBlank();
        assertThat(ok.get("message").asText()).isEqualTo("Login Successful!");

        assertThat(api("function=login&email=nobody%40x.example&app_token=" + TOKEN).get("message").asText()).isEqualTo("User not found");
        assertThat(api("function=login&email=" + enc(AGENT) + "&app_token=wrong").get("message").asText()).isEqualTo("Invalid Application Token");
    }

    /** Each function of the guide is "Method: Get", its parameters in the query: another method is refused, as the request of a client the platform would not serve. */
    @Test
    void everyFunctionIsAGetAndAnotherMethodIsRefused() throws Exception {
        String login = "/api/?function=login&email=" + enc(AGENT) + "&app_token=" + TOKEN;

        HttpResponse<String> posted = control("POST", login, "");

        assertThat(posted.statusCode()).isEqualTo(405);
        assertThat(posted.headers().firstValue("Allow")).hasValue("GET");
        assertThat(simulator.liveSessions()).as("no login was carried out").isEmpty();
        assertThat(api(login.substring("/api/?".length())).get("login").asBoolean()).isTrue();
    }

    @Test
    void aSessionWorksUntilItIsExpiredOnCommand() throws Exception {
        String session = login();
        assertThat(api("function=getmyactivecalls&session=" + session).get("success").asBoolean()).isTrue();
        assertThat(api("function=ping&session=" + session).get("success").asBoolean()).isTrue();

        HttpResponse<String> expired = control("POST", "/sim/sessions/expire?agent=" + enc(AGENT), "");
        assertThat(expired.body()).contains("\"expired\":1");

        JsonNode refused = api("function=getmyactivecalls&session=" + session);
        assertThat(refused.get("success").asBoolean()).isFalse();
        assertThat(refused.get("message").asText()).isEqualTo("Yanlış API anahtarı");
        assertThat(api("function=ping&session=" + session).get("success").asBoolean()).isFalse();
    }

    @Test
    void sessionsAlsoExpireByTtl() throws Exception {
        simulator.close();
        simulator = CcsSimulator.start(new SimulatorSettings().appToken(TOKEN).seedRecords(0).sessionTtl(Duration.ofMillis(200)));
        String session = login();
        Thread.sleep(400);
        assertThat(api("function=ping&session=" + session).get("success").asBoolean()).isFalse();
    }

    @Test
    void cdrWindowPagesByCursorUntilAPageHoldsFewerThan100() throws Exception {
        LocalDateTime from = LocalDateTime.of(2026, 11, 2, 9, 0);
        simulator.generateCdrs(250, from, from.plusHours(1));
        simulator.generateCdrs(30, from.plusHours(3), from.plusHours(4));
        String window = "function=reportsCDRLogs&app_token=" + TOKEN + "&sorting=asc"
                + "&startdate=" + enc("2026-11-02 09:00:00") + "&finishdate=" + enc("2026-11-02 10:00:00");

        Set<String> callIds = new HashSet<>();
        String cursor = null;
        int[] sizes = new int[3];
        for (int page = 0; page < 3; page++) {
            JsonNode answer = api(window + (cursor == null ? "" : "&cursor=" + enc(cursor)));
            sizes[page] = answer.get("CallList").size();
            answer.get("CallList").forEach(record -> callIds.add(record.get("callid").asText()));
            assertThat(answer.get("cursor").asText()).isNotBlank().isNotEqualTo(cursor);
            cursor = answer.get("cursor").asText();
        }

        assertThat(sizes).containsExactly(100, 100, 50);
        assertThat(callIds).hasSize(250);
        String key = callIds.iterator().next();
        JsonNode one = api("function=reportsCDRLogs&app_token=" + TOKEN + "&activecallkey=" + key);
        assertThat(one.get("CallList")).hasSize(1);
        assertThat(one.get("CallList").get(0).get("callid").asText()).isEqualTo(key);
        assertThat(api("function=reportsCDRLogs&app_token=" + TOKEN + "&activecallkey=nope").get("CallList")).isEmpty();
    }

    @Test
    void cdrRecordsHoldTheFieldsOfTheGuide() throws Exception {
        LocalDateTime from = LocalDateTime.of(2026, 11, 2, 9, 0);
        String key = simulator.generateCdrs(1, from, from.plusMinutes(1)).get(0);
        JsonNode record = api("function=reportsCDRLogs&app_token=" + TOKEN + "&activecallkey=" + key).get("CallList").get(0);
        for (String field : List.of("callid", "calldate", "queuedate", "talkdate", "hangupdate", "waitduration", "duration",
                "callerid", "called_num", "queue", "queuekey", "agent", "agentid", "answered", "answeredby", "queued",
                "assigned", "abandon", "inbound", "status", "hangupcause", "hold", "holdduration", "voicemail",
                "recordingurl", "transferred", "click2call")) {
            assertThat(record.has(field)).as(field).isTrue();
        }
        assertThat(record.get("calldate").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
        assertThat(record.get("answered").isBoolean()).isTrue();
    }

    /**
     * A simulator started again (the demo after a restart, as an edit of a setting or route needs) makes calls of its own:
     * none of them has the call key of a call the one before made, so no hangup or CDR event of a new call carries the id
     * of an earlier call's event (which a CRM would take as a repeat, and the file sink would write over).
     */
    @Test
    void aSimulatorStartedAgainGivesItsCallsKeysOfTheirOwn() throws Exception {
        LocalDateTime from = LocalDateTime.of(2026, 11, 2, 9, 0);
        String window = "function=reportsCDRLogs&app_token=" + TOKEN + "&startdate=" + enc("2026-11-02 09:00:00")
                + "&finishdate=" + enc("2026-11-02 10:00:00");
        Set<String> before = new HashSet<>();
        simulator.generateCdrs(20, from, from.plusHours(1));
        api(window).get("CallList").forEach(record -> before.add(record.get("callid").asText()));
        before.add(activeCallKeyOfAClick2call());
        simulator.close();

        simulator = CcsSimulator.start(new SimulatorSettings().appToken(TOKEN).seedRecords(0).hangupDelay(Duration.ofMillis(100)));
        Set<String> after = new HashSet<>();
        simulator.generateCdrs(20, from, from.plusHours(1));
        api(window).get("CallList").forEach(record -> after.add(record.get("callid").asText()));
        after.add(activeCallKeyOfAClick2call());

        assertThat(before).hasSize(21);
        assertThat(after).hasSize(21).doesNotContainAnyElementsOf(before);
    }

    private String activeCallKeyOfAClick2call() throws Exception {
        String session = login();
        assertThat(api("function=click2call&session=" + session + "&phonenumber=05321234567").get("success").asBoolean()).isTrue();
        return api("function=getmyactivecalls&session=" + session).get("MyActiveCalls").get(0).get("key").asText();
    }

    @Test
    void injectedFaultsAnswerInsteadOfTheApi() throws Exception {
        simulator.inject(Fault.status("reportsCDRLogs", 500, 1));
        simulator.inject(Fault.html("reportsCDRLogs", 1));
        simulator.inject(Fault.throttle("reportsCDRLogs", 7, 1));
        control("POST", "/sim/faults", "{\"function\":\"ping\",\"kind\":\"delay\",\"delayMillis\":300,\"times\":1}");
        String query = "function=reportsCDRLogs&app_token=" + TOKEN + "&activecallkey=x";

        assertThat(raw(query).statusCode()).isEqualTo(500);
        HttpResponse<String> html = raw(query);
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.body()).startsWith("<html>");
        HttpResponse<String> throttled = raw(query);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).contains("7");
        assertThat(raw(query).statusCode()).as("faults are used up").isEqualTo(200);

        long started = System.nanoTime();
        assertThat(api("function=ping&app_token=" + TOKEN).get("success").asBoolean()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void click2callIsRecordedAndPostsTheHangupCallbackWithEveryFieldOfTheGuide() throws Exception {
        String session = login();
        String hangupUrl = connector.url("/webhooks/ccs/hangup?token=secret-webhook-token");
        JsonNode answer = api("function=click2call&session=" + session + "&phonenumber=05321234567&transactionid=crm-42"
                + "&hangup_url=" + enc(hangupUrl));
        assertThat(answer.get("success").asBoolean()).isTrue();
        assertThat(simulator.requests("click2call")).singleElement()
                .satisfies(r -> assertThat(r.params()).containsEntry("phonenumber", "05321234567").containsEntry("transactionid", "crm-42"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !connector.received().isEmpty());
        RecordingHttpServer.Received callback = connector.received().get(0);
        assertThat(callback.method()).isEqualTo("POST");
        assertThat(callback.query()).isEqualTo("token=secret-webhook-token");
        assertThat(callback.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        Map<String, String> fields = callback.fields();
        assertThat(fields).containsKeys("project", "action", "tenant", "url", "call_date", "agent_username",
                "transaction_id", "disposition", "duration", "called_num", "caller_id", "call_id");
        assertThat(fields).containsEntry("transaction_id", "crm-42").containsEntry("called_num", "05321234567")
                .containsEntry("project", "alotech").containsEntry("action", "webhook").containsEntry("agent_username", AGENT);
        JsonNode cdr = api("function=reportsCDRLogs&app_token=" + TOKEN + "&activecallkey=" + fields.get("call_id"));
        JsonNode row = cdr.get("CallList").get(0);
        assertThat(row.get("click2call").asBoolean()).isTrue();
        assertThat(row.get("uniqueid").asText()).isEqualTo("crm-42");
        assertThat(row.get("agent_username").asText()).isEqualTo(AGENT);
        assertThat(row.get("agent").asText()).isEqualTo(row.get("agentid").asText()).isNotEqualTo(AGENT);
    }

    @Test
    void aLongCallsRecordAppearsAtItsEndFiledUnderItsStart() throws Exception {
        JsonNode answer = json.readTree(control("POST", "/sim/cdr/long-call?minutes=40", "").body());

        JsonNode record = api("function=reportsCDRLogs&app_token=" + TOKEN + "&activecallkey=" + answer.get("callKey").asText())
                .get("CallList").get(0);
        LocalDateTime start = LocalDateTime.parse(record.get("calldate").asText().replace(' ', 'T'));
        LocalDateTime end = LocalDateTime.parse(record.get("hangupdate").asText().replace(' ', 'T'));
        assertThat(Duration.between(start, end)).isEqualTo(Duration.ofMinutes(40));
    }

    @Test
    void hangupCallbacksCanLeaveTheTransactionIdOutAsSomeTenantsDo() throws Exception {
        simulator.sendTransactionIdOnHangup(false);
        String session = login();
        api("function=click2call&session=" + session + "&phonenumber=05321234567&transactionid=crm-43"
                + "&hangup_url=" + enc(connector.url("/webhooks/ccs/hangup?token=t")));

        await().atMost(Duration.ofSeconds(10)).until(() -> !connector.received().isEmpty());
        assertThat(connector.received().get(0).fields()).containsEntry("transaction_id", "").containsEntry("agent_username", AGENT)
                .containsEntry("called_num", "05321234567");
    }

    @Test
    void hangupCallbacksCanNameNoAgentAsTheVendorsSampleAndRecordsTheAgentByItsIdAlone() throws Exception {
        simulator.sendAgentUsername(false);
        try {
            String session = login();
            api("function=click2call&session=" + session + "&phonenumber=05321234567&transactionid=crm-44"
                    + "&hangup_url=" + enc(connector.url("/webhooks/ccs/hangup?token=t")));

            await().atMost(Duration.ofSeconds(10)).until(() -> !connector.received().isEmpty());
            Map<String, String> fields = connector.received().get(0).fields();
            assertThat(fields).containsEntry("agent_username", "").containsEntry("transaction_id", "crm-44");
            JsonNode row = api("function=reportsCDRLogs&app_token=" + TOKEN + "&activecallkey=" + fields.get("call_id")).get("CallList").get(0);
            assertThat(row.has("agent_username")).isFalse();
            assertThat(row.get("agent").asText()).isNotEmpty().isNotEqualTo(AGENT);
        } finally {
            simulator.sendAgentUsername(true);
        }
    }

    @Test
    void ivrNotificationsCarryTheGuidesThreeOutcomesUnderConfiguredNames() throws Exception {
        String url = connector.url("/webhooks/ccs/ivr?token=t");
        simulator.sendIvrNotification(url, Ending.BEFORE_QUEUE, false);
        simulator.sendIvrNotification(url, Ending.ABANDONED_IN_QUEUE, false);
        simulator.sendIvrNotification(url, Ending.ANSWERED, true);

        List<RecordingHttpServer.Received> received = connector.received();
        assertThat(received).extracting(RecordingHttpServer.Received::method).containsExactly("GET", "GET", "POST");
        Map<String, String> beforeQueue = received.get(0).fields();
        assertThat(beforeQueue).containsKeys("callkeyX", "event", "callerid", "callednum", "calldate")
                .doesNotContainKeys("queuename", "queueid").containsEntry("event", "call_hangup").containsEntry("token", "t");
        assertThat(received.get(1).fields()).containsKeys("queuename", "queueid").containsEntry("myemail", "");
        assertThat(received.get(2).fields().get("myemail")).contains("@");

        simulator.close();
        simulator = CcsSimulator.start(new SimulatorSettings().appToken(TOKEN).seedRecords(0).ivrName("call-key", "ck").ivrName("agent-email", "agent"));
        simulator.sendIvrNotification(url, Ending.ANSWERED, false);
        assertThat(connector.received().get(3).fields()).containsKeys("ck", "agent").doesNotContainKeys("callkeyX", "myemail");
    }

    @Test
    void theHangupCallbackEchoesTheHangupUrlEncodedAsTheGuideShowsIt() throws Exception {
        String hangupUrl = connector.url("/webhooks/ccs/hangup?token=secret-webhook-token");
        api("function=click2call&session=" + login() + "&phonenumber=05321234567&hangup_url=" + enc(hangupUrl));

        await().atMost(Duration.ofSeconds(10)).until(() -> !connector.received().isEmpty());
        assertThat(connector.received().get(0).fields().get("url"))
                .isEqualTo(enc(hangupUrl).replace("%2F", "/")).startsWith("http%3A//127.0.0.1%3A").contains("%3Ftoken%3Dsecret-webhook-token");
    }

    @Test
    void theStepsOfOneCallAreNotifiedOneByOneAndCallbacksCanBeRepeatedAndCarryTheTokenAsBearer() throws Exception {
        simulator.sendEachCallback(2);
        simulator.sendWebhookTokenAsBearer(true);
        List<Map<String, String>> steps = simulator.sendIvrSteps(connector.url("/webhooks/ccs/ivr?token=t%2Bk&tenant=demo"), false);

        assertThat(steps).extracting(step -> step.get("event")).containsExactly("queue_enter", "agent_answer", "call_hangup");
        assertThat(steps).extracting(step -> step.get("call-key")).containsOnly(steps.get(0).get("call-key"));
        List<RecordingHttpServer.Received> received = connector.received();
        assertThat(received).hasSize(6).allSatisfy(r -> {
            assertThat(r.header("Authorization")).isEqualTo("Bearer t+k");
            assertThat(r.query()).startsWith("tenant=demo&").doesNotContain("token");
        });
        assertThat(received.get(0).query()).isEqualTo(received.get(1).query()).isNotEqualTo(received.get(2).query());
        assertThat(simulator.callbacks()).hasSize(6).allSatisfy(sent -> assertThat(sent.status()).isEqualTo(200));
    }

    @Test
    void theFakeSoftphoneAnswersAtTheSsoPaths() throws Exception {
        String session = login();
        HttpResponse<String> page = get("/generic/sso/?tenant=%3Cb%3Edemo&session=" + session);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("IncomingCall", AGENT, "&lt;b&gt;demo").doesNotContain("<b>demo");
        assertThat(get("/mi4biz/sso/?tenant=acme.alo-tech.com&session=" + session).statusCode()).isEqualTo(200);
        assertThat(get("/elsewhere").statusCode()).isEqualTo(404);
    }

    @Test
    void theControlApiListsRequestsWithSecretsMasked() throws Exception {
        login();
        HttpResponse<String> requests = control("GET", "/sim/requests?function=login", "");
        assertThat(requests.body()).contains("function=login").contains("app_token=***").doesNotContain(TOKEN);
    }

    private String login() throws Exception {
        return api("function=login&email=" + enc(AGENT) + "&app_token=" + TOKEN).get("session").asText();
    }

    private JsonNode api(String query) throws Exception {
        HttpResponse<String> response = raw(query);
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> raw(String query) throws Exception {
        return get("/api/?" + query);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> control(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
