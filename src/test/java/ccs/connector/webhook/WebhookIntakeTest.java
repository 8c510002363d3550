package ccs.connector.webhook;

import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.state.Database;
import ccs.connector.simulator.CcsSimulator.ActiveCall;
import ccs.connector.simulator.SentCallback;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.FailingWrites;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import ccs.connector.support.RecordingHttpServer.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static ccs.connector.webhook.IvrGuideExamples.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The webhook intake over HTTP: hangup callbacks and IVR notifications as Call Center Studio sends
 * them (the simulator and the vendor guide's samples), delivered to a real local HTTP server
 * standing for the CRM (REST sink).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookIntakeTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
        // request URLs carry the token: lines of the HTTP server and of the routes must come out masked
        LogCapture.debug("ccs.connector", "org.apache.camel.component.platform.http");
    }

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String FORM = "application/x-www-form-urlencoded";
    /** The token before the current one: a rotation is under way. */
    private static final String PREVIOUS_TOKEN = "0ld-w3bh00k-t0k3n-r0tat3d";
    private static final String ECHO = "X-Echo-Probe";
    private static final String ECHO_VALUE = "header-value-that-must-not-come-back";
    private static final Map<String, String> GUIDE_NAMES = Map.of("call-key", "callkeyX", "event", "event", "caller", "callerid",
            "called", "callednum", "queue-name", "queuename", "queue-id", "queueid", "agent-email", "myemail", "call-date", "calldate");

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;
    private RecordingHttpServer elsewhere;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        elsewhere = startHttpServer();
        crmRetries(settings, 30, "1s");
        settings.setProperty("camel.component.http.response-timeout", "2000");
        settings.setProperty("camel.component.http.so-timeout", "2000");
        settings.setProperty("camel.server.maxBodySize", "4096");
        settings.setProperty("connector.webhook.allowed-networks", "127.0.0.0/8, ::1");
        settings.setProperty("connector.webhook.enrich-timeout", "1s");
        // the guide's calls have no CDR record: their events wait out these retries before they reach the CRM
        settings.setProperty("connector.webhook.enrich-retries", "1");
        settings.setProperty("connector.webhook.enrich-retry-delay", "100ms");
        // a token that URL-encoding changes, so that its encoded forms can be looked for too
        settings.setProperty("connector.webhook-token", "w3bh00k:S3cr3t@t3st~x");
        settings.setProperty("connector.webhook-token.previous", PREVIOUS_TOKEN);
    }

    @BeforeEach
    void resetPeers() {
        crm.reset();
        elsewhere.reset();
        simulator().clearFaults();
        simulator().clearCallbacks();
        simulator().sendEachCallback(1);
        simulator().sendWebhookTokenAsBearer(false);
    }

    @Test
    @Order(1)
    void theGuidesHangupCallbackIsAcknowledgedOnceStoredAndDeliveredAsAHangupEvent() throws Exception {
        HttpResponse<String> answer = hangup(FORM, encode(IvrGuideExamples.hangup("ahRzfm1-guide")));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(json.readTree(answer.body())).isEqualTo(json.readTree(
                "{\"accepted\": true, \"id\": \"demo:ccs.call.hangup:ahRzfm1-guide\"}"));
        JsonNode event = delivered("demo:ccs.call.hangup:ahRzfm1-guide");
        assertThat(event.get("type").asText()).isEqualTo("ccs.call.hangup");
        assertThat(event.get("subject").asText()).isEqualTo("ahRzfm1-guide");
        JsonNode data = event.get("data");
        assertThat(data.get("callKey").asText()).isEqualTo("ahRzfm1-guide");
        assertThat(data.get("transactionId").asText()).isEqualTo("d748197");
        assertThat(data.get("calledNumber").asText()).isEqualTo("05071303066");
        assertThat(data.get("callerNumber").asText()).isEqualTo("901");
        assertThat(data.get("startedAt").asText()).isEqualTo("2020-02-24T16:07:34Z");
        assertThat(data.get("durationSeconds").asInt()).isEqualTo(9);
        assertThat(data.get("disposition").asText()).isEqualTo("ANSWER");
        assertThat(data.get("agentUsername").isNull()).isTrue();
        assertThat(data.at("/raw/project").asText()).isEqualTo("alotech");
        assertThat(data.get("raw").has("token")).isFalse();
        assertThat(data.has("cdr")).as("the simulator has no record of this call").isFalse();
    }

    @Test
    @Order(2)
    void aJsonHangupCallbackIsAcceptedToo() throws Exception {
        HttpResponse<String> answer = hangup("application/json; charset=utf-8", "{\"call_id\": \"json-hangup-1\", "
                + "\"call_date\": \"2020-02-24 19:07:34\", \"duration\": 12, \"transaction_id\": \"tx-json\", "
                + "\"called_num\": \"05321234567\", \"disposition\": \"BUSY\"}");

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode data = delivered("demo:ccs.call.hangup:json-hangup-1").get("data");
        assertThat(data.get("durationSeconds").asInt()).isEqualTo(12);
        assertThat(data.get("disposition").asText()).isEqualTo("BUSY");
        assertThat(data.get("transactionId").asText()).isEqualTo("tx-json");
    }

    @Test
    @Order(3)
    void aHangupEventCarriesTheCallsCdrRecordFetchedByActivecallkey() throws Exception {
        String callKey = recordedCall();
        simulator().clearRequests();

        assertThat(hangup(FORM, encode(hangupOf(callKey))).statusCode()).isEqualTo(200);

        JsonNode cdr = delivered("demo:ccs.call.hangup:" + callKey).at("/data/cdr");
        assertThat(cdr.get("callKey").asText()).isEqualTo(callKey);
        assertThat(cdr.get("direction").asText()).isEqualTo("inbound");
        assertThat(cdr.at("/raw/callid").asText()).isEqualTo(callKey);
        assertThat(simulator().requests("reportsCDRLogs")).singleElement()
                .satisfies(r -> assertThat(r.params()).containsEntry("activecallkey", callKey));
    }

    @Test
    @Order(4)
    void theWorkAfterAnAcknowledgementRunsAtTheLowestThreadPriorityAndTheHttpServerAtTheNormalOne() throws Exception {
        String callKey = recordedCall();
        assertThat(hangup(FORM, encode(hangupOf(callKey))).statusCode()).isEqualTo(200);
        assertThat(delivered("demo:ccs.call.hangup:" + callKey).at("/data/cdr").isObject()).isTrue();

        // the consumers (route policy backgroundWork) that carried the hangup: its enrichment, its CDR lookup, its delivery
        for (String consumer : List.of("JmsConsumer[ccs.webhook.enrich]", "seda://webhook-cdr-call", "JmsConsumer[ccs.outbox]")) {
            assertThat(prioritiesOfThreadsNamed(consumer)).as(consumer).contains(Thread.MIN_PRIORITY);
        }
        // the HTTP server that acknowledged it, and the deadline of Call Center Studio's answers that a lookup started
        assertThat(prioritiesOfThreadsNamed("vert.x-")).isNotEmpty().containsOnly(Thread.NORM_PRIORITY);
        assertThat(prioritiesOfThreadsNamed("http-answer-deadline")).containsOnly(Thread.NORM_PRIORITY);
    }

    private static List<Integer> prioritiesOfThreadsNamed(String part) {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().contains(part)).map(Thread::getPriority).toList();
    }

    @Test
    @Order(5)
    void theGuidesThreeIvrNotificationsAreClassifiedByOutcome() throws Exception {
        Map<String, Map<String, String>> examples = Map.of("ended-before-queue", IvrGuideExamples.endedBeforeQueue(),
                "abandoned-in-queue", IvrGuideExamples.abandonedInQueue(), "answered", IvrGuideExamples.answered());
        Map<String, String> ids = new java.util.HashMap<>();
        for (var example : examples.entrySet()) {
            HttpResponse<String> answer = get("/webhooks/ccs/ivr?token=" + webhookToken() + "&"
                    + encode(example.getValue(), GUIDE_NAMES));
            assertThat(answer.statusCode()).isEqualTo(200);
            ids.put(example.getKey(), idOf(answer));
        }
        for (var example : examples.entrySet()) {
            Map<String, String> sent = example.getValue();
            JsonNode data = delivered(ids.get(example.getKey())).get("data");
            assertThat(data.get("outcome").asText()).as(sent.get("call-key")).isEqualTo(example.getKey());
            assertThat(data.get("event").asText()).isEqualTo("call_hangup");
            assertThat(data.get("callerNumber").asText()).isEqualTo("05071303066");
            assertThat(data.get("calledNumber").asText()).isEqualTo(sent.get("called"));
            assertThat(data.get("queueName").asText(null)).isEqualTo(sent.get("queue-name"));
            assertThat(data.get("agentEmail").asText(null)).isEqualTo(sent.get("agent-email").isEmpty() ? null : sent.get("agent-email"));
            assertThat(data.get("raw").has("callkeyX")).isTrue();
        }
        assertThat(delivered(ids.get("answered")).at("/data/startedAt").asText()).isEqualTo("2020-02-24T17:17:55Z");
    }

    @Test
    @Order(6)
    void ivrNotificationsSentByThePlatformAsGetAndAsBodylessPostArriveWithTheirOutcome() throws Exception {
        for (String ending : List.of("before-queue", "abandoned-in-queue", "answered")) {
            for (String method : List.of("GET", "POST")) {
                JsonNode sent = simulatorIvr(ending, method);
                JsonNode data = delivered(lastCallbackId()).get("data");
                assertThat(data.get("callKey").asText()).isEqualTo(sent.get("call-key").asText());
                assertThat(data.get("outcome").asText()).as(ending + " by " + method)
                        .isEqualTo(ending.equals("before-queue") ? "ended-before-queue" : ending);
                assertThat(data.get("callerNumber").asText()).isEqualTo(sent.get("caller").asText());
            }
        }
    }

    @Test
    @Order(6)
    void anIvrNotificationWhoseQueryCarriesTurkishAsRawUtf8ReadsItAsSent() throws Exception {
        // a client that writes the bytes as they are (java.net.URI would %-escape them)
        String request = "GET /webhooks/ccs/ivr?token=" + webhookToken() + "&callkeyX=raw-utf8-1&queuename=Müşteri_Hizmetleri"
                + "&callerid=05071303066&event=call_hangup HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        String answer;
        try (Socket socket = new Socket("localhost", URI.create(baseUrl()).getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(answer).startsWith("HTTP/1.1 200");
        // the answer's body comes in chunks: the event id is read from it as text
        Matcher id = Pattern.compile("\"id\":\"(demo:ccs.ivr.notification:raw-utf8-1:[^\"]+)\"").matcher(answer);
        assertThat(id.find()).as(answer).isTrue();
        assertThat(delivered(id.group(1)).at("/data/queueName").asText()).isEqualTo("Müşteri_Hizmetleri");
    }

    @Test
    @Order(7)
    void aMissingOrWrongTokenIs401BeforeAnythingElseHappens() throws Exception {
        String fields = encode(IvrGuideExamples.hangup("unauthorized-1"));
        List<HttpResponse<String>> refused = List.of(
                post("/webhooks/ccs/hangup", FORM, fields),
                post("/webhooks/ccs/hangup?token=", FORM, fields),
                post("/webhooks/ccs/hangup?token=" + webhookToken() + "x", FORM, fields),
                post("/webhooks/ccs/hangup?token=" + webhookToken().substring(1), FORM, fields),
                post("/webhooks/ccs/hangup?token=wrong", "text/plain", "not even a form"),
                post("/webhooks/ccs/hangup?tenant=" + webhookToken(), FORM, fields, "token", webhookToken()),
                get("/webhooks/ccs/ivr?token=wrong&" + encode(IvrGuideExamples.answered())));

        assertThat(refused).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(401);
            assertThat(json.readTree(answer.body()).get("detail").asText()).contains("connector.webhook-token");
        });
        assertThat(hangup(FORM, encode(IvrGuideExamples.hangup("authorized-after"))).statusCode()).isEqualTo(200);
        delivered("demo:ccs.call.hangup:authorized-after");
        await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> requestsFor("demo:ccs.call.hangup:unauthorized-1").isEmpty()
                && crm.received().stream().filter(r -> r.body().contains("\"subject\":\"ahRzfmi3tzPCQy\"")).count() <= 1);
    }

    /** The guard took the first of two tokens, where a proxy or a person reading the URL may take the last. */
    @Test
    @Order(7)
    void aTokenGivenTwiceIs400NamingItAndNothingIsReadOrStored() throws Exception {
        String fields = encode(IvrGuideExamples.hangup("token-twice-1"));
        List<HttpResponse<String>> refused = List.of(
                post("/webhooks/ccs/hangup?token=" + webhookToken() + "&token=wrong", FORM, fields),
                post("/webhooks/ccs/hangup?token=wrong&token=" + webhookToken(), FORM, fields),
                post("/webhooks/ccs/hangup?token=" + webhookToken() + "&t%6Fken=" + webhookToken(), FORM, fields),
                get("/webhooks/ccs/ivr?token=" + webhookToken() + "&callkeyX=token-twice-ivr&token=" + PREVIOUS_TOKEN));

        assertThat(refused).allSatisfy(answer -> assertError(answer, 400, "token is given 2 times in the query: give it once", "token"));
        assertThat(deadLetterTexts().values()).noneMatch(letter -> letter.contains("token-twice"));
        // refused before the token is read, and logged as a wrong token is: the platform does not send it again
        List<String> lines = LogCapture.text().lines().filter(line -> line.contains("token given 2 times in the query")).toList();
        assertThat(lines).anySatisfy(line -> assertThat(line).contains(" WARN ")
                .contains("Refused a webhook (route webhook-hangup) from 127.0.0.1: token given 2 times in the query"));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Refused a webhook (route webhook-ivr) from 127.0.0.1"));
        assertThat(lines).noneMatch(line -> line.contains(webhookToken()) || line.contains(enc(webhookToken())) || line.contains(PREVIOUS_TOKEN));
        // a parameter that is no part of the token check keeps every value
        assertThat(post("/webhooks/ccs/hangup?token=" + webhookToken() + "&note=a&note=b", FORM, encode(IvrGuideExamples.hangup("token-once-1")))
                .statusCode()).isEqualTo(200);
        assertThat(delivered("demo:ccs.call.hangup:token-once-1").at("/data/raw/note")).isEqualTo(json.readTree("[\"a\", \"b\"]"));
    }

    @Test
    @Order(7)
    void whileTheTokenIsRotatedTheCallsDialledBeforeStillHandTheirHangupsOn() throws Exception {
        Map<String, String> echoing = IvrGuideExamples.hangup("rotated-1");
        // the platform echoes the hangup URL it was given, the old token in it
        echoing.put("url", baseUrl() + "/webhooks/ccs/hangup?token=" + PREVIOUS_TOKEN);
        HttpResponse<String> inQuery = post("/webhooks/ccs/hangup?token=" + PREVIOUS_TOKEN, FORM, encode(echoing));
        HttpResponse<String> asBearer = post("/webhooks/ccs/hangup", FORM, encode(IvrGuideExamples.hangup("rotated-2")),
                "Authorization", "Bearer " + PREVIOUS_TOKEN);

        assertThat(inQuery.statusCode()).as(inQuery.body()).isEqualTo(200);
        assertThat(asBearer.statusCode()).as(asBearer.body()).isEqualTo(200);
        assertThat(delivered("demo:ccs.call.hangup:rotated-1").toString()).doesNotContain(PREVIOUS_TOKEN);
        delivered("demo:ccs.call.hangup:rotated-2");
    }

    @Test
    @Order(8)
    void aCallbackThatCannotBecomeAnEventIsRefusedNamingTheFieldAndKeptInTheDeadLettersForAPerson() throws Exception {
        Map<String, String> noCallId = IvrGuideExamples.hangup("x");
        noCallId.remove("call_id");
        noCallId.put("caller_id", "no-call-id-caller");
        noCallId.put("url", enc(baseUrl() + "/webhooks/ccs/hangup?token=" + enc(webhookToken())).replace("%2F", "/"));
        String kept = "; the request is kept in the connector's dead letters for a person";

        assertError(hangup(FORM, encode(noCallId)), 400, "call_id is missing" + kept, "call_id");
        // the server drops a form whose last field it cannot decode: not a request without a call key
        assertError(hangup(FORM, encode(IvrGuideExamples.hangup("trailing-escape")) + "&note=100%"), 400, WebhookRequests.NO_FORM_FIELD + kept, null);
        assertError(hangup(FORM, " \r\n"), 400, WebhookRequests.NO_FORM_FIELD + kept, null);
        assertError(get("/webhooks/ccs/ivr?token=" + webhookToken() + "&calldate=2020-02-24+20%3A15%3A11"), 400, "callkeyX is missing" + kept, "callkeyX");
        assertError(hangup("application/json", "[\"not\", \"an object\"]"), 400, "the body is not a JSON object" + kept, null);
        assertError(hangup("application/json", "{\"call_id\": "), 400, "the body is not a JSON object", null);
        assertError(hangup("application/json", "null"), 400, "the body is not a JSON object", null);
        assertError(hangup("application/json", "{\"call_id\": {\"a\": 1}}"), 400, "call_id is not a text or a number" + kept, "call_id");
        // an id the dedupe store could not record would go to the CRM again and again
        assertError(hangup(FORM, "call_id=" + "k".repeat(1100) + "&caller_id=overlong-key-caller"), 400,
                "call_id is longer than 200 characters: not a call key" + kept, "call_id");
        // a line break in a call key would forge a line in the log, and no header could carry it to the CRM
        assertError(hangup(FORM, "call_id=forged%0D%0AX-Evil%3A+1&caller_id=forged-key-caller"), 400,
                "call_id holds a control character: not a call key" + kept, "call_id");
        assertError(get("/webhooks/ccs/ivr?token=" + webhookToken() + "&tenant=nosuchtenant&callkeyX=k1"), 400,
                "tenant 'nosuchtenant' is not served by this connector", "tenant");
        // a tenant no longer than the id column holds: still a 400 kept for a person, not a 503 the platform repeats forever
        assertError(post("/webhooks/ccs/hangup?tenant=" + "t".repeat(1000) + "&token=" + webhookToken(), FORM,
                encode(IvrGuideExamples.hangup("long-tenant-1"))), 400,
                "tenant 'tttttttttttttttttttttttttttttttttttttttt...' is not served by this connector", "tenant");

        String letter = deadLetter("no-call-id-caller");
        String text = deadLetterTexts().get(letter);
        assertThat(deadLetters().get(letter).get("kind").asText()).isEqualTo("webhook-request");
        assertThat(deadLetters().get(letter).get("reason").asText()).isEqualTo("call_id is missing");
        assertThat(text).doesNotContain(webhookToken(), enc(webhookToken()), enc(enc(webhookToken())));
        JsonNode kept1 = json.readTree(text);
        assertThat(kept1.get("type").asText()).isEqualTo("ccs.call.hangup");
        assertThat(kept1.get("reason").asText()).isEqualTo("call_id is missing");
        assertThat(kept1.get("field").asText()).isEqualTo("call_id");
        assertThat(kept1.at("/request/url").asText()).endsWith("hangup%3Ftoken%3D***");
        assertThat(kept1.at("/request/called_num").asText()).isEqualTo("05071303066");
        assertThat(json.readTree(deadLetterTexts().get(deadLetter("[\"not\", \"an object\"]"))).at("/request/body").asText()).isEqualTo("[\"not\", \"an object\"]");
        assertThat(json.readTree(deadLetterTexts().get(deadLetter("nosuchtenant"))).get("type").asText()).isEqualTo("ccs.ivr.notification");
        assertThat(deadLetters().get(deadLetter("overlong-key-caller")).get("reason").asText()).startsWith("call_id is longer than 200");
        assertThat(get("/observe/metrics").body())
                .contains("# HELP ccs_webhooks_dead_letters_total webhook requests that passed the token check but could not become an event")
                .containsPattern("ccs_webhooks_dead_letters_total\\{.*route=\"webhook-hangup\".*} (?:[3-9]|\\d{2,})\\.0")
                .containsPattern("ccs_webhooks_dead_letters_total\\{.*route=\"webhook-ivr\".*} 2\\.0");

        // a person adds the call that was missing (one a screen pop read while it rang) and replays: the callback becomes
        // its event, correlated with the click2call its transaction belongs to and with the call's custom variables and
        // CDR lookup, as the intake would have; letters still unreadable stay
        String agent = "ayse.yilmaz@demo.example";
        ActiveCall call = simulator().ring(agent, "05337654321");
        assertThat(get("/api/v1/screen-pop?activecallkey=" + call.key() + "&agentEmail=" + enc(agent)).statusCode()).isEqualTo(200);
        Database store = stateStore();
        store.update("UPDATE DEAD_LETTER SET letter = ? WHERE id = ?",
                text.replace("\"caller_id\"", "\"call_id\" : \"" + call.key() + "\", \"caller_id\""), letter);
        store.update("INSERT INTO CLICK2CALL_CORRELATION (tenant, transaction_id, crm_reference, requested_at) VALUES (?, ?, ?, ?)",
                "demo", kept1.at("/request/transaction_id").asText(), "CASE-REPLAYED", new java.sql.Timestamp(System.currentTimeMillis()));
        HttpResponse<String> replay = post("/api/v1/dead-letters/replay", null, null);
        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(json.readTree(replay.body()).get("replaying").asInt()).isEqualTo(1);
        JsonNode replayed = delivered("demo:ccs.call.hangup:" + call.key());
        store.update("DELETE FROM CLICK2CALL_CORRELATION WHERE crm_reference = 'CASE-REPLAYED'");
        assertThat(replayed.at("/data/callerNumber").asText()).isEqualTo("no-call-id-caller");
        assertThat(replayed.at("/data/crmReference").asText()).isEqualTo("CASE-REPLAYED");
        assertThat(replayed.at("/data/customVariables/ivr_choice").asText()).isEqualTo("2");
        assertThat(simulator().requests("reportsCDRLogs")).as("the replayed hangup's CDR lookup")
                .anySatisfy(lookup -> assertThat(lookup.params()).containsEntry("activecallkey", call.key()));
        await().atMost(PATIENCE).until(() -> !deadLetters().containsKey(letter));
        assertThat(deadLetter("nosuchtenant")).isNotBlank();
    }

    @Test
    @Order(18)
    void aCallbackOfAKnownCallIsDeliveredWithTheFieldsThatCannotBeReadLeftEmptyAndKeptRaw() throws Exception {
        Map<String, String> unreadable = IvrGuideExamples.hangup("unreadable-1");
        unreadable.put("call_date", "24.02.2020 19:07");
        unreadable.put("duration", "nine");
        unreadable.put("disposition", "HUNG_UP_ON_MARS");
        assertThat(hangup(FORM, encode(unreadable)).statusCode()).isEqualTo(200);
        HttpResponse<String> ivr = get("/webhooks/ccs/ivr?token=" + webhookToken() + "&callkeyX=unreadable-ivr&calldate=2020%2F02%2F24");
        assertThat(ivr.statusCode()).isEqualTo(200);

        JsonNode hangup = delivered("demo:ccs.call.hangup:unreadable-1").get("data");
        assertThat(hangup.get("transactionId").asText()).isEqualTo("d748197");
        assertThat(List.of("startedAt", "durationSeconds", "disposition")).allSatisfy(field -> assertThat(hangup.get(field).isNull()).isTrue());
        assertThat(hangup.at("/unreadable/call_date").asText()).isEqualTo("call_date is '24.02.2020 19:07': it must be a date like 2020-02-24 19:07:34");
        assertThat(hangup.at("/unreadable/duration").asText()).isEqualTo("duration is 'nine': it must be a whole number of seconds");
        assertThat(hangup.at("/unreadable/disposition").asText()).contains("HUNG_UP_ON_MARS");
        assertThat(hangup.at("/raw/call_date").asText()).isEqualTo("24.02.2020 19:07");
        assertThat(hangup.at("/raw/disposition").asText()).isEqualTo("HUNG_UP_ON_MARS");
        assertThat(hangup("application/json", "{\"call_id\": \"unreadable-json-1\", \"duration\": -5}").statusCode()).isEqualTo(200);
        assertThat(delivered("demo:ccs.call.hangup:unreadable-json-1").at("/data/unreadable/duration").asText())
                .isEqualTo("duration is '-5': it must be a whole number of seconds");
        JsonNode ivrData = delivered(idOf(ivr)).get("data");
        assertThat(ivrData.get("startedAt").isNull()).isTrue();
        assertThat(ivrData.at("/unreadable/calldate").asText()).contains("2020/02/24");
        assertThat(ivrData.at("/raw/calldate").asText()).isEqualTo("2020/02/24");
    }

    @Test
    @Order(9)
    void otherFormatsAre415AndOversizedBodies413() throws Exception {
        String unsupported = "the body must be application/x-www-form-urlencoded or application/json";
        assertError(hangup("text/plain", "call_id=abc"), 415, unsupported, null);
        assertError(hangup("application/xml", "<call_id>abc</call_id>"), 415, unsupported, null);
        assertError(hangup("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"call_id\"\r\n\r\n"
                + "multipart-1\r\n--b--\r\n"), 415, unsupported, null);
        assertError(hangup(FORM, encode(IvrGuideExamples.hangup("too-large")) + "&padding=" + "x".repeat(5000)), 413,
                "the body is larger than 4096 bytes (camel.server.maxBodySize)", null);
        await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> crm.received().stream()
                .noneMatch(r -> r.body().contains("multipart-1") || r.body().contains("too-large")));
    }

    /**
     * The tenant is the query's alone, as a click2call's hangup URL names it: an IVR notification's body that named one was
     * filed under the default tenant, that name in data.raw; a body's token is read nowhere either.
     */
    @Test
    @Order(9)
    void aTenantInAnIvrNotificationsBodyOrATokenInAnyBodyIs400NamingItAndKeptForAPerson() throws Exception {
        String ivr = "/webhooks/ccs/ivr?token=" + enc(webhookToken());
        String kept = "; the request is kept in the connector's dead letters for a person";
        String inQuery = "tenant is a field of the body: it goes in the query string, beside the token" + kept;
        assertError(post(ivr, FORM, "callkeyX=body-tenant-1&event=call_hangup&tenant=globex"), 400, inQuery, "tenant");
        assertError(post(ivr, "application/json", "{\"callkeyX\": \"body-tenant-2\", \"tenant\": \"globex\"}"), 400, inQuery, "tenant");
        String tokenInQuery = "token is a field of the body: it goes in the query string or the Authorization header" + kept;
        assertError(post(ivr, "application/json", "{\"callkeyX\": \"body-token-1\", \"token\": \"" + webhookToken() + "\"}"), 400,
                tokenInQuery, "token");
        assertError(hangup(FORM, encode(IvrGuideExamples.hangup("body-token-2")) + "&token=" + enc(webhookToken())), 400, tokenInQuery, "token");

        assertThat(json.readTree(deadLetterTexts().get(deadLetter("body-tenant-1"))).get("field").asText()).isEqualTo("tenant");
        assertThat(json.readTree(deadLetterTexts().get(deadLetter("body-tenant-2"))).get("type").asText()).isEqualTo("ccs.ivr.notification");
        assertThat(deadLetterTexts().get(deadLetter("body-token-1"))).doesNotContain(webhookToken());
        assertThat(deadLetterTexts().get(deadLetter("body-token-2"))).doesNotContain(webhookToken(), enc(webhookToken()));
        // a hangup callback's form has a tenant field of the platform's own (the vendor guide's sample leaves it blank): it
        // chooses nothing, and stays in data.raw
        Map<String, String> platformTenant = IvrGuideExamples.hangup("body-tenant-hangup");
        platformTenant.put("tenant", "globex");
        assertThat(hangup(FORM, encode(platformTenant)).statusCode()).isEqualTo(200);
        assertThat(delivered("demo:ccs.call.hangup:body-tenant-hangup").at("/data/raw/tenant").asText()).isEqualTo("globex");
    }

    /** The token pasted as the tenant as well: it reached the letter's id and tenant (its WARN line: WebhookKeptLinesTest). */
    @Test
    @Order(9)
    void aTokenGivenAsTheTenantReachesNeitherTheLetterNorTheLog() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/webhooks/ccs/ivr?tenant="
                + enc(webhookToken()) + "&callkeyX=token-as-tenant")).header("Authorization", "Bearer " + webhookToken()).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        String letter = deadLetter("token-as-tenant");
        assertThat(letter).startsWith("unknown-tenant:ccs.ivr.notification:request:");
        assertThat(deadLetterTexts().get(letter)).doesNotContain(webhookToken());
    }

    @Test
    @Order(10)
    void theSameCallbackSentSeveralTimesIsOneEventDeliveredOnce() throws Exception {
        String form = encode(IvrGuideExamples.hangup("duplicate-1"));
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(http.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl() + "/webhooks/ccs/hangup?token=" + webhookToken()))
                    .header("Content-Type", FORM).POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> answer : sent) {
            assertThat(answer.get().statusCode()).isEqualTo(200);
            assertThat(json.readTree(answer.get().body()).get("id").asText()).isEqualTo("demo:ccs.call.hangup:duplicate-1");
        }
        assertThat(hangup(FORM, form).statusCode()).isEqualTo(200);

        delivered("demo:ccs.call.hangup:duplicate-1");
        await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> requestsFor("demo:ccs.call.hangup:duplicate-1").size() == 1);
    }

    @Test
    @Order(11)
    void duringACrmOutageCallbacksAreStillAcknowledgedAndAllAreDeliveredOnceItRecovers() throws Exception {
        crm.answerWhen(r -> true, Answer.status(503));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> answer = hangup(FORM, encode(IvrGuideExamples.hangup("outage-" + i)));
            assertThat(answer.statusCode()).isEqualTo(200);
            ids.add(json.readTree(answer.body()).get("id").asText());
        }
        HttpResponse<String> ivr = get("/webhooks/ccs/ivr?token=" + webhookToken() + "&callkeyX=outage-ivr&queuename=sales");
        assertThat(ivr.statusCode()).isEqualTo(200);
        ids.add(idOf(ivr));
        await().atMost(PATIENCE).until(() -> crm.received().stream().filter(r -> r.status() == 503).count() >= ids.size());

        crm.clearRules();

        for (String id : ids) {
            delivered(id);
        }
        await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> ids.stream()
                .allMatch(id -> requestsFor(id).stream().filter(Received::answeredOk).count() == 1));
    }

    @Test
    @Order(12)
    void aCrmThatHangsDoesNotHoldUpTheAcknowledgement() throws Exception {
        crm.answerWhen(r -> true, Answer.status(200).after(Duration.ofSeconds(20)));
        CompletableFuture<HttpResponse<String>> callback = http.sendAsync(HttpRequest.newBuilder(
                        URI.create(baseUrl() + "/webhooks/ccs/hangup?token=" + webhookToken()))
                .header("Content-Type", FORM).POST(HttpRequest.BodyPublishers.ofString(encode(IvrGuideExamples.hangup("crm-hangs"))))
                .build(), HttpResponse.BodyHandlers.ofString());

        // the CRM holds every delivery for 20 s; the acknowledgement must not wait for it
        assertThat(callback.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        crm.clearRules();
        delivered("demo:ccs.call.hangup:crm-hangs");
    }

    @Test
    @Order(13)
    void fieldsAndParametersNamedLikeCamelHeadersChangeNothingDownstream() throws Exception {
        String camelNames = "CamelHttpUri=" + enc(elsewhere.url("/evil")) + "&camelhttppath=%2Fevil&CAMELHTTPQUERY=stolen%3D1"
                + "&CamelHttpMethod=DELETE&camelHttpResponseCode=302&CamelFileName=..%2F..%2Finjected.json"
                + "&cAmElJmSdEsTiNaTiOnNaMe=crm.injected&Content-Type=text%2Fhtml&Location=" + enc(elsewhere.url("/redirect"));
        HttpResponse<String> hangup = post("/webhooks/ccs/hangup?token=" + webhookToken() + "&" + camelNames, FORM,
                encode(IvrGuideExamples.hangup("inject-1")) + "&" + camelNames,
                "CamelHttpUri", elsewhere.url("/evil"), "X-Camel-Http-Uri", elsewhere.url("/evil"), ECHO, ECHO_VALUE);
        HttpResponse<String> ivr = get("/webhooks/ccs/ivr?token=" + webhookToken() + "&callkeyX=inject-ivr&" + camelNames);

        for (HttpResponse<String> answer : List.of(hangup, ivr)) {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(answer.headers().firstValue("Location")).isEmpty();
            assertThat(answer.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("camel"));
        }
        for (String id : List.of("demo:ccs.call.hangup:inject-1", idOf(ivr))) {
            delivered(id);
            Received post = requestsFor(id).get(0);
            assertThat(post.method()).isEqualTo("POST");
            assertThat(post.path()).isEqualTo("/events");
            assertThat(post.query()).isNull();
            assertThat(json.readTree(post.body()).at("/data/raw/camelhttppath").asText()).isEqualTo("/evil");
        }
        assertThat(elsewhere.received()).isEmpty();
        assertThat(dataDir.getParent()).isDirectoryNotContaining("glob:**/injected.json");
    }

    @Test
    @Order(14)
    void noAnswerEchoesARequestHeaderOrShowsAStackTrace() throws Exception {
        List<HttpResponse<String>> answers = List.of(
                post("/webhooks/ccs/hangup?token=" + webhookToken(), FORM, encode(IvrGuideExamples.hangup("echo-1")), ECHO, ECHO_VALUE),
                post("/webhooks/ccs/hangup?token=wrong", FORM, "call_id=1", ECHO, ECHO_VALUE),
                post("/webhooks/ccs/hangup?token=" + webhookToken(), FORM, "duration=x", ECHO, ECHO_VALUE),
                post("/webhooks/ccs/hangup?token=" + webhookToken(), "text/csv", "a,b", ECHO, ECHO_VALUE),
                post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/json", "{\"call_id\":", ECHO, ECHO_VALUE),
                post("/webhooks/ccs/hangup?token=" + webhookToken(), FORM, "x=" + "y".repeat(5000), ECHO, ECHO_VALUE));

        assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(200, 401, 400, 415, 400, 413);
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.headers().firstValue(ECHO)).isEmpty();
            assertThat(answer.body()).doesNotContain(ECHO_VALUE).doesNotContain("Exception").doesNotContain("\tat ")
                    .doesNotContain(webhookToken());
            json.readTree(answer.body());
        }
    }

    @Test
    @Order(15)
    void everyIvrStepOfACallIsDeliveredAndAnExactRepeatOfOneOnlyOnce() throws Exception {
        simulator().sendEachCallback(2);
        List<Map<String, String>> steps = simulator().sendIvrSteps(baseUrl() + "/webhooks/ccs/ivr?token=" + enc(webhookToken()), false);
        String callKey = steps.get(0).get("call-key");

        List<SentCallback> sent = simulator().callbacks();
        assertThat(sent).hasSize(6).allSatisfy(callback -> assertThat(callback.status()).isEqualTo(200));
        List<String> ids = sent.stream().map(callback -> idOf(callback.answer())).distinct().toList();
        assertThat(ids).hasSize(3);
        for (int step = 0; step < 3; step++) {
            JsonNode event = delivered(ids.get(step));
            assertThat(event.get("subject").asText()).isEqualTo(callKey);
            assertThat(event.at("/data/event").asText()).isEqualTo(steps.get(step).get("event"));
        }
        await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> crm.received().stream()
                .filter(r -> r.answeredOk() && r.body().contains("\"subject\":\"" + callKey + "\"")).count() == 3);
    }

    /**
     * An IVR step's URL may repeat a parameter: every value is part of the step, in its query, form or JSON. Only the first
     * was kept, so two steps that differed in a later value got one id and the second was dropped as a repeat.
     */
    @Test
    @Order(15)
    void aParameterGivenTwiceKeepsEveryValueSoStepsThatDifferInALaterOneAreTwoEvents() throws Exception {
        String ivr = "/webhooks/ccs/ivr?token=" + enc(webhookToken());
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (String second : List.of("call_hangup", "agent_connect")) {
            answers.add(get(ivr + "&callkeyX=repeated-query&queuename=q&event=queue_enter&event=" + second));
            answers.add(post(ivr, FORM, "callkeyX=repeated-form&queuename=q&event=queue_enter&event=" + second));
            answers.add(post(ivr, "application/json", "{\"callkeyX\": \"repeated-json\", \"queuename\": \"q\", "
                    + "\"event\": [\"queue_enter\", \"" + second + "\"]}"));
        }

        assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200));
        assertThat(answers.stream().map(this::idOf).distinct()).hasSize(6);
        for (int i = 0; i < answers.size(); i++) {
            JsonNode data = delivered(idOf(answers.get(i))).get("data");
            assertThat(data.at("/raw/event")).isEqualTo(json.readTree("[\"queue_enter\", \"" + (i < 3 ? "call_hangup" : "agent_connect") + "\"]"));
            assertThat(data.get("event").asText()).as("the normalized fields read the first value").isEqualTo("queue_enter");
            assertThat(data.get("outcome").isNull()).as("queue_enter is no end of the call").isTrue();
        }
    }

    @Test
    @Order(15)
    void theIvrStepsOfACallReachTheCrmInTheOrderTheyCameThoughTheCrmIsSlowToTakeTheFirst() throws Exception {
        // the CRM refuses the first step four times (retried over 1.5 s): the later steps must not overtake it on another
        // delivery consumer meanwhile
        AtomicInteger refusals = new AtomicInteger();
        crm.answerWhen(r -> r.body().contains("\"event\":\"queue_enter\"") && refusals.getAndIncrement() < 4, Answer.status(503));
        List<Map<String, String>> steps = simulator().sendIvrSteps(baseUrl() + "/webhooks/ccs/ivr?token=" + enc(webhookToken()), false);
        String callKey = steps.get(0).get("call-key");

        await().atMost(PATIENCE).until(() -> ofCall(callKey).size() == 3);
        assertThat(ofCall(callKey)).extracting(r -> json.readTree(r.body()).at("/data/event").asText())
                .containsExactly("queue_enter", "agent_answer", "call_hangup");
    }

    private List<Received> ofCall(String callKey) {
        return crm.received().stream().filter(r -> r.answeredOk() && r.body().contains("\"subject\":\"" + callKey + "\"")).toList();
    }

    @Test
    @Order(16)
    void theHangupUrlThePlatformEchoesNeverTakesTheWebhookTokenToTheCrm() throws Exception {
        HttpResponse<String> dispatched = post("/api/v1/click2call", "application/json",
                "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"+90 (532) 123-45-67\", \"transactionId\": \"echoed-url-1\"}");
        assertThat(dispatched.statusCode()).as(dispatched.body()).isEqualTo(200);
        assertThat(simulator().requests("click2call")).as("the shipped number format: national digits, as the vendor's samples")
                .anyMatch(r -> "echoed-url-1".equals(r.params().get("transactionid")) && "05321234567".equals(r.params().get("phonenumber")));

        await().atMost(PATIENCE).until(() -> simulator().callbacks().stream().anyMatch(sent -> sent.fields().containsKey("url")));
        SentCallback callback = simulator().callbacks().stream().filter(sent -> sent.fields().containsKey("url")).findFirst().orElseThrow();
        assertThat(callback.fields().get("url")).as("the platform echoes the token").contains("%3Ftoken%3D" + enc(enc(webhookToken())));
        String id = idOf(callback.answer());
        JsonNode event = delivered(id);

        String received = requestsFor(id).get(0).body();
        assertThat(received).doesNotContain(webhookToken(), enc(webhookToken()), enc(enc(webhookToken())));
        assertThat(event.at("/data/raw/url").asText()).endsWith("/webhooks/ccs/hangup%3Ftoken%3D***");
        assertThat(event.at("/data/transactionId").asText()).isEqualTo("echoed-url-1");
    }

    @Test
    @Order(17)
    void theWebhookTokenIsAcceptedAsBearerCredentialTooAndAWrongOneIs401() throws Exception {
        simulator().sendWebhookTokenAsBearer(true);
        JsonNode ivr = simulatorIvr("answered", "GET");
        assertThat(post("/api/v1/click2call", "application/json",
                "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"bearer-1\"}")
                .statusCode()).isEqualTo(200);

        await().atMost(PATIENCE).until(() -> simulator().callbacks().size() == 2);
        assertThat(simulator().callbacks()).allSatisfy(sent -> assertThat(sent.status()).as(sent.answer()).isEqualTo(200));
        assertThat(delivered(lastCallbackId()).at("/data/transactionId").asText()).isEqualTo("bearer-1");
        assertThat(delivered(idOf(simulator().callbacks().get(0).answer())).at("/data/callKey").asText())
                .isEqualTo(ivr.get("call-key").asText());

        String fields = encode(IvrGuideExamples.hangup("wrong-bearer"));
        for (String wrong : List.of("Bearer wrong", "Bearer " + webhookToken() + "x", "Basic " + webhookToken())) {
            assertError(post("/webhooks/ccs/hangup", FORM, fields, "Authorization", wrong), 401,
                    wrong.startsWith("Bearer") ? "the Authorization header's bearer credential does not match" : "query parameter token is missing", null);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/webhooks/ccs/ivr?callkeyX=wrong-bearer"))
                    .header("Authorization", wrong).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        }
        assertError(post("/webhooks/ccs/hangup?token=wrong", FORM, fields, "Authorization", "Bearer " + webhookToken()), 401,
                "query parameter token does not match", null);
        assertThat(LogCapture.text()).doesNotContain(webhookToken(), enc(webhookToken()));
    }

    @Test
    @Order(19)
    void aRequestThatCannotBeKeptEitherIsA503NotA200() throws Exception {
        // the state store refuses to write the letter
        Database store = stateStore();
        FailingWrites.start(store, "DEAD_LETTER", "INSERT, UPDATE", Integer.MAX_VALUE);
        try {
            assertError(hangup(FORM, "caller_id=cannot-be-kept"), 503, "the request could not be stored: send it again later", null);
        } finally {
            FailingWrites.stop(store, "DEAD_LETTER");
        }
        assertError(hangup(FORM, "caller_id=can-be-kept"), 400, "call_id is missing", "call_id");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void theLogsHoldBusinessLinesButNeverTheWebhookToken() {
        String logs = LogCapture.text();

        assertThat(logs).contains("Hangup callback of call ahRzfm1-guide (tenant demo, transaction d748197, called 0507****066, "
                + "ANSWER) handed on as event demo:ccs.call.hangup:ahRzfm1-guide");
        assertThat(logs).containsPattern("IVR notification of call ahRzfmi3tzPCQy \\(tenant demo, answered, queue emre_test_kuyruk, "
                + "caller 0507\\*\\*\\*\\*066\\) handed on as event demo:ccs\\.ivr\\.notification:ahRzfmi3tzPCQy:[0-9a-f]{12}");
        assertThat(logs).doesNotContain(webhookToken());
    }

    /** The id of the dead letter whose text holds {@code marker}. */
    private String deadLetter(String marker) {
        List<String> found = deadLetterTexts().entrySet().stream()
                .filter(letter -> letter.getValue().contains(marker.replace("\"", "\\\""))).map(Map.Entry::getKey).toList();
        assertThat(found).as("dead letters holding " + marker).hasSize(1);
        return found.get(0);
    }

    /** The event id a webhook answer names. */
    private String idOf(HttpResponse<String> answer) {
        return idOf(answer.body());
    }

    private String idOf(String answer) {
        try {
            return json.readTree(answer).get("id").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not a webhook answer: " + answer, e);
        }
    }

    /** The event id of the connector's answer to the simulator's latest callback. */
    private String lastCallbackId() {
        List<SentCallback> sent = simulator().callbacks();
        SentCallback last = sent.get(sent.size() - 1);
        assertThat(last.status()).as(last.answer()).isEqualTo(200);
        return idOf(last.answer());
    }

    private HttpResponse<String> hangup(String contentType, String body) throws Exception {
        return post("/webhooks/ccs/hangup?token=" + webhookToken(), contentType, body);
    }

    /** A call the simulator has a CDR record of; answers its key. */
    private String recordedCall() {
        LocalDateTime now = LocalDateTime.now(ZoneId.of("Europe/Istanbul"));
        return simulator().generateCdrs(1, now.minusMinutes(10), now.minusMinutes(5)).get(0);
    }

    private static Map<String, String> hangupOf(String callKey) {
        Map<String, String> fields = IvrGuideExamples.hangup(callKey);
        fields.put("call_date", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(LocalDateTime.now(ZoneId.of("Europe/Istanbul"))));
        return fields;
    }

    /** The simulator sends an IVR notification to the intake; answers the fields it sent, by field name. */
    private JsonNode simulatorIvr(String ending, String method) throws Exception {
        String target = baseUrl() + "/webhooks/ccs/ivr?token=" + webhookToken();
        HttpResponse<String> sent = http.send(HttpRequest.newBuilder(URI.create(simulator().baseUrl() + "/sim/ivr?url=" + enc(target)
                + "&ending=" + ending + "&method=" + method)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).isEqualTo(200);
        return json.readTree(sent.body());
    }

    private void assertError(HttpResponse<String> answer, int status, String error, String field) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode body = json.readTree(answer.body());
        assertThat(body.get("detail").asText()).startsWith(error);
        if (field == null) {
            assertThat(body.has("field")).isFalse();
        } else {
            assertThat(body.get("field").asText()).isEqualTo(field);
        }
    }

    private JsonNode delivered(String eventId) {
        return delivered(crm, eventId);
    }

    private List<Received> requestsFor(String eventId) {
        return requestsFor(crm, eventId);
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
