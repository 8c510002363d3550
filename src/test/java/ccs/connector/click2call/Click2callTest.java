package ccs.connector.click2call;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import ccs.connector.event.CloudEvent;
import ccs.connector.simulator.CcsSimulator.ApiRequest;
import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.FailingWrites;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * click2call end to end over each channel (REST, JMS, file inbox) against the simulator: what it
 * records, the hangup callback it sends back to the intake, and the events a real local HTTP server
 * standing for the CRM receives.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Click2callTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
        // the hangup URL carries the webhook token and requests carry the session: debug lines must come out masked
        LogCapture.debug("org.apache.camel.component.http", "org.apache.hc.client5.http", "ccs.connector");
    }

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String KEY = "crm-api-key-click2call";
    private static final String AGENT = "ayse.yilmaz@demo.example";
    private static final String BURST_AGENT = "burst@demo.example";
    /** Logs in first in the test of transaction ids: its login can fail before any click2call goes out. */
    private static final String ONCE_AGENT = "once@demo.example";
    /** Logs in first in the test of a repeat while the first dispatch is in flight: its login is held back. */
    private static final String IN_FLIGHT_AGENT = "inflight@demo.example";
    private static final String REFUSED_SESSION_AGENT = "refused.session@demo.example";
    /** Logs in first over JMS, its login answered with a page that is not JSON. */
    private static final String LOGIN_RETRY_AGENT = "login.retry@demo.example";
    /** Its session ends while the platform's ping fails a moment. */
    private static final String PING_DOWN_AGENT = "ping.down@demo.example";

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;
    private RecordingHttpServer elsewhere;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        elsewhere = startHttpServer();
        settings.setProperty("connector.api-key", KEY);
        settings.setProperty("ccs.click2call.number-format", "e164");
        settings.setProperty("ccs.click2call.max-per-second", "1000");
        settings.setProperty("ccs.click2call.upstream-retries", "1");
        settings.setProperty("ccs.click2call.upstream-retry-delay", "100ms");
        settings.setProperty("ccs.simulator.agents", AGENT + ",mehmet.kaya@demo.example," + BURST_AGENT + "," + ONCE_AGENT + "," + IN_FLIGHT_AGENT + "," + REFUSED_SESSION_AGENT + "," + PING_DOWN_AGENT + ","
                + LOGIN_RETRY_AGENT);
        settings.setProperty("ccs.tenants", "demo,wrongtoken");
        settings.setProperty("ccs.tenant.wrongtoken.app-token", "not-the-application-token");
        // a burst of 12 click2calls of the demo tenant at once: every place of connector.api.max-in-flight is its to take
        settings.setProperty("connector.api.max-tenant-in-flight", "12");
        settings.setProperty("camel.server.maxBodySize", "4096");
    }

    @BeforeEach
    void reset() {
        crm.reset();
        elsewhere.reset();
        simulator().clearFaults();
        simulator().sendTransactionIdOnHangup(true);
        simulator().sendAgentUsername(true);
        simulator().refuseSessionsWithStatus(0);
        closeTheCircuit("demo");
    }

    @Test
    @Order(1)
    void overRestTheCallIsDispatchedAndItsHangupComesBackWithTheCrmsTransactionAndReference() throws Exception {
        HttpResponse<String> answer = click2call("{\"agentEmail\": \"Ayse.Yilmaz@demo.example\", \"phoneNumber\": \"0532 123 45 67\", "
                + "\"transactionId\": \"crm-rest-1\", \"reference\": \"CASE-1001\", \"masked\": true, \"selectedQueue\": true}");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json.readTree(answer.body())).isEqualTo(json.readTree("{\"success\": true, \"transactionId\": \"crm-rest-1\"}"));
        ApiRequest dispatched = dispatched("crm-rest-1");
        assertThat(dispatched.params()).containsEntry("phonenumber", "+905321234567")
                .containsEntry("hangup_url", baseUrl() + "/webhooks/ccs/hangup?token=" + URLEncoder.encode(webhookToken(), StandardCharsets.UTF_8))
                .containsEntry("masked", "true").containsEntry("selected_queue", "on");
        assertThat(simulator().liveSessions()).contains(dispatched.params().get("session"));

        JsonNode hangup = hangupOf("crm-rest-1");
        assertThat(hangup.at("/data/transactionId").asText()).isEqualTo("crm-rest-1");
        assertThat(hangup.at("/data/crmReference").asText()).isEqualTo("CASE-1001");
        assertThat(hangup.at("/data/calledNumber").asText()).isEqualTo("+905321234567");
        assertThat(hangup.at("/data/cdr/callKey").asText()).isEqualTo(hangup.at("/data/callKey").asText());
        // the call's record, as its ccs.cdr event carries it: the CRM's transaction id and reference, not only in raw
        assertThat(hangup.at("/data/cdr/transactionId").asText(null)).isEqualTo("crm-rest-1");
        assertThat(hangup.at("/data/cdr/crmReference").asText(null)).isEqualTo("CASE-1001");
        assertThat(hangup.at("/data/agentUsername").asText()).isEqualTo(AGENT);
    }

    /**
     * The vendor's sample hangup callback leaves agent_username empty, and the CDR record fields it lists name the agent
     * only by the platform's id: the call the connector dialled for an agent still reaches the CRM with that agent.
     */
    @Test
    @Order(2)
    void aHangupAndRecordThatNameNoAgentAsTheVendorsSampleCarryTheAgentTheCallWasDialledFor() throws Exception {
        simulator().sendAgentUsername(false);
        HttpResponse<String> answer = click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"0532 123 45 70\", "
                + "\"transactionId\": \"crm-rest-no-agent\", \"reference\": \"CASE-1070\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

        JsonNode hangup = hangupOf("crm-rest-no-agent");
        assertThat(hangup.at("/data/raw/agent_username").asText()).as("as the platform sent it").isEmpty();
        assertThat(hangup.at("/data/cdr/raw/agent_username").isMissingNode()).isTrue();
        assertThat(hangup.at("/data/crmReference").asText()).isEqualTo("CASE-1070");
        assertThat(hangup.at("/data/agentUsername").asText(null)).isEqualTo(AGENT);
        assertThat(hangup.at("/data/cdr/agentUsername").asText(null)).isEqualTo(AGENT);
    }

    @Test
    @Order(2)
    void aTransactionIdIsDialledOnceButMayComeAgainAfterADispatchThatPlacedNoCall() throws Exception {
        String unknownAgent = "{\"agentEmail\": \"nobody@demo.example\", \"phoneNumber\": \"05321234568\", \"transactionId\": \"crm-rest-once\"}";
        String request = "{\"agentEmail\": \"" + ONCE_AGENT + "\", \"phoneNumber\": \"05321234568\", \"transactionId\": \"crm-rest-once\"}";
        assertThat(click2call(unknownAgent).statusCode()).isEqualTo(422);
        // an answer to the login that cannot be read: the click2call never went out
        simulator().inject(Fault.html("login", 1));
        assertThat(click2call(request).statusCode()).isEqualTo(502);
        simulator().inject(Fault.status("click2call", 503, 1));
        assertThat(click2call(request).statusCode()).isEqualTo(503);
        closeTheCircuit("demo");

        assertThat(click2call(request).statusCode()).as("no call was placed yet: the CRM may send it again").isEqualTo(200);
        HttpResponse<String> repeat = click2call(request);

        assertError(repeat, 409, "transactionId crm-rest-once was dispatched at ", "transactionId");
        assertThat(simulator().requests("click2call")).filteredOn(r -> "crm-rest-once".equals(r.params().get("transactionid")))
                .as("the 503 and the one call").hasSize(2);
    }

    @Test
    @Order(2)
    void aRepeatWhileTheFirstDispatchIsInFlightIsNotToldItWasDispatchedAndDialsOnceThatOneFailed() throws Exception {
        String request = "{\"agentEmail\": \"" + IN_FLIGHT_AGENT + "\", \"phoneNumber\": \"05321234571\", \"transactionId\": \"crm-rest-in-flight\"}";
        // the first request's login is held back (within its read timeout) until both repeats have been answered,
        // then its click2call refused by the platform: no call placed
        simulator().inject(Fault.hold("login", 7000, 1));
        simulator().inject(Fault.status("click2call", 503, 1));
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/api/v1/click2call"))
                .header("X-Api-Key", KEY).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(PATIENCE).until(() -> simulator().requests("login").stream().anyMatch(r -> IN_FLIGHT_AGENT.equals(r.params().get("email"))));

        HttpResponse<String> whileInFlight = click2call(request);
        sendText(request, Map.of());

        assertThat(first).as("the first request is still in flight").isNotDone();
        assertError(whileInFlight, 409, "transactionId crm-rest-in-flight is still being dispatched (since ", "transactionId");
        assertThat(json.readTree(whileInFlight.body()).get("detail").asText()).contains("its outcome is not known yet")
                .doesNotContain("was dispatched");
        assertThat(whileInFlight.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(failure(crm, "demo:ccs.click2call.failed:crm-rest-in-flight").at("/data/error").asText())
                .as("a queued repeat is a failed event, as a 409 is").startsWith("transactionId crm-rest-in-flight is still being dispatched (since ");
        simulator().releaseHeld();

        assertThat(first.get().statusCode()).as(first.get().body()).isEqualTo(503);
        closeTheCircuit("demo");
        HttpResponse<String> afterTheFailure = click2call(request);
        assertThat(afterTheFailure.statusCode()).as("the first placed no call: the id is free, " + afterTheFailure.body()).isEqualTo(200);
        assertThat(simulator().requests("click2call")).filteredOn(r -> "crm-rest-in-flight".equals(r.params().get("transactionid")))
                .as("the refused one and the call").hasSize(2);

        HttpResponse<String> afterTheCall = click2call(request);
        assertError(afterTheCall, 409, "transactionId crm-rest-in-flight was dispatched at ", "transactionId");
        assertThat(afterTheCall.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    @Order(2)
    void valuesThatLookLikeBeanParameterSyntaxReachTheStoreAndTheCrmAsWritten() throws Exception {
        // a bean call given them as text would take "null" for no value and strip the quotes around a value
        String request = "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234572\", \"transactionId\": \"null\", \"reference\": \"\\\"Case 7\\\"\"}";
        HttpResponse<String> first = click2call(request);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertError(click2call(request), 409, "transactionId null was dispatched at ", "transactionId");
        await().atMost(PATIENCE).until(() -> deliveredOf("ccs.call.hangup").stream().anyMatch(e -> "null".equals(e.at("/data/transactionId").textValue())));
        assertThat(deliveredOf("ccs.call.hangup")).filteredOn(e -> "null".equals(e.at("/data/transactionId").textValue()))
                .extracting(e -> e.at("/data/crmReference").textValue()).containsOnly("\"Case 7\"");

        assertThat(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234573\", \"transactionId\": \"crm-quoted-reference\", "
                + "\"reference\": \"'Case 8'\"}").statusCode()).isEqualTo(200);
        assertThat(hangupOf("crm-quoted-reference").at("/data/crmReference").textValue()).isEqualTo("'Case 8'");

        // a body in quotes is no JSON object, even though a JSON object is inside them
        assertError(click2call("'{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234574\", \"transactionId\": \"crm-quoted-body\"}'"),
                400, "the body is not a JSON object", null);
        assertThat(simulator().requests("click2call")).noneMatch(r -> "crm-quoted-body".equals(r.params().get("transactionid")));
    }

    @Test
    @Order(2)
    void aDatabaseAwayWhenAFailedDispatchFreesItsIdLeavesTheCrmThePlatformsAnswer() throws Exception {
        String request = "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234569\", \"transactionId\": \"crm-rest-db-away\"}";
        simulator().inject(Fault.status("click2call", 503, 1));
        FailingWrites.start(stateStore(), "CLICK2CALL_CORRELATION", "DELETE", 1);
        try {
            assertError(click2call(request), 503, "Call Center Studio tenant demo answered HTTP 503", null);
        } finally {
            FailingWrites.stop(stateStore(), "CLICK2CALL_CORRELATION");
        }
        closeTheCircuit("demo");
        assertThat(click2call(request).statusCode()).as("the id could not be freed: it stays taken, no call is placed twice").isEqualTo(409);
    }

    @Test
    @Order(2)
    void withoutATransactionIdOneIsGeneratedAnsweredAndCorrelatedEvenWhenTheCallbackLeavesItOut() throws Exception {
        simulator().sendTransactionIdOnHangup(false);
        HttpResponse<String> answer = click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"+90 533 765 43 21\", "
                + "\"reference\": \"CASE-2002\"}");

        assertThat(answer.statusCode()).isEqualTo(200);
        String transactionId = json.readTree(answer.body()).get("transactionId").asText();
        assertThat(transactionId).matches("[0-9a-f-]{36}");
        assertThat(dispatched(transactionId).params()).containsEntry("phonenumber", "+905337654321")
                .doesNotContainKeys("masked", "selected_queue");
        JsonNode hangup = hangupOf(transactionId);
        assertThat(hangup.at("/data/raw/transaction_id").asText()).isEmpty();
        assertThat(hangup.at("/data/crmReference").asText()).isEqualTo("CASE-2002");
        assertThat(hangup.at("/data/cdr/transactionId").asText(null)).isEqualTo(transactionId);
        assertThat(hangup.at("/data/cdr/crmReference").asText(null)).isEqualTo("CASE-2002");
    }

    @Test
    @Order(3)
    void badRequestsAre400NamingTheFieldAndNothingIsDispatched() throws Exception {
        simulator().clearRequests();
        assertError(click2call("{\"phoneNumber\": \"05321234567\"}"), 400, "agentEmail is missing", "agentEmail");
        assertError(click2call("{\"agentEmail\": \"not-an-email\", \"phoneNumber\": \"05321234567\"}"), 400, "agentEmail is not an e-mail address", "agentEmail");
        // in quotes it was dialled for the agent without them, and kept with them in the correlation and the outcome
        assertError(click2call("{\"agentEmail\": \"'" + AGENT + "'\", \"phoneNumber\": \"05321234567\"}"), 400, "agentEmail is not an e-mail address", "agentEmail");
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\"}"), 400, "phoneNumber is missing", "phoneNumber");
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"12\"}"), 400, "phoneNumber cannot be dialled", "phoneNumber");
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"call me\"}"), 400, "phoneNumber cannot be dialled", "phoneNumber");
        // a keypad word or an extension would be dialled as some other number
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"0532-CALL-NOW\"}"), 400, "phoneNumber cannot be dialled: it may hold only digits", "phoneNumber");
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"0532 123 45 67 ext. 12\"}"), 400, "phoneNumber cannot be dialled: it may hold only digits", "phoneNumber");
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"0532***4567\"}"), 400, "phoneNumber is masked", "phoneNumber");
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", \"masked\": \"yes\"}"), 400, "masked must be true or false", "masked");
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"a b\"}"), 400, "transactionId may hold", "transactionId");
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", \"tenant\": \"acme\"}"), 400, "tenant is 'acme'", "tenant");
        assertError(click2call("{\"agentEmail\": [\"" + AGENT + "\"], \"phoneNumber\": \"05321234567\"}"), 400, "agentEmail must be a string", "agentEmail");
        // a transaction id spelt as the platform's parameter or its callback's field went unread: each repeat was dialled again
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", \"transactionid\": \"crm-77\"}"), 400,
                "transactionid is no field of the request: write it transactionId", "transactionid");
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", \"transaction_id\": \"crm-77\"}"), 400,
                "transaction_id is no field of the request: write it transactionId", "transaction_id");
        // a call control sent to the click2call's path was dialled as a click2call
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", \"action\": \"hangup\"}"), 400,
                "action is 'hangup', but the path is /api/v1/click2call", "action");
        assertError(click2call("agentEmail=" + AGENT), 400, "the body is not a JSON object", null);
        assertError(click2call("[1, 2]"), 400, "the body is not a JSON object", null);
        assertError(click2call(""), 400, "the body is empty", null);
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", \"x\": \"" + "y".repeat(5000) + "\"}"),
                413, "the body is larger than 4096 bytes", null);
        assertThat(simulator().requests("click2call")).isEmpty();
    }

    @Test
    @Order(3)
    void aNumberWithDigitsBeyondItsNumberingPlanIsRefusedOnEveryChannelNotDialledAsAnotherNumber() throws Exception {
        // read leniently, each was one longer number: the extension or stray digit merged into it (053212345675, 532123456789, ...)
        List<String> merged = List.of("0532 123 45 67 (5)", "0532 123 45 67 / 8", "0532 123 45 67 / 89", "0 5 3 2 1 2 3 4 5 6 7 8 9");
        for (int i = 0; i < merged.size(); i++) {
            assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"" + merged.get(i) + "\", \"transactionId\": \"crm-merged-" + i + "\"}"),
                    400, "phoneNumber cannot be dialled: it is not a valid phone number", "phoneNumber");
        }
        sendText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"0532 123 45 67 / 8\", \"transactionId\": \"crm-merged-jms\"}", Map.of());
        assertThat(failure(crm, "demo:ccs.click2call.failed:crm-merged-jms").at("/data/error").asText())
                .startsWith("phoneNumber cannot be dialled: it is not a valid phone number");
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        drop(inbox, "merged.json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"0532 123 45 67 (5)\", \"transactionId\": \"crm-merged-file\"}");
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("failed/merged.json.reason.txt")));
        assertThat(Files.readString(inbox.resolve("failed/merged.json.reason.txt"))).startsWith("phoneNumber cannot be dialled: it is not a valid phone number");

        // the ways people write one number stay accepted
        // also as copied from a spreadsheet or a web page: no-break spaces, full-width digits
        for (String written : List.of("(0532) 123 45 67", "0090 532 123.45.67", "+90 (0) 532-123-45-67", "0532\u00a0123\u00a045\u00a067\u00a0",
                "\uff10\uff15\uff13\uff12 123 45 67")) {
            String transactionId = "crm-written-" + Integer.toHexString(written.hashCode());
            HttpResponse<String> answer = click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"" + written + "\", \"transactionId\": \"" + transactionId + "\"}");
            assertThat(answer.statusCode()).as(written + ": " + answer.body()).isEqualTo(200);
            assertThat(dispatched(transactionId).params()).containsEntry("phonenumber", "+905321234567");
        }
        assertThat(simulator().requests("click2call")).noneMatch(r -> r.params().get("transactionid").startsWith("crm-merged"));
        // a footnote's superscript copied with the number is no digit of it
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"0532 123 45 67\u00b9\"}"), 400,
                "phoneNumber cannot be dialled: it may hold only digits", "phoneNumber");
    }

    @Test
    @Order(3)
    void aBodyThatIsNotOneJsonObjectOrGivesAFieldTwiceIsRefusedOnEveryChannelNeverHalfRead() throws Exception {
        String first = "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234575\", \"transactionId\": \"crm-two-bodies-1\"}";
        String second = "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234576\", \"transactionId\": \"crm-two-bodies-2\"}";
        // read leniently: the first object dialled and the rest ignored, or the agent's call placed for the field's last value
        String twice = "{\"agentEmail\": \"mehmet.kaya@demo.example\", \"phoneNumber\": \"05321234577\", \"agentEmail\": \"" + AGENT
                + "\", \"transactionId\": \"crm-two-bodies-twice\"}";
        assertError(click2call(first + second), 400, "the body is not one JSON object", null);
        assertError(click2call(first + " garbage"), 400, "the body is not one JSON object", null);
        assertError(click2call(twice), 400, "the body gives field agentEmail twice", "agentEmail");

        sendText(first + "\n" + second, Map.of());
        assertThat(deadLetters(1).get(0).reason()).startsWith("the body is not one JSON object");
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        drop(inbox, "two-bodies.json", first + "\n" + second);
        drop(inbox, "twice.json", twice);
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("failed/two-bodies.json.reason.txt"))
                && Files.exists(inbox.resolve("failed/twice.json.reason.txt")));
        assertThat(Files.readString(inbox.resolve("failed/two-bodies.json.reason.txt"))).startsWith("the body is not one JSON object");
        assertThat(Files.readString(inbox.resolve("failed/twice.json.reason.txt"))).startsWith("the body gives field agentEmail twice");
        assertThat(simulator().requests("click2call")).noneMatch(r -> r.params().get("transactionid").startsWith("crm-two-bodies"));
    }

    @Test
    @Order(4)
    void aMissingApiKeyIs401AndUpstreamRefusalsAndOutagesAreAnsweredWithTheirStatus() throws Exception {
        String body = "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\"}";
        HttpResponse<String> noKey = post("/api/v1/click2call", "application/json", body);
        assertThat(noKey.statusCode()).isEqualTo(401);

        assertError(click2call("{\"agentEmail\": \"nobody@demo.example\", \"phoneNumber\": \"05321234567\"}"), 422,
                "agent nobody@demo.example is not known to Call Center Studio tenant demo (User not found)", "agentEmail");
        assertError(click2call("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", \"tenant\": \"wrongtoken\"}"), 422,
                "the application token of tenant wrongtoken was refused by Call Center Studio (Invalid Application Token)", null);
        simulator().inject(Fault.status("click2call", 503, 1));
        assertError(click2call(body), 503, "Call Center Studio tenant demo answered HTTP 503", null);
        closeTheCircuit("demo");
        // a 501 says the request was not processed: the platform is as good as down for it
        simulator().inject(Fault.status("click2call", 501, 1));
        assertError(click2call(body), 503, "Call Center Studio tenant demo answered HTTP 501", null);
        simulator().inject(Fault.html("click2call", 1));
        assertError(click2call(body), 502, "Call Center Studio tenant demo answered with a body that is not a JSON object", null);
    }

    @Test
    @Order(5)
    void overJmsTheOutcomeIsAnEventAndTheHangupComesBackCorrelated() throws Exception {
        sendText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112233\", \"transactionId\": \"crm-jms-1\", "
                + "\"reference\": \"CASE-JMS\", \"caseIds\": [11, 22], \"tags\": []}",
                Map.of("CamelHttpUri", elsewhere.url("/evil"), "camelJmsDestinationName", "crm.injected"));

        JsonNode accepted = delivered("demo:ccs.click2call.accepted:crm-jms-1");
        assertThat(accepted.at("/data/transactionId").asText()).isEqualTo("crm-jms-1");
        assertThat(accepted.at("/data/agentEmail").asText()).isEqualTo(AGENT);
        assertThat(accepted.at("/data/reference").asText()).isEqualTo("CASE-JMS");
        // the request's fields as the CRM sent them, a list whole
        assertThat(accepted.at("/data/caseIds").toString()).isEqualTo("[11,22]");
        assertThat(accepted.at("/data/raw/caseIds").toString()).isEqualTo("[11,22]");
        assertThat(accepted.at("/data/tags").toString()).isEqualTo("[]");
        assertThat(dispatched("crm-jms-1").params()).containsEntry("phonenumber", "+905351112233");
        JsonNode hangup = hangupOf("crm-jms-1");
        assertThat(hangup.at("/data/crmReference").asText()).isEqualTo("CASE-JMS");
        assertThat(hangup.at("/data/cdr/transactionId").asText(null)).isEqualTo("crm-jms-1");
        assertThat(hangup.at("/data/cdr/crmReference").asText(null)).isEqualTo("CASE-JMS");
        assertThat(elsewhere.received()).isEmpty();
    }

    @Test
    @Order(6)
    void overJmsAFailedRequestIsAFailedEventAndAMalformedMessageADeadLetterWithItsReason() throws Exception {
        sendText("{\"agentEmail\": \"nobody@demo.example\", \"phoneNumber\": \"05351112233\", \"transactionId\": \"crm-jms-unknown\"}", Map.of());
        sendText("{\"agentEmail\": \"" + AGENT + "\", \"transactionId\": \"crm-jms-nonumber\"}", Map.of());
        String notJson = sendText("this is not json", Map.of());
        String bytesId;
        String emptyId;
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            BytesMessage bytes = session.createBytesMessage();
            bytes.writeBytes("{\"agentEmail\": \"x@y\"}".getBytes(StandardCharsets.UTF_8));
            session.createProducer(session.createQueue("ccs.click2call")).send(bytes);
            bytesId = bytes.getJMSMessageID();
            // a text message without text
            TextMessage empty = session.createTextMessage();
            session.createProducer(session.createQueue("ccs.click2call")).send(empty);
            emptyId = empty.getJMSMessageID();
        }

        JsonNode unknown = failure(crm, "demo:ccs.click2call.failed:crm-jms-unknown");
        assertThat(unknown.at("/data/error").asText()).contains("agent nobody@demo.example is not known");
        assertThat(unknown.at("/data/agentEmail").asText()).isEqualTo("nobody@demo.example");
        assertThat(failure(crm, "demo:ccs.click2call.failed:crm-jms-nonumber").at("/data/error").asText()).isEqualTo("phoneNumber is missing: the number to call");
        List<DeadLetter> deadLetters = deadLetters(3);
        assertThat(deadLetters).extracting(DeadLetter::reason).containsExactlyInAnyOrder("the body is not a JSON object",
                "the message is not a text message: send the click2call request as JSON text", "the body is empty: send a JSON object with agentEmail and phoneNumber");
        // what came is kept, a message that is not text too, so that the CRM can send it again
        assertThat(deadLetters).extracting(DeadLetter::text).containsExactlyInAnyOrder("this is not json", "{\"agentEmail\": \"x@y\"}", "");
        assertThat(simulator().requests("click2call")).noneMatch(r -> r.params().get("transactionid").startsWith("crm-jms-no"));

        // each is answered by a failed event as well, under the transaction id derived from its message's id: a CRM waiting
        // for its outcome learns it
        JsonNode notJsonEvent = failure(crm, "demo:ccs.click2call.failed:" + derived(notJson));
        assertThat(notJsonEvent.at("/data/error").asText()).isEqualTo("the body is not a JSON object");
        assertThat(notJsonEvent.at("/data/body").asText()).isEqualTo("this is not json");
        assertThat(notJsonEvent.at("/data/transactionId").asText()).isEqualTo(derived(notJson));
        assertThat(notJsonEvent.get("id").asText()).matches("demo:ccs\\.click2call\\.failed:" + derived(notJson) + ":refused-[0-9a-f]+");
        JsonNode bytesEvent = failure(crm, "demo:ccs.click2call.failed:" + derived(bytesId));
        assertThat(bytesEvent.at("/data/error").asText()).isEqualTo("the message is not a text message: send the click2call request as JSON text");
        assertThat(bytesEvent.at("/data/agentEmail").asText()).isEqualTo("x@y");
        assertThat(failure(crm, "demo:ccs.click2call.failed:" + derived(emptyId)).at("/data/error").asText())
                .isEqualTo("the body is empty: send a JSON object with agentEmail and phoneNumber");
    }

    @Test
    @Order(6)
    void overJmsARefusedMessageIsAFailedEventOfWhatCanBeReadOfItTheSameWhenItComesAgain() throws Exception {
        // the connector fails after its event is published and before its dead letter is stored: the message comes again
        List<String> published = new CopyOnWriteArrayList<>();
        AdviceWith.adviceWith(context, "click2call-refused", route -> route.weaveAddLast().process(exchange -> {
            String id = exchange.getVariable("outcome", CloudEvent.class).getId();
            if (id.contains(":crm-jms-refused-twice:") && published.add(id) && published.size() == 1) {
                throw new IllegalStateException("failed after its event was published");
            }
        }));
        context.getRouteController().startRoute("click2call-refused");
        // a field twice: the others are read, with its transactionId and tenant
        String twice = "{\"transactionId\": \"crm-jms-refused-twice\", \"tenant\": \"wrongtoken\", \"agentEmail\": \"" + AGENT
                + "\", \"phoneNumber\": \"05351112260\", \"password\": \"hunter2-hunter2\", \"agentEmail\": \"mehmet.kaya@demo.example\"}";
        sendText(twice, Map.of());
        // a call control of a tenant not served: the call control's failed event, of the default tenant
        sendText("{\"action\": \"hangup\", \"agentEmail\": \"" + AGENT + "\", \"transactionId\": \"crm-jms-refused-hangup\", "
                + "\"tenant\": \"nowhere\"} {\"action\": \"hold\"}", Map.of());
        // a megabyte of garbage with a secret in it
        String garbage = sendText("not json at all, token=s3cr3t-token-value " + "z".repeat(1_000_000), Map.of());

        JsonNode refused = failure(crm, "wrongtoken:ccs.click2call.failed:crm-jms-refused-twice");
        assertThat(refused.get("source").asText()).isEqualTo("ccs/wrongtoken");
        assertThat(refused.at("/data/error").asText()).isEqualTo("the body gives field agentEmail twice: give each field once");
        assertThat(refused.at("/data/phoneNumber").asText()).isEqualTo("05351112260");
        assertThat(refused.at("/data/raw/phoneNumber").asText()).isEqualTo("05351112260");
        assertThat(refused.at("/data/agentEmail").isMissingNode()).as("which of its two values was meant is not known").isTrue();
        assertThat(refused.toString()).doesNotContain("hunter2");
        JsonNode hangup = failure(crm, "demo:ccs.call.control.failed:crm-jms-refused-hangup");
        assertThat(hangup.at("/data/error").asText()).startsWith("the body is not one JSON object: more follows it");
        assertThat(hangup.at("/data/action").asText()).isEqualTo("hangup");
        JsonNode large = failure(crm, "demo:ccs.click2call.failed:" + derived(garbage));
        assertThat(large.at("/data/error").asText()).isEqualTo("the request is larger than 4096 characters (camel.server.maxBodySize)");
        assertThat(large.at("/data/body").asText()).as("as much as a request may hold").hasSize(4096).startsWith("not json at all, token=***");
        assertThat(large.toString()).hasSizeLessThan(3 * 4096).doesNotContain("s3cr3t");

        assertThat(deadLetters(3)).as("kept as before").extracting(DeadLetter::reason).containsExactlyInAnyOrder(
                "the body gives field agentEmail twice: give each field once", hangup.at("/data/error").asText(), large.at("/data/error").asText());
        await().atMost(PATIENCE).until(() -> published.size() == 2);
        assertThat(published).as("the message that came again is the same event").containsOnly(refused.get("id").asText());
        assertThat(simulator().requests("click2call")).noneMatch(r -> r.params().get("transactionid").startsWith("crm-jms-refused"));
    }

    @Test
    @Order(7)
    void overJmsCallCenterStudioDownIsRetriedBeforeTheRequestFails() throws Exception {
        simulator().inject(Fault.status("click2call", 503, 1));
        sendText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112240\", \"transactionId\": \"crm-jms-retried\"}", Map.of());
        assertThat(delivered("demo:ccs.click2call.accepted:crm-jms-retried")).isNotNull();
        assertThat(simulator().requests("click2call")).filteredOn(r -> "crm-jms-retried".equals(r.params().get("transactionid"))).hasSize(2);

        simulator().inject(Fault.status("click2call", 503, 5));
        sendText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112241\", \"transactionId\": \"crm-jms-down\"}", Map.of());
        assertThat(failure(crm, "demo:ccs.click2call.failed:crm-jms-down").at("/data/error").asText())
                .isEqualTo("Call Center Studio tenant demo answered HTTP 503");
        assertThat(simulator().requests("click2call")).filteredOn(r -> "crm-jms-down".equals(r.params().get("transactionid"))).hasSize(2);

        // no call was placed: the CRM may send the transaction again, and learns that it failed again
        simulator().inject(Fault.status("click2call", 503, 2));
        sendText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112241\", \"transactionId\": \"crm-jms-down\"}", Map.of());
        await().atMost(PATIENCE).until(() -> failureIds(crm, "demo:ccs.click2call.failed:crm-jms-down").size() == 2);
    }

    /**
     * A message too large to read whole into memory (crm.click2call.max-message-bytes) is left on the queue, unread: the
     * client read it whole before the route saw it, and one of 20 MiB ended a lean connector, again at each start.
     */
    @Test
    @Order(7)
    void overJmsAMessageLargerThanTheMostReadIsLeftOnTheQueueUnread() throws Exception {
        String tooLarge = sendText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112244\", \"transactionId\": \"crm-jms-too-large\", "
                + "\"x\": \"" + "y".repeat(5 << 20) + "\"}", Map.of());
        sendText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112245\", \"transactionId\": \"crm-jms-after-too-large\"}", Map.of());

        assertThat(delivered("demo:ccs.click2call.accepted:crm-jms-after-too-large")).isNotNull();
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            Message left = session.createConsumer(session.createQueue("ccs.click2call"), "JMSMessageID = '" + tooLarge + "'").receive(10_000);
            assertThat(left).as("left on the queue for a person with the broker's tools").isNotNull();
        }
    }

    /** Before, a login that could not be read (or got no answer) failed the request at once, though no call had gone out. */
    @Test
    @Order(7)
    void overJmsALoginThatCannotBeReadIsRetriedSinceNoCallWentOut() throws Exception {
        simulator().inject(Fault.html("login", 1));
        sendText("{\"agentEmail\": \"" + LOGIN_RETRY_AGENT + "\", \"phoneNumber\": \"05351112243\", \"transactionId\": \"crm-jms-login-retried\"}", Map.of());

        assertThat(delivered("demo:ccs.click2call.accepted:crm-jms-login-retried")).isNotNull();
        assertThat(simulator().requests("login")).filteredOn(r -> LOGIN_RETRY_AGENT.equals(r.params().get("email"))).hasSize(2);
        assertThat(simulator().requests("click2call")).filteredOn(r -> "crm-jms-login-retried".equals(r.params().get("transactionid"))).hasSize(1);
    }

    @Test
    @Order(7)
    void overJmsAClick2callThatGotNoAnswerInTimeFailsWithoutBeingDialledAgain() throws Exception {
        // the request went out: the platform may have placed the call, so a repeat could dial the customer twice
        simulator().inject(Fault.delay("click2call", 8000, 1));
        sendText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112242\", \"transactionId\": \"crm-jms-slow\"}", Map.of());

        assertThat(failure(crm, "demo:ccs.click2call.failed:crm-jms-slow").at("/data/error").asText())
                .startsWith("Call Center Studio tenant demo did not answer click2call (");
        assertThat(simulator().requests("click2call")).filteredOn(r -> "crm-jms-slow".equals(r.params().get("transactionid"))).hasSize(1);
    }

    @Test
    @Order(7)
    void theStateStoreAwayIs503OverRestAndOverJmsRetriedAndThenAFailedEventNotADeadEnd() throws Exception {
        String request = "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234570\", \"transactionId\": \"crm-rest-db-down\"}";
        FailingWrites.start(stateStore(), "CLICK2CALL_CORRELATION", "INSERT", 1);
        try {
            HttpResponse<String> away = click2call(request);
            assertError(away, 503, "the connector's database is away: try again later", null);
            assertThat(away.headers().firstValue("Retry-After")).hasValue("5");
        } finally {
            FailingWrites.stop(stateStore(), "CLICK2CALL_CORRELATION");
        }
        assertThat(click2call(request).statusCode()).as("nothing was dialled: the CRM sends it again").isEqualTo(200);

        FailingWrites.start(stateStore(), "CLICK2CALL_CORRELATION", "INSERT", 1);
        try {
            sendText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112245\", \"transactionId\": \"crm-jms-db-blip\"}", Map.of());
            assertThat(delivered("demo:ccs.click2call.accepted:crm-jms-db-blip")).isNotNull();
        } finally {
            FailingWrites.stop(stateStore(), "CLICK2CALL_CORRELATION");
        }

        FailingWrites.start(stateStore(), "CLICK2CALL_CORRELATION", "INSERT", 1000);
        try {
            sendText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112246\", \"transactionId\": \"crm-jms-db-away\"}", Map.of());
            assertThat(failure(crm, "demo:ccs.click2call.failed:crm-jms-db-away").at("/data/error").asText())
                    .startsWith("the connector's database failed (INSERT): ");
            assertThat(FailingWrites.remaining()).as("one insert and its retry").isEqualTo(998);
        } finally {
            FailingWrites.stop(stateStore(), "CLICK2CALL_CORRELATION");
        }
        assertThat(simulator().requests("click2call")).filteredOn(r -> r.params().get("transactionid").startsWith("crm-jms-db-"))
                .extracting(r -> r.params().get("transactionid")).containsExactly("crm-jms-db-blip");
    }

    @Test
    @Order(7)
    void anAnswerThatLeavesTheOutcomeUnknownIsNeitherRepeatedNorFreedForTheCrmsRepeat() throws Exception {
        // a server error (but 503), a gateway's 504, the JSON text null, an object without "success": the platform may
        // have placed the call
        Map<String, Fault> unknownOutcomes = Map.of("crm-rest-server-error", Fault.status("click2call", 500, 1),
                "crm-rest-proxy-timeout", Fault.status("click2call", 524, 1),
                "crm-rest-gateway", Fault.status("click2call", 504, 1),
                "crm-rest-null", Fault.jsonNull("click2call", 1), "crm-rest-noenvelope", Fault.noEnvelope("click2call", 1));
        for (Map.Entry<String, Fault> unknown : unknownOutcomes.entrySet()) {
            simulator().inject(unknown.getValue());
            String request = "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234569\", \"transactionId\": \"" + unknown.getKey() + "\"}";
            assertThat(click2call(request).statusCode()).as(unknown.getKey()).isIn(502, 504);
            closeTheCircuit("demo");
            assertError(click2call(request), 409, "transactionId " + unknown.getKey() + " was dispatched at ", "transactionId");
        }
        simulator().inject(Fault.status("click2call", 500, 1));
        sendText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112243\", \"transactionId\": \"crm-jms-server-error\"}", Map.of());
        assertThat(failure(crm, "demo:ccs.click2call.failed:crm-jms-server-error").at("/data/error").asText())
                .isEqualTo("Call Center Studio tenant demo answered HTTP 500 to click2call (the request may have been carried out)");
        simulator().inject(Fault.jsonNull("click2call", 1));
        sendText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112244\", \"transactionId\": \"crm-jms-null\"}", Map.of());
        assertThat(failure(crm, "demo:ccs.click2call.failed:crm-jms-null").at("/data/error").asText())
                .startsWith("Call Center Studio tenant demo answered with a body that is not a JSON object");

        for (String transactionId : List.of("crm-rest-server-error", "crm-rest-proxy-timeout", "crm-rest-gateway", "crm-rest-null", "crm-rest-noenvelope", "crm-jms-server-error",
                "crm-jms-null")) {
            assertThat(simulator().requests("click2call")).filteredOn(r -> transactionId.equals(r.params().get("transactionid")))
                    .as("click2calls of " + transactionId).hasSize(1);
        }
    }

    @Test
    @Order(7)
    void jmsMessagesWithoutMessageIdsOrTransactionIdsAreEachDialled() throws Exception {
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer producer = session.createProducer(session.createQueue("ccs.click2call"));
            producer.setDisableMessageID(true);
            producer.send(session.createTextMessage("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112251\"}"));
            producer.send(session.createTextMessage("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112252\"}"));
        }

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(simulator().requests("click2call")).extracting(r -> r.params().get("phonenumber"))
                .contains("+905351112251", "+905351112252"));
    }

    @Test
    @Order(7)
    void aJmsMessageAsksForNoReplyAndGetsNone() throws Exception {
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            TextMessage message = session.createTextMessage("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112234\", "
                    + "\"transactionId\": \"crm-jms-reply\"}");
            message.setJMSReplyTo(session.createQueue("crm.replies"));
            session.createProducer(session.createQueue("ccs.click2call")).send(message);

            delivered("demo:ccs.click2call.accepted:crm-jms-reply");
            Message reply = session.createConsumer(session.createQueue("crm.replies")).receive(1_000);
            assertThat(reply).isNull();
        }
    }

    @Test
    @Order(8)
    void fromTheFileInboxTheFileMovesToDoneOrToFailedWithItsReason() throws Exception {
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        drop(inbox, "call-1.json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234567\", \"transactionId\": \"crm-file-1\", "
                + "\"reference\": \"CASE-FILE\"}");
        drop(inbox, "no-number.json", "{\"agentEmail\": \"" + AGENT + "\", \"transactionId\": \"crm-file-2\"}");
        drop(inbox, "garbage.json", "<xml/>");
        drop(inbox, "with-bom.json", "\uFEFF{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234568\", \"transactionId\": \"crm-file-bom\"}");
        drop(inbox, "huge.json", "{\"x\": \"" + "y".repeat(20_000) + "\"}");
        // saved as Latin-1 (ü is 0xFC), not UTF-8: refused with its reason rather than left in the inbox, read again at every poll
        drop(inbox, "latin-1.json", ("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234573\", \"transactionId\": \"crm-file-latin1\", "
                + "\"reference\": \"Müller\"}").getBytes(StandardCharsets.ISO_8859_1));

        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("done/call-1.json")) && Files.exists(inbox.resolve("done/with-bom.json")));
        assertThat(delivered("demo:ccs.click2call.accepted:crm-file-1").at("/data/reference").asText()).isEqualTo("CASE-FILE");
        assertThat(hangupOf("crm-file-1").at("/data/crmReference").asText()).isEqualTo("CASE-FILE");
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("failed/no-number.json"))
                && Files.exists(inbox.resolve("failed/garbage.json")));
        assertThat(Files.readString(inbox.resolve("failed/no-number.json.reason.txt"))).isEqualTo("phoneNumber is missing: the number to call");
        assertThat(Files.readString(inbox.resolve("failed/garbage.json.reason.txt"))).isEqualTo("the body is not a JSON object");
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("failed/huge.json.reason.txt")));
        assertThat(Files.readString(inbox.resolve("failed/huge.json.reason.txt")))
                .isEqualTo("the request is larger than 4096 characters (camel.server.maxBodySize): 20009 bytes, not read");
        assertThat(failure(crm, "demo:ccs.click2call.failed:crm-file-2").at("/data/error").asText()).isEqualTo("phoneNumber is missing: the number to call");
        assertThat(Files.readString(inbox.resolve("failed/garbage.json"))).isEqualTo("<xml/>");
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("failed/latin-1.json.reason.txt")));
        assertThat(Files.readString(inbox.resolve("failed/latin-1.json.reason.txt")))
                .isEqualTo("the request is not UTF-8 text: byte 124 (0xFC) is no UTF-8; write it in UTF-8");
        assertThat(simulator().requests("click2call")).noneMatch(r -> "crm-file-latin1".equals(r.params().get("transactionid")));
        assertThat(inbox).isDirectoryNotContaining("glob:**/*.json");
        // each refused file is answered by a failed event as well: the CRM learns the outcome of its request
        JsonNode latin1 = failure(crm, "demo:ccs.click2call.failed:crm-file-latin1");
        assertThat(latin1.at("/data/error").asText()).isEqualTo("the request is not UTF-8 text: byte 124 (0xFC) is no UTF-8; write it in UTF-8");
        assertThat(latin1.at("/data/reference").asText()).isEqualTo("M\uFFFDller");
        JsonNode garbage = deliveredOf("ccs.click2call.failed", e -> "<xml/>".equals(e.at("/data/body").asText(null)));
        assertThat(garbage.at("/data/error").asText()).isEqualTo("the body is not a JSON object");
        assertThat(garbage.get("id").asText()).matches("demo:ccs\\.click2call\\.failed:[0-9a-f-]{36}:refused-[0-9a-f]+");
        JsonNode huge = deliveredOf("ccs.click2call.failed", e -> e.at("/data/error").asText().startsWith("the request is larger than 4096"));
        assertThat(huge.at("/data/body").isMissingNode()).as("not read").isTrue();

        String again = "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234569\", \"transactionId\": \"crm-file-3\"}";
        drop(inbox, "call-1.json", again);
        drop(inbox, "garbage.json", "<html/>");
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("done/call-1-2.json")) && Files.exists(inbox.resolve("failed/garbage-2.json")));
        assertThat(Files.readString(inbox.resolve("done/call-1-2.json"))).isEqualTo(again);
        assertThat(Files.readString(inbox.resolve("done/call-1.json"))).as("the first file of that name is kept").contains("crm-file-1");
        assertThat(Files.readString(inbox.resolve("failed/garbage.json"))).isEqualTo("<xml/>");
        assertThat(Files.readString(inbox.resolve("failed/garbage-2.json"))).isEqualTo("<html/>");
        assertThat(Files.readString(inbox.resolve("failed/garbage-2.json.reason.txt"))).isEqualTo("the body is not a JSON object");
    }

    /** An operator moves a refused file back into the inbox as it is (mv keeps its name, size, times and inode): it is read again. */
    @Test
    @Order(8)
    void aFileMovedBackFromFailedIsReadAgain() throws Exception {
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        drop(inbox, "moved-back.json", "{\"agentEmail\": \"" + AGENT + "\", \"transactionId\": \"crm-file-moved-back\"}");
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("failed/moved-back.json.reason.txt")));

        Files.move(inbox.resolve("failed/moved-back.json"), inbox.resolve("moved-back.json"));

        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("failed/moved-back-2.json.reason.txt")));
        assertThat(Files.readString(inbox.resolve("failed/moved-back-2.json.reason.txt"))).isEqualTo("phoneNumber is missing: the number to call");
        assertThat(LogCapture.text()).doesNotContain("click2call file moved-back.json was handled");
    }

    /** A folder with the sticky bit holding another user's files, a locked file: here a file made immutable. */
    @Test
    @Order(8)
    void aFileHandledThatCannotBeMovedAwayIsNotReadAgain() throws Exception {
        Path inbox = Files.createDirectories(dataDir.resolve("inbox").resolve("click2call"));
        // made immutable in the inbox (it cannot be renamed into it then) while the inbox is not read
        context.getRouteController().stopRoute("crm-click2call-file");
        Path stuck = Files.writeString(inbox.resolve("stuck.json"),
                "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234574\", \"transactionId\": \"crm-file-stuck\"}");
        boolean immutable = false;
        try {
            immutable = new ProcessBuilder("chattr", "+i", stuck.toString()).start().waitFor() == 0;
        } catch (IOException noChattr) {
            // e2fsprogs not installed: the test cannot make the file immutable
        } finally {
            if (!immutable) {
                // not dialled by the later tests' inbox
                Files.delete(stuck);
            }
            // the later tests read the inbox
            context.getRouteController().startRoute("crm-click2call-file");
        }
        Assumptions.assumeTrue(immutable, "chattr +i needs root on a file system that has the attribute");
        try {
            delivered("demo:ccs.click2call.accepted:crm-file-stuck");
            await().atMost(PATIENCE).until(() -> LogCapture.text().contains("click2call file stuck.json was handled, its outcome published, "
                    + "but could not be moved to done/ or failed/: it is not read again"));
            // polls go on meanwhile (twice a second), leaving it
            Thread.sleep(3_000);

            assertThat(simulator().requests("click2call")).filteredOn(r -> "crm-file-stuck".equals(r.params().get("transactionid"))).hasSize(1);
            assertThat(crm.received()).noneMatch(r -> r.body().contains("\"type\":\"ccs.click2call.failed\"") && r.body().contains("crm-file-stuck"));
            assertThat(inbox.resolve("failed")).isDirectoryNotContaining("glob:**/stuck*");

            // made removable, as the WARN line asks (its inode's change time moves): still not read again
            assertThat(new ProcessBuilder("chattr", "-i", stuck.toString()).start().waitFor()).isZero();
            Thread.sleep(3_000);
            assertThat(crm.received()).noneMatch(r -> r.body().contains("\"type\":\"ccs.click2call.failed\"") && r.body().contains("crm-file-stuck"));
            assertThat(stuck).exists();
        } finally {
            new ProcessBuilder("chattr", "-i", stuck.toString()).start().waitFor();
            Files.move(stuck, inbox.resolve("done").resolve("stuck-kept.json"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A named pipe in the inbox (or a device): its size says 0, and reading it waited for a
     * writer that never came, or read until the heap was full, and either ended the inbox's polls for good.
     */
    @Test
    @Order(8)
    void aFileThatIsNotARegularFileIsSaidOnceAndLeftUnreadWhileTheOthersAreRead() throws Exception {
        Path inbox = Files.createDirectories(dataDir.resolve("inbox").resolve("click2call"));
        Path pipe = inbox.resolve("pipe.json");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
        try {
            drop(inbox, "after-pipe.json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234577\", \"transactionId\": \"crm-file-after-pipe\"}");
            await().atMost(PATIENCE).until(() -> LogCapture.text().contains("click2call file pipe.json in ") && LogCapture.text().contains("is not a regular file"));
            delivered("demo:ccs.click2call.accepted:crm-file-after-pipe");
            // polls go on meanwhile (twice a second), leaving it
            Thread.sleep(3_000);

            assertThat(LogCapture.text().split("is not a regular file", -1)).as("said once").hasSize(2);
            assertThat(pipe).exists();
        } finally {
            // a reader waiting for a writer (without the check) is let go: the pipe opened for writing and closed at once
            new ProcessBuilder("bash", "-c", "exec 3<>\"$1\"; rm -f \"$1\"", "_", pipe.toString()).start().waitFor();
        }
    }

    /**
     * Symbolic links in the inbox, which whoever may write it could point at any file this connector may read: one at a file
     * of secrets (its text went to the CRM in the failed event of a request that is no JSON), one at a request elsewhere.
     * Neither is followed.
     */
    @Test
    @Order(8)
    void aSymbolicLinkIsSaidOnceAndNeverFollowedWhileTheOthersAreRead() throws Exception {
        Path inbox = Files.createDirectories(dataDir.resolve("inbox").resolve("click2call"));
        Path secrets = Files.writeString(dataDir.resolve("secrets.env"), "CONNECTOR_AGENT_PAGE_SECRET=agent-page-secret-behind-a-link\n");
        Path request = Files.writeString(dataDir.resolve("request-elsewhere.json"),
                "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234578\", \"transactionId\": \"crm-file-behind-a-link\"}");
        Files.createSymbolicLink(inbox.resolve("secrets.json"), secrets.toAbsolutePath());
        Files.createSymbolicLink(inbox.resolve("linked.json"), request.toAbsolutePath());
        Files.createSymbolicLink(inbox.resolve("dangling.json"), dataDir.resolve("no-such-request.json").toAbsolutePath());
        try {
            drop(inbox, "after-links.json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234579\", \"transactionId\": \"crm-file-after-links\"}");
            delivered("demo:ccs.click2call.accepted:crm-file-after-links");
            await().atMost(PATIENCE).until(() -> LogCapture.text().contains("click2call file secrets.json in ")
                    && LogCapture.text().contains("click2call file linked.json in ") && LogCapture.text().contains("click2call file dangling.json in "));
            // polls go on meanwhile (twice a second), leaving them
            Thread.sleep(2_000);

            assertThat(LogCapture.text().split("is a symbolic link, which is never followed", -1)).as("said once each").hasSize(4);
            assertThat(crm.received()).noneMatch(r -> r.body().contains("agent-page-secret-behind-a-link") || r.body().contains("crm-file-behind-a-link"));
            assertThat(simulator().requests("click2call")).noneMatch(r -> "crm-file-behind-a-link".equals(r.params().get("transactionid")));
            assertThat(inbox.resolve("secrets.json")).isSymbolicLink();
            assertThat(inbox.resolve("linked.json")).isSymbolicLink();
        } finally {
            for (String link : List.of("secrets.json", "linked.json", "dangling.json")) {
                Files.delete(inbox.resolve(link));
            }
        }
    }

    /**
     * A click2call answered with a failure envelope (its session ended) while the ping that tells why fails a moment: the
     * platform away (503), as before, not a refusal: a click2call refused placed no call, and sent again it is dialled.
     */
    @Test
    @Order(8)
    void aClick2callOfAnEndedSessionWhosePingFailsIsAPlatformAwayAndDialledWhenSentAgain() throws Exception {
        String request = "{\"agentEmail\": \"" + PING_DOWN_AGENT + "\", \"phoneNumber\": \"05551234568\", \"transactionId\": \"ping-down\"}";
        assertThat(click2call(request.replace("ping-down", "ping-down-warm-up")).statusCode()).isEqualTo(200);
        simulator().expireSessions(PING_DOWN_AGENT);
        // more than one: the health check's own ping (every connector.health.cache) may take one
        simulator().inject(Fault.status("ping", 503, 3));

        HttpResponse<String> away = click2call(request);
        assertThat(away.statusCode()).as(away.body()).isEqualTo(503);
        simulator().clearFaults();
        closeTheCircuit("demo");
        HttpResponse<String> again = click2call(request);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(simulator().requests("click2call")).filteredOn(r -> "ping-down".equals(r.params().get("transactionid")))
                .last().satisfies(r -> assertThat(simulator().liveSessions()).contains(r.params().get("session")));
    }

    /** A Windows tool's name in Windows-1254 ("müşteri"): this JVM lists it decoded, as a name no file has. */
    @Test
    @Order(8)
    void aFileWhoseNameThisJvmCannotOpenItByIsSaidOnceAndLeftUnreadWhileTheOthersAreRead() throws Exception {
        Path inbox = Files.createDirectories(dataDir.resolve("inbox").resolve("click2call"));
        String request = "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234575\", \"transactionId\": \"crm-file-cp1254\"}";
        assertThat(new ProcessBuilder("bash", "-c", "printf '%s' \"$1\" > \"$2\"/$'m\\xfc\\xfeteri.json'", "_", request, inbox.toString())
                .start().waitFor()).isZero();
        try {
            drop(inbox, "after-cp1254.json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234576\", \"transactionId\": \"crm-file-after-cp1254\"}");
            delivered("demo:ccs.click2call.accepted:crm-file-after-cp1254");
            await().atMost(PATIENCE).until(() -> LogCapture.text().contains("cannot be opened by the name it is listed with"));
            // polls go on meanwhile (twice a second), leaving it
            Thread.sleep(3_000);

            assertThat(LogCapture.text().split("cannot be opened by the name it is listed with", -1)).as("said once").hasSize(2);
            assertThat(LogCapture.text()).doesNotContain("Rollback file strategy");
            assertThat(simulator().requests("click2call")).noneMatch(r -> "crm-file-cp1254".equals(r.params().get("transactionid")));
        } finally {
            new ProcessBuilder("bash", "-c", "rm -f \"$1\"/$'m\\xfc\\xfeteri.json'", "_", inbox.toString()).start().waitFor();
        }
    }

    @Test
    @Order(8)
    void aFileWithoutATransactionIdReadAgainAfterACrashIsNotDialledAgain() throws Exception {
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        drop(inbox, "no-id.json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234570\"}");
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("done/no-id.json")));
        List<ApiRequest> dialled = simulator().requests("click2call").stream().filter(r -> "+905421234570".equals(r.params().get("phonenumber"))).toList();
        assertThat(dialled).hasSize(1);
        String transactionId = dialled.get(0).params().get("transactionid");
        assertThat(delivered("demo:ccs.click2call.accepted:" + transactionId)).isNotNull();

        // the connector died after the call and before the file moved: the same file (name, size, time) is read again
        readAgain(inbox, "done/no-id.json", "no-id.json");

        assertThat(failure(crm, "demo:ccs.click2call.failed:" + transactionId).at("/data/error").asText())
                .startsWith("transactionId " + transactionId + " was dispatched at ");
        assertThat(simulator().requests("click2call")).filteredOn(r -> "+905421234570".equals(r.params().get("phonenumber"))).hasSize(1);
    }

    /**
     * A CRM that names its files alike (next.json) and copies them keeping whole-second times (SFTP, cp -p, rsync -t): two
     * requests of one name, size and time are two deliveries; the second was refused as the first's transaction (409).
     */
    @Test
    @Order(8)
    void twoFilesOfOneNameSizeAndTimeWithoutATransactionIdAreEachDialled() throws Exception {
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        FileTime second = FileTime.from(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        drop(inbox, "next.json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234580\"}", second);
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("done/next.json")));
        drop(inbox, "next.json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234581\"}", second);

        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("done/next-2.json")) || Files.exists(inbox.resolve("failed/next.json")));
        assertThat(inbox.resolve("failed/next.json.reason.txt")).doesNotExist();
        assertThat(inbox.resolve("done/next-2.json")).content().contains("05421234581");
        List<ApiRequest> dialled = simulator().requests("click2call").stream()
                .filter(r -> List.of("+905421234580", "+905421234581").contains(r.params().get("phonenumber"))).toList();
        assertThat(dialled).extracting(r -> r.params().get("phonenumber")).containsExactlyInAnyOrder("+905421234580", "+905421234581");
        assertThat(dialled).extracting(r -> r.params().get("transactionid")).doesNotHaveDuplicates();
    }

    @Test
    @Order(8)
    void aRefusedFileReadAgainAfterACrashIsAnsweredByTheSameFailedEvent() throws Exception {
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        drop(inbox, "refused-again.json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234582\", \"phoneNumber\": \"05421234583\"}");
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("failed/refused-again.json")));

        // the connector died after the event and before the file moved: the same file (name, size, time, bytes) is read again
        readAgain(inbox, "failed/refused-again.json", "refused-again.json");

        await().atMost(PATIENCE).until(() -> failedFilesPublishedAs("refused-again").size() == 2);
        List<String> ids = failedFilesPublishedAs("refused-again");
        assertThat(ids.get(1)).isEqualTo(ids.get(0));
        JsonNode refused = delivered(ids.get(0));
        assertThat(refused.at("/data/error").asText()).isEqualTo("the body gives field phoneNumber twice: give each field once");
        assertThat(refused.at("/data/agentEmail").asText()).isEqualTo(AGENT);
        assertThat(simulator().requests("click2call")).noneMatch(r -> r.params().get("phonenumber").startsWith("+90542123458"));
    }

    /**
     * A file whose reason cannot be written beside it: its name of 250 bytes (245 letters and .json) fits the file
     * system's 255, {@code <name>.reason.txt} does not. Its failed event was published, then the write failed the exchange:
     * the file stayed in the inbox, read again at every poll and answered by another failed event each time.
     */
    @Test
    @Order(8)
    void aFileWhoseReasonCannotBeWrittenStillMovesToFailedAnsweredOnce() throws Exception {
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        String name = "n".repeat(245) + ".json";
        int logStart = LogCapture.text().length();
        drop(inbox, name, "{\"agentEmail\": \"" + AGENT + "\", \"transactionId\": \"crm-file-long-name\"}");

        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("failed").resolve(name)));
        // polls go on meanwhile (twice a second)
        Thread.sleep(3_000);

        assertThat(failureIds(crm, "demo:ccs.click2call.failed:crm-file-long-name")).hasSize(1);
        assertThat(failure(crm, "demo:ccs.click2call.failed:crm-file-long-name").at("/data/error").asText())
                .isEqualTo("phoneNumber is missing: the number to call");
        assertThat(inbox.resolve(name)).doesNotExist();
        // Camel's ERROR line of a failed exchange and its rollback's WARN line name the file too
        List<String> logged = LogCapture.text().substring(logStart).lines().filter(line -> line.contains(name)).toList();
        assertThat(logged).noneMatch(line -> line.contains(" ERROR ") || line.contains("Rollback file strategy"));
        assertThat(logged).filteredOn(line -> line.contains(" WARN ")).hasSize(2)
                .anyMatch(line -> line.contains("moved to failed/, published as demo:ccs.click2call.failed:crm-file-long-name:"))
                .anyMatch(line -> line.contains("its reason cannot be written to failed/ (") && line.contains("File name too long"));
    }

    @Test
    @Order(8)
    void aFileWhoseOutcomeTheOutboxRefusesForAMomentIsHeldAndAnsweredByItsOutcome() throws Exception {
        // the outbox refuses the outcome once (its broker away for a moment), after the call was placed
        AtomicInteger refusals = new AtomicInteger();
        AdviceWith.adviceWith(context, "click2call-outcome-retried", route -> route.weaveByToUri("direct:crm-publish").before().process(exchange -> {
            // a refused request's event has no variable request
            Map<?, ?> request = exchange.getVariable("request", Map.class);
            if (request != null && request.containsValue("crm-file-outbox-away") && refusals.getAndIncrement() == 0) {
                throw new IllegalStateException("the outbox is away for a moment");
            }
        }));
        context.getRouteController().startRoute("click2call-outcome-retried");
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        drop(inbox, "outbox-away.json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234571\", \"transactionId\": \"crm-file-outbox-away\"}");

        // storing the outcome is tried again while the file is held: the CRM learns that the call was placed, not a 409
        // failed event of the file read again
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("done/outbox-away.json")));
        assertThat(refusals.get()).isEqualTo(2);
        delivered("demo:ccs.click2call.accepted:crm-file-outbox-away");
        assertThat(crm.received()).filteredOn(Received::answeredOk).extracting(r -> r.header("Idempotency-Key"))
                .noneMatch(id -> id.startsWith("demo:ccs.click2call.failed:crm-file-outbox-away"));
        assertThat(inbox.resolve("failed/outbox-away.json")).doesNotExist();
        assertThat(simulator().requests("click2call")).filteredOn(r -> "crm-file-outbox-away".equals(r.params().get("transactionid"))).hasSize(1);
    }

    @Test
    @Order(8)
    void aFileTheInboxCouldNotMoveAwayStaysUnreadRatherThanAnsweredAgainAtEveryPoll() throws Exception {
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        // neither done/ nor failed/ can take a file (a file has its name), as when the inbox is on a volume the connector cannot write
        for (String folder : List.of("done", "failed")) {
            Files.createDirectories(inbox.resolve(folder));
            Files.move(inbox.resolve(folder), inbox.resolve(folder + "-aside"));
            Files.writeString(inbox.resolve(folder), "not a folder");
        }
        try {
            drop(inbox, "unmovable.json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05421234572\", \"transactionId\": \"crm-file-unmovable\"}");

            await().atMost(PATIENCE).until(() -> LogCapture.text().contains("its files stay unread until they can be moved to done/ or failed/"));
            assertThat(inbox.resolve("unmovable.json")).exists();
            assertThat(simulator().requests("click2call")).noneMatch(r -> "crm-file-unmovable".equals(r.params().get("transactionid")));
        } finally {
            for (String folder : List.of("done", "failed")) {
                Files.delete(inbox.resolve(folder));
                Files.move(inbox.resolve(folder + "-aside"), inbox.resolve(folder));
            }
        }

        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("done/unmovable.json")));
        assertThat(delivered("demo:ccs.click2call.accepted:crm-file-unmovable")).isNotNull();
        assertThat(failureIds(crm, "demo:ccs.click2call.failed:crm-file-unmovable")).isEmpty();
        assertThat(simulator().requests("click2call")).filteredOn(r -> "crm-file-unmovable".equals(r.params().get("transactionid"))).hasSize(1);
    }

    @Test
    @Order(9)
    void aSessionThatExpiresInTheMiddleOfABurstIsRenewedOnceAndEveryCallIsDispatched() throws Exception {
        assertThat(click2call(burstRequest("burst-warm-up")).statusCode()).isEqualTo(200);
        simulator().expireSessions(BURST_AGENT);
        List<CompletableFuture<HttpResponse<String>>> burst = IntStream.range(0, 12)
                .mapToObj(i -> http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/api/v1/click2call"))
                        .header("X-Api-Key", KEY).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(burstRequest("burst-" + i))).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();

        for (CompletableFuture<HttpResponse<String>> answer : burst) {
            assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
        }
        assertThat(simulator().requests("login").stream().filter(r -> BURST_AGENT.equals(r.params().get("email")))).hasSize(2);
        for (int i = 0; i < 12; i++) {
            String transactionId = "burst-" + i;
            assertThat(simulator().requests("click2call")).filteredOn(r -> transactionId.equals(r.params().get("transactionid")))
                    .isNotEmpty().hasSizeLessThanOrEqualTo(2)
                    .last().satisfies(r -> assertThat(simulator().liveSessions()).contains(r.params().get("session")));
        }
    }

    @Test
    @Order(9)
    void aSessionThePlatformRefusesWithHttp401IsRenewedOnceAndTheCallDispatched() throws Exception {
        assertThat(click2call(refusedSessionRequest("refused-warm-up")).statusCode()).isEqualTo(200);
        String oldSession = simulator().requests("click2call").stream()
                .filter(r -> "refused-warm-up".equals(r.params().get("transactionid"))).findFirst().orElseThrow().params().get("session");
        // the platform ends the session before the connector's TTL, and a gateway in front of it answers 401 for it
        simulator().refuseSessionsWithStatus(401);
        simulator().expireSessions(REFUSED_SESSION_AGENT);

        HttpResponse<String> answer = click2call(refusedSessionRequest("refused-after-401"));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(simulator().requests("login").stream().filter(r -> REFUSED_SESSION_AGENT.equals(r.params().get("email")))).hasSize(2);
        assertThat(simulator().requests("click2call")).filteredOn(r -> "refused-after-401".equals(r.params().get("transactionid")))
                .extracting(r -> r.params().get("session"))
                .satisfies(sessions -> assertThat(sessions.get(0)).isEqualTo(oldSession))
                .hasSize(2).last().satisfies(session -> assertThat(simulator().liveSessions()).contains(session));
        // the renewed session serves the agent's next calls, with no other login
        assertThat(click2call(refusedSessionRequest("refused-next")).statusCode()).isEqualTo(200);
        assertThat(simulator().requests("login").stream().filter(r -> REFUSED_SESSION_AGENT.equals(r.params().get("email")))).hasSize(2);
    }

    private static String refusedSessionRequest(String transactionId) {
        return "{\"agentEmail\": \"" + REFUSED_SESSION_AGENT + "\", \"phoneNumber\": \"05551234567\", \"transactionId\": \"" + transactionId + "\"}";
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void theLogsHoldOneBusinessLinePerDispatchAndNoSecret() throws Exception {
        String logs = LogCapture.text() + get("/observe/metrics").body();

        assertThat(logs).contains("click2call of agent ayse.yilmaz@demo.example to +905******567 dispatched (tenant demo, transaction crm-rest-1)");
        assertThat(logs).doesNotContain(webhookToken(), simulator().appToken(), "not-the-application-token", KEY);
        for (String session : simulator().liveSessions()) {
            assertThat(logs).doesNotContain(session);
        }
    }

    private HttpResponse<String> click2call(String body) throws Exception {
        return post("/api/v1/click2call", "application/json", body, "X-Api-Key", KEY);
    }

    private static String burstRequest(String transactionId) {
        return "{\"agentEmail\": \"" + BURST_AGENT + "\", \"phoneNumber\": \"05551234567\", \"transactionId\": \"" + transactionId + "\"}";
    }

    /** The click2call the simulator received with this transaction id. */
    private ApiRequest dispatched(String transactionId) {
        await().atMost(PATIENCE).until(() -> simulator().requests("click2call").stream()
                .anyMatch(r -> transactionId.equals(r.params().get("transactionid"))));
        return simulator().requests("click2call").stream().filter(r -> transactionId.equals(r.params().get("transactionid")))
                .findFirst().orElseThrow();
    }

    /** The hangup event the CRM received for the click2call with this (CRM) transaction id. */
    private JsonNode hangupOf(String transactionId) {
        return deliveredOf("ccs.call.hangup", e -> transactionId.equals(e.at("/data/transactionId").asText()));
    }

    /** The first event of this type the CRM took that matches, once it took one. */
    private JsonNode deliveredOf(String type, Predicate<JsonNode> matching) {
        await().atMost(PATIENCE).until(() -> deliveredOf(type).stream().anyMatch(matching));
        return deliveredOf(type).stream().filter(matching).findFirst().orElseThrow();
    }

    private List<JsonNode> deliveredOf(String type) {
        return crm.received().stream().filter(Received::answeredOk).map(r -> {
            try {
                return json.readTree(r.body());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(e -> type.equals(e.path("type").asText())).toList();
    }

    /** The ids of the events the files moved to failed/ whose names start so were answered by, in the order logged. */
    private static List<String> failedFilesPublishedAs(String name) {
        List<String> ids = new ArrayList<>();
        Matcher line = Pattern.compile("click2call file " + Pattern.quote(name) + "\\S* moved to failed/, published as (\\S+?): ").matcher(LogCapture.text());
        while (line.find()) {
            ids.add(line.group(1));
        }
        return ids;
    }

    /** The transaction id derived from a JMS message's id, as a request without one gets it. */
    private static String derived(String messageId) {
        return UUID.nameUUIDFromBytes(messageId.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private JsonNode delivered(String eventId) {
        return delivered(crm, eventId);
    }

    private void assertError(HttpResponse<String> answer, int status, String error, String field) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode body = json.readTree(answer.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asText()).startsWith(error);
        assertThat(body.path("field").asText(null)).isEqualTo(field);
    }

    /** A file handled already, kept in the inbox as {@code keptAs}, as the inbox finds it again after a crash before its move. */
    private static void readAgain(Path inbox, String keptAs, String name) throws Exception {
        Path part = inbox.resolve(name + ".part");
        Files.copy(inbox.resolve(keptAs), part, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@link #drop(Path, String, String)} of a file with the given modification time, as a copy that keeps it leaves it. */
    private static void drop(Path inbox, String name, String content, FileTime modified) throws Exception {
        Path part = Files.writeString(Files.createDirectories(inbox).resolve(name + ".part"), content);
        Files.setLastModifiedTime(part, modified);
        Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The next {@code count} messages of the click2call dead-letter queue. */
    private List<DeadLetter> deadLetters(int count) throws Exception {
        List<DeadLetter> letters = new ArrayList<>();
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageConsumer deadLetters = session.createConsumer(session.createQueue("ccs.click2call.dead-letters"));
            for (int i = 0; i < count; i++) {
                Message dead = deadLetters.receive(30_000);
                assertThat(dead).as("dead letter %d of %d", i + 1, count).isNotNull();
                letters.add(new DeadLetter(dead.getStringProperty("reason"),
                        dead instanceof TextMessage text ? text.getText() : new String(dead.getBody(byte[].class), StandardCharsets.UTF_8)));
            }
        }
        return letters;
    }

    /** A message of the click2call dead-letter queue: its property reason, its text (a BytesMessage's bytes as UTF-8). */
    private record DeadLetter(String reason, String text) {
    }

    /** Sends a text message to the click2call queue; its JMS message id. */
    private String sendText(String text, Map<String, String> properties) throws Exception {
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            TextMessage message = session.createTextMessage(text);
            for (Map.Entry<String, String> property : properties.entrySet()) {
                message.setStringProperty(property.getKey(), property.getValue());
            }
            session.createProducer(session.createQueue("ccs.click2call")).send(message);
            return message.getJMSMessageID();
        }
    }

}
