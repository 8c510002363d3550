package ccs.connector.click2call;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import ccs.connector.simulator.CcsSimulator.ActiveCall;
import ccs.connector.simulator.CcsSimulator.ApiRequest;
import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Call control (hang up, hold, resume an agent's active call) over REST, JMS and the file inbox against
 * the simulator: what it records and does to the call, the answers and the outcome events the CRM receives.
 */
class CallControlTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String KEY = "crm-api-key-call-control";
    private static final String REST_AGENT = "rest.agent@demo.example";
    private static final String JMS_AGENT = "jms.agent@demo.example";
    private static final String FILE_AGENT = "file.agent@demo.example";
    private static final String ONCE_AGENT = "once.agent@demo.example";
    private static final String CRASH_AGENT = "crash.agent@demo.example";
    private static final String IN_FLIGHT_AGENT = "inflight.agent@demo.example";
    private static final String PING_AGENT = "ping.agent@demo.example";

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.api-key", KEY);
        settings.setProperty("ccs.click2call.upstream-retries", "1");
        settings.setProperty("ccs.click2call.upstream-retry-delay", "100ms");
        // the tests send call controls back to back, one test's right after the last's: the ceiling is Click2callCeilingTest's
        settings.setProperty("ccs.click2call.max-per-second", "100");
        settings.setProperty("ccs.simulator.agents", String.join(",", REST_AGENT, JMS_AGENT, FILE_AGENT, ONCE_AGENT, CRASH_AGENT, IN_FLIGHT_AGENT,
                PING_AGENT));
    }

    @BeforeEach
    void reset() {
        simulator().clearFaults();
        closeTheCircuit("demo");
    }

    @Test
    void overRestTheAgentsCallIsHeldResumedAndHungUpWithTheAgentsRenewedSession() throws Exception {
        ActiveCall call = simulator().ring(REST_AGENT, "05321234567");

        HttpResponse<String> held = control("hold", "{\"agentEmail\": \"Rest.Agent@demo.example\", \"transactionId\": \"crm-hold-1\"}");
        assertThat(held.statusCode()).as(held.body()).isEqualTo(200);
        assertThat(json.readTree(held.body())).isEqualTo(json.readTree("{\"success\": true, \"action\": \"hold\", \"transactionId\": \"crm-hold-1\"}"));
        assertThat(status(call)).isEqualTo("hold");
        ApiRequest hold = simulator().requests("click2hold").get(0);
        assertThat(simulator().liveSessions()).contains(hold.params().get("session"));

        simulator().expireSessions(REST_AGENT);
        assertThat(control("unhold", "{\"agentEmail\": \"" + REST_AGENT + "\"}").statusCode()).isEqualTo(200);
        assertThat(status(call)).isEqualTo("up");
        assertThat(simulator().liveSessions()).contains(simulator().requests("click2unhold").get(simulator().requests("click2unhold").size() - 1)
                .params().get("session"));

        assertThat(control("hangup", "{\"agentEmail\": \"" + REST_AGENT + "\", \"tenant\": \"demo\"}").statusCode()).isEqualTo(200);
        assertThat(simulator().activeCalls()).noneMatch(c -> c.key().equals(call.key()));
        assertProblem(control("hangup", "{\"agentEmail\": \"" + REST_AGENT + "\"}"), 502, "Call Center Studio tenant demo refused the click2hang: No active call", null);
    }

    @Test
    void overRestBadRequestsAndUpstreamFailuresAreProblemsAndBadOnesReachNothing() throws Exception {
        int before = simulator().requests("click2hold").size();
        assertProblem(control("hold", "{}"), 400, "agentEmail is missing", "agentEmail");
        assertProblem(control("hold", "{\"agentEmail\": \"" + REST_AGENT + "\", \"tenant\": \"acme\"}"), 400, "tenant is 'acme'", "tenant");
        assertProblem(control("hold", "[1]"), 400, "the body is not a JSON object", null);
        assertProblem(control("hold", "{\"agentEmail\": \"" + REST_AGENT + "\"} garbage"), 400, "the body is not one JSON object", null);
        assertProblem(control("hold", "{\"agentEmail\": \"" + REST_AGENT + "\", \"agentEmail\": \"" + JMS_AGENT + "\"}"), 400,
                "the body gives field agentEmail twice", "agentEmail");
        assertProblem(control("hold", "{\"action\": \"unhold\", \"agentEmail\": \"" + REST_AGENT + "\"}"), 400,
                "action is 'unhold', but the path is /api/v1/calls/hold", "action");
        assertThat(control("transfer", "{\"agentEmail\": \"" + REST_AGENT + "\"}").statusCode()).isEqualTo(405);
        assertThat(simulator().requests("click2hold")).hasSize(before);
        assertThat(post("/api/v1/calls/hold", "application/json", "{\"agentEmail\": \"" + REST_AGENT + "\"}").statusCode()).isEqualTo(401);

        assertProblem(control("hold", "{\"agentEmail\": \"nobody@demo.example\"}"), 422, "agent nobody@demo.example is not known", "agentEmail");
        simulator().inject(Fault.status("click2hold", 503, 1));
        assertProblem(control("hold", "{\"agentEmail\": \"" + REST_AGENT + "\"}"), 503, "Call Center Studio tenant demo answered HTTP 503", null);
        closeTheCircuit("demo");
        simulator().inject(Fault.status("click2hold", 500, 1));
        assertProblem(control("hold", "{\"agentEmail\": \"" + REST_AGENT + "\"}"), 502,
                "Call Center Studio tenant demo answered HTTP 500 to click2hold (the request may have been carried out)", null);
    }

    @Test
    void aPingWithoutSuccessTellsNothingOfTheSessionSoTheRefusalStandsWithoutALogin() throws Exception {
        String hold = "{\"agentEmail\": \"" + PING_AGENT + "\"}";
        String refused = "Call Center Studio tenant demo refused the click2hold: No active call";
        assertProblem(control("hold", hold), 502, refused, null);
        int logins = simulator().requests("login").size();
        int holds = simulator().requests("click2hold").size();

        // a gateway's stand-in for the ping: not a session the platform ended, so no login and no hold sent again
        simulator().inject(Fault.noEnvelope("ping", 1).onlyWith("session"));
        assertProblem(control("hold", hold), 502, refused, null);
        assertThat(simulator().requests("click2hold")).hasSize(holds + 1);
        assertThat(simulator().requests("login")).hasSize(logins);
    }

    /** A 401 or 403 to a call control whose ping then fails: a refusal, as after a failure envelope; it was a 503, which asks for the repeat. */
    @Test
    void aCallControlRefusedWithAnHttpStatusWhosePingFailsIsARefusalNotAPlatformAway() throws Exception {
        String hold = "{\"agentEmail\": \"" + PING_AGENT + "\"}";
        control("hold", hold);
        closeTheCircuit("demo");
        int holds = simulator().requests("click2hold").size();
        simulator().inject(Fault.status("click2hold", 403, 1));
        simulator().inject(Fault.status("ping", 503, 1).onlyWith("session"));

        assertProblem(control("hold", hold), 502, "Call Center Studio tenant demo answered HTTP 401 or 403 to click2hold of agent "
                + PING_AGENT + ", whose session ping finds valid or cannot tell", null);
        assertThat(simulator().requests("click2hold")).hasSize(holds + 1);
    }

    @Test
    void overRestATransactionIdIsCarriedOutOnceUnlessThePlatformSurelyDidNothing() throws Exception {
        String hold = "{\"agentEmail\": \"" + ONCE_AGENT + "\", \"transactionId\": \"crm-once\"}";
        // refused (no active call): nothing was done, so the CRM may send the id again
        assertProblem(control("hold", hold), 502, "Call Center Studio tenant demo refused the click2hold: No active call", null);
        // so also when the ping that tells a refusal from an ended session fails: not a 503, which asks for the repeat
        simulator().inject(Fault.status("ping", 503, 1));
        assertProblem(control("hold", hold), 502, "Call Center Studio tenant demo refused the click2hold: No active call", null);
        ActiveCall call = simulator().ring(ONCE_AGENT, "05361234567");
        assertThat(control("hold", hold).statusCode()).isEqualTo(200);
        assertThat(status(call)).isEqualTo("hold");

        int holds = simulator().requests("click2hold").size();
        int unholds = simulator().requests("click2unhold").size();
        assertProblem(control("hold", hold), 409, "transactionId crm-once was dispatched at ", "transactionId");
        assertProblem(control("unhold", hold), 409, "transactionId crm-once was dispatched at ", "transactionId");
        assertThat(simulator().requests("click2hold")).hasSize(holds);
        assertThat(simulator().requests("click2unhold")).hasSize(unholds);
        assertThat(status(call)).isEqualTo("hold");

        // an answer that cannot be read: the platform may have done it, so the id stays taken
        String unhold = "{\"agentEmail\": \"" + ONCE_AGENT + "\", \"transactionId\": \"crm-once-garbled\"}";
        simulator().inject(Fault.html("click2unhold", 1));
        assertThat(control("unhold", unhold).statusCode()).isEqualTo(502);
        assertProblem(control("unhold", unhold), 409, "transactionId crm-once-garbled was dispatched at ", "transactionId");
        assertThat(simulator().requests("click2unhold")).hasSize(unholds + 1);
    }

    @Test
    void overRestARepeatWhileTheFirstIsInFlightIsAskedToComeAgainAndAfterItWasDispatched() throws Exception {
        ActiveCall call = simulator().ring(IN_FLIGHT_AGENT, "05361234568");
        String hold = "{\"agentEmail\": \"" + IN_FLIGHT_AGENT + "\", \"transactionId\": \"crm-hold-in-flight\"}";
        int holds = simulator().requests("click2hold").size();
        simulator().inject(Fault.hold("click2hold", 7000, 1));
        java.util.concurrent.CompletableFuture<HttpResponse<String>> first = http.sendAsync(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(baseUrl() + "/api/v1/calls/hold")).header("X-Api-Key", KEY).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(hold)).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(PATIENCE).until(() -> simulator().requests("click2hold").size() > holds);

        HttpResponse<String> whileInFlight = control("hold", hold);

        assertThat(first).as("the first request is still in flight").isNotDone();
        assertProblem(whileInFlight, 409, "transactionId crm-hold-in-flight is still being dispatched (since ", "transactionId");
        assertThat(whileInFlight.headers().firstValue("Retry-After")).hasValue("5");
        simulator().releaseHeld();
        assertThat(first.get().statusCode()).as(first.get().body()).isEqualTo(200);
        assertThat(status(call)).isEqualTo("hold");
        HttpResponse<String> afterIt = control("hold", hold);
        assertProblem(afterIt, 409, "transactionId crm-hold-in-flight was dispatched at ", "transactionId");
        assertThat(afterIt.headers().firstValue("Retry-After")).isEmpty();
        assertThat(simulator().requests("click2hold")).hasSize(holds + 1);
    }

    @Test
    void overJmsTheOutcomeIsACallControlEventAndAnUnknownActionAFailedRequest() throws Exception {
        ActiveCall call = simulator().ring(JMS_AGENT, "05331234567");
        simulator().inject(Fault.status("click2hold", 503, 1));
        send("{\"action\": \"hold\", \"agentEmail\": \"" + JMS_AGENT + "\", \"transactionId\": \"crm-jms-hold\"}");
        send("{\"action\": \"transfer\", \"agentEmail\": \"" + JMS_AGENT + "\", \"transactionId\": \"crm-jms-transfer\"}");

        JsonNode accepted = delivered(crm, "demo:ccs.call.control.accepted:crm-jms-hold");
        assertThat(accepted.at("/data/action").asText()).isEqualTo("hold");
        assertThat(accepted.at("/data/agentEmail").asText()).isEqualTo(JMS_AGENT);
        assertThat(status(call)).isEqualTo("hold");
        assertThat(failure(crm, "demo:ccs.click2call.failed:crm-jms-transfer").at("/data/error").asText())
                .isEqualTo("action is 'transfer': use click2call (the default), hangup, hold or unhold");

        send("{\"action\": \"hangup\", \"agentEmail\": \"" + JMS_AGENT + "\", \"transactionId\": \"crm-jms-hangup\"}");
        delivered(crm, "demo:ccs.call.control.accepted:crm-jms-hangup");
        int hangups = simulator().requests("click2hang").size();
        send("{\"action\": \"hangup\", \"agentEmail\": \"" + JMS_AGENT + "\", \"transactionId\": \"crm-jms-no-call\"}");
        assertThat(failure(crm, "demo:ccs.call.control.failed:crm-jms-no-call").at("/data/error").asText())
                .isEqualTo("Call Center Studio tenant demo refused the click2hang: No active call");
        // a refusal is not repeated: repeated, it would hang up the agent's next call
        assertThat(simulator().requests("click2hang")).hasSize(hangups + 1);

        // nor when the ping that tells a refusal from an ended session fails a moment: the refusal stands, not a platform away
        simulator().inject(Fault.status("ping", 503, 1));
        send("{\"action\": \"hangup\", \"agentEmail\": \"" + JMS_AGENT + "\", \"transactionId\": \"crm-jms-no-call-ping-down\"}");
        assertThat(failure(crm, "demo:ccs.call.control.failed:crm-jms-no-call-ping-down").at("/data/error").asText())
                .isEqualTo("Call Center Studio tenant demo refused the click2hang: No active call");
        assertThat(simulator().requests("click2hang")).hasSize(hangups + 2);
    }

    @Test
    void fromTheFileInboxTheFileMovesToDoneOrToFailedWithItsReason() throws Exception {
        ActiveCall call = simulator().ring(FILE_AGENT, "05341234567");
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        drop(inbox, "hangup.json", "{\"action\": \"hangup\", \"agentEmail\": \"" + FILE_AGENT + "\", \"transactionId\": \"crm-file-hangup\"}");
        drop(inbox, "no-agent.json", "{\"action\": \"unhold\", \"transactionId\": \"crm-file-no-agent\"}");

        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("done/hangup.json")) && Files.exists(inbox.resolve("failed/no-agent.json")));
        delivered(crm, "demo:ccs.call.control.accepted:crm-file-hangup");
        assertThat(simulator().activeCalls()).noneMatch(c -> c.key().equals(call.key()));
        assertThat(Files.readString(inbox.resolve("failed/no-agent.json.reason.txt")))
                .isEqualTo("agentEmail is missing: the e-mail the agent signs in to Call Center Studio with");
        assertThat(failure(crm, "demo:ccs.call.control.failed:crm-file-no-agent").at("/data/action").asText()).isEqualTo("unhold");
    }

    @Test
    void aHangupFileWithoutATransactionIdReadAgainAfterACrashLeavesTheAgentsNextCallUp() throws Exception {
        ActiveCall call = simulator().ring(CRASH_AGENT, "05371234567");
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        drop(inbox, "hangup-no-id.json", "{\"action\": \"hangup\", \"agentEmail\": \"" + CRASH_AGENT + "\"}");
        await().atMost(PATIENCE).until(() -> Files.exists(inbox.resolve("done/hangup-no-id.json")));
        assertThat(simulator().activeCalls()).noneMatch(c -> c.key().equals(call.key()));
        String transactionId = acceptedTransactionOf(CRASH_AGENT);

        // the agent takes the next call; the connector had died after the hangup and before the file moved:
        // the same file (name, size, time) is read again
        ActiveCall next = simulator().ring(CRASH_AGENT, "05371234568");
        int hangups = simulator().requests("click2hang").size();
        Path part = inbox.resolve("hangup-no-id.json.part");
        Files.copy(inbox.resolve("done/hangup-no-id.json"), part, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(part, inbox.resolve("hangup-no-id.json"), StandardCopyOption.ATOMIC_MOVE);

        assertThat(failure(crm, "demo:ccs.call.control.failed:" + transactionId).at("/data/error").asText())
                .startsWith("transactionId " + transactionId + " was dispatched at ");
        assertThat(simulator().requests("click2hang")).hasSize(hangups);
        assertThat(simulator().activeCalls()).anyMatch(c -> c.key().equals(next.key()));
    }

    @Test
    void aQueuedRequestWithoutATransactionIdThatFailsItsChecksFailsUnderTheIdDerivedFromItsDeliveryAgainAfterACrash() throws Exception {
        Path inbox = dataDir.resolve("inbox").resolve("click2call");
        // a click2call whose number cannot be dialled, an unknown action, a call control without its agent: none names a transactionId
        Map<String, String> failing = Map.of(
                "reread-bad-number.json", "{\"agentEmail\": \"" + FILE_AGENT + "\", \"phoneNumber\": \"abc\"}",
                "reread-transfer.json", "{\"action\": \"transfer\", \"agentEmail\": \"" + FILE_AGENT + "\"}",
                "reread-hold.json", "{\"action\": \"hold\", \"note\": \"reread without its agent\"}");
        Map<String, String> types = Map.of("reread-bad-number.json", "ccs.click2call.failed", "reread-transfer.json", "ccs.click2call.failed",
                "reread-hold.json", "ccs.call.control.failed");
        for (Map.Entry<String, String> file : failing.entrySet()) {
            drop(inbox, file.getKey(), file.getValue());
        }
        await().atMost(PATIENCE).until(() -> failing.keySet().stream().allMatch(name -> Files.exists(inbox.resolve("failed").resolve(name))));
        for (String name : failing.keySet()) {
            await().atMost(PATIENCE).until(() -> failedTransactionIds(types.get(name), failing.get(name)).size() == 1);
        }

        // the connector died after the failed events and before the files moved: the same files (name, size, time) are read again
        for (String name : failing.keySet()) {
            Path part = inbox.resolve(name + ".part");
            Files.copy(inbox.resolve("failed").resolve(name), part, StandardCopyOption.COPY_ATTRIBUTES);
            Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }

        for (String name : failing.keySet()) {
            await().atMost(PATIENCE).until(() -> failedTransactionIds(types.get(name), failing.get(name)).size() == 2);
            List<String> transactionIds = failedTransactionIds(types.get(name), failing.get(name));
            assertThat(transactionIds.get(1)).as(name + " read again").isEqualTo(transactionIds.get(0));
            assertThat(UUID.fromString(transactionIds.get(0)).version()).as(name + ": derived from its delivery, not random").isEqualTo(3);
        }

        // over JMS: derived from the message's id, as a request that passes its checks is
        String request = "{\"action\": \"unhold\", \"note\": \"over JMS without its agent\"}";
        String messageId = send(request);
        await().atMost(PATIENCE).until(() -> failedTransactionIds("ccs.call.control.failed", request).size() == 1);
        assertThat(failedTransactionIds("ccs.call.control.failed", request))
                .containsExactly(UUID.nameUUIDFromBytes(messageId.getBytes(StandardCharsets.UTF_8)).toString());
    }

    /** The transaction ids of the failed events of {@code type} for {@code request} (its fields) the CRM took, one per event, in the order received. */
    private List<String> failedTransactionIds(String type, String request) throws Exception {
        JsonNode fields = json.readTree(request);
        Map<String, String> byEvent = new LinkedHashMap<>();
        for (Received received : crm.received()) {
            JsonNode event = received.answeredOk() ? json.readTree(received.body()) : null;
            if (event != null && type.equals(event.path("type").asText()) && fields.equals(event.at("/data/raw"))) {
                byEvent.putIfAbsent(event.get("id").asText(), event.at("/data/transactionId").asText(null));
            }
        }
        return new ArrayList<>(byEvent.values());
    }

    /** The transaction id of the one call control of {@code agent} that the CRM received as accepted. */
    private String acceptedTransactionOf(String agent) {
        String accepted = "demo:ccs.call.control.accepted:";
        await().atMost(PATIENCE).until(() -> crm.received().stream().anyMatch(r -> r.answeredOk()
                && String.valueOf(r.header("Idempotency-Key")).startsWith(accepted) && r.body().contains(agent)));
        return crm.received().stream().map(r -> r.header("Idempotency-Key"))
                .filter(id -> id != null && id.startsWith(accepted))
                .filter(id -> delivered(crm, id).at("/data/agentEmail").asText().equals(agent))
                .findFirst().orElseThrow().substring(accepted.length());
    }

    private HttpResponse<String> control(String action, String body) throws Exception {
        return post("/api/v1/calls/" + action, "application/json", body, "X-Api-Key", KEY);
    }

    private String status(ActiveCall call) {
        return simulator().activeCalls().stream().filter(c -> c.key().equals(call.key())).findFirst().orElseThrow().status();
    }

    private void assertProblem(HttpResponse<String> answer, int status, String detail, String field) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode body = json.readTree(answer.body());
        assertThat(body.get("detail").asText()).startsWith(detail);
        assertThat(body.path("field").asText(null)).isEqualTo(field);
    }

    /** Sends the request to the queue; answers the message's id. */
    private String send(String text) throws Exception {
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            TextMessage message = session.createTextMessage(text);
            session.createProducer(session.createQueue("ccs.click2call")).send(message);
            return message.getJMSMessageID();
        }
    }
}
