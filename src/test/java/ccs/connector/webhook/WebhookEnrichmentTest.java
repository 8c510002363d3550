package ccs.connector.webhook;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
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
 * A hangup callback is acknowledged before its CDR record is looked up (route webhook-hangup-cdr): over
 * HTTP into the connector, Call Center Studio as the simulator with its faults, a real local HTTP server
 * as the CRM. The record is attached when it comes within the budget (after a failure, a timeout or a
 * record written late too); after the budget, or while the circuit breaker is open, the event goes on
 * without it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookEnrichmentTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
    }

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final int RETRIES = 4;
    private static final ZoneId ISTANBUL = ZoneId.of("Europe/Istanbul");
    private static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.webhook.enrich-timeout", "1s");
        settings.setProperty("connector.webhook.enrich-retries", String.valueOf(RETRIES));
        settings.setProperty("connector.webhook.enrich-retry-delay", "500ms");
    }

    @BeforeEach
    void resetPeers() {
        crm.reset();
        simulator().clearFaults();
        simulator().clearRequests();
    }

    @Test
    @Order(1)
    void aHangupIsAcknowledgedWhileCallCenterStudioIsSlowAndReachesTheCrmWithItsCdrWhenALaterAttemptAnswers() throws Exception {
        String call = recordedCall();
        simulator().inject(Fault.delay("reportsCDRLogs", 3000, 1));

        assertThat(hangup(call).statusCode()).isEqualTo(200);

        assertThat(cdrOf(delivered(crm, "demo:ccs.call.hangup:" + call)).get("callKey").asText()).isEqualTo(call);
        assertThat(lookupsOf(call)).as("a timed-out lookup and the one that answered").isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(2)
    void aLookupThatFailsIsTriedAgainAndTheCdrAttached() throws Exception {
        String call = recordedCall();
        simulator().inject(Fault.status("reportsCDRLogs", 500, 1));

        assertThat(hangup(call).statusCode()).isEqualTo(200);

        assertThat(cdrOf(delivered(crm, "demo:ccs.call.hangup:" + call)).get("callKey").asText()).isEqualTo(call);
        assertThat(lookupsOf(call)).isEqualTo(2);
    }

    @Test
    @Order(3)
    void aRecordThePlatformWritesAMomentAfterTheHangupIsStillAttached() throws Exception {
        String call = "written-late-" + System.nanoTime();
        assertThat(hangup(call).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> lookupsOf(call) >= 1);

        writeCdrLate(call);

        JsonNode cdr = cdrOf(delivered(crm, "demo:ccs.call.hangup:" + call));
        assertThat(cdr.get("callKey").asText()).isEqualTo(call);
        assertThat(cdr.get("callerNumber").asText()).isEqualTo("05321234567");
    }

    @Test
    @Order(4)
    void afterTheBudgetTheHangupReachesTheCrmWithoutItsCdr() throws Exception {
        String call = recordedCall();
        simulator().inject(Fault.status("reportsCDRLogs", 500, RETRIES + 1));

        assertThat(hangup(call).statusCode()).isEqualTo(200);

        assertThat(delivered(crm, "demo:ccs.call.hangup:" + call).get("data").has("cdr")).isFalse();
        assertThat(lookupsOf(call)).as("one attempt and the retries").isEqualTo(RETRIES + 1);
        assertThat(LogCapture.text()).contains("CDR of call " + call
                + " not attached to its hangup event: Call Center Studio tenant demo answered HTTP 500");
    }

    @Test
    @Order(5)
    void aHangupTheCrmRefusedBeforeItsRecordWasWrittenGetsItsCdrWhenReplayed() throws Exception {
        String call = "replayed-" + System.nanoTime();
        String id = "demo:ccs.call.hangup:" + call;
        crm.answerWhen(received -> received.body().contains(id), RecordingHttpServer.Answer.status(400));
        assertThat(hangup(call).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters().containsKey(id));
        List<Received> refused = requestsFor(crm, id);
        assertThat(refused).hasSize(1);
        assertThat(json.readTree(refused.get(0).body()).get("data").has("cdr")).as("refused before Call Center Studio had the record").isFalse();

        writeCdrLate(call);
        crm.clearRules();
        assertThat(post("/api/v1/dead-letters/replay", null, null).statusCode()).isEqualTo(202);

        assertThat(cdrOf(delivered(crm, id)).get("callerNumber").asText()).isEqualTo("05321234567");
        await().atMost(Duration.ofSeconds(30)).until(() -> !deadLetters().containsKey(id));
    }

    @Test
    @Order(6)
    void whileCallCenterStudioIsDownHangupsAreAcknowledgedAndDeliveredWithoutCdrAndItIsSoonNoLongerAsked() throws Exception {
        simulator().inject(Fault.status("*", 503, 10_000));
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String call = recordedCall();
            calls.add(call);
            assertThat(hangup(call).statusCode()).isEqualTo(200);
        }

        for (String call : calls) {
            assertThat(delivered(crm, "demo:ccs.call.hangup:" + call).get("data").has("cdr")).isFalse();
        }
        assertThat(simulator().requests("reportsCDRLogs")).as("lookups once the circuit breaker opened")
                .hasSizeLessThan(calls.size() * (RETRIES + 1));
        assertThat(LogCapture.text()).contains("not attached to its hangup event: Call Center Studio of tenant demo failed most recent lookups, "
                + "not asked for a while (circuit breaker open)");
    }

    @Test
    @Order(7)
    void theOutcomesOfTheLookupsAreCounted() throws Exception {
        String metrics = get("/observe/metrics").body();

        assertThat(metrics).contains("# HELP ccs_webhooks_cdr_total CDR lookups of hangup events by outcome")
                .containsPattern("ccs_webhooks_cdr_total\\{.*outcome=\"attached\".*} [1-9]")
                .containsPattern("ccs_webhooks_cdr_total\\{.*outcome=\"retried\".*} [1-9]")
                .containsPattern("ccs_webhooks_cdr_total\\{.*outcome=\"not-attached\".*} [1-9]");
    }

    private java.net.http.HttpResponse<String> hangup(String call) throws Exception {
        return post("/webhooks/ccs/hangup?token=" + webhookToken(), FORM, encode(IvrGuideExamples.hangupNow(call)));
    }

    /** A call the simulator has a CDR record of; answers its key. */
    private String recordedCall() {
        LocalDateTime now = LocalDateTime.now(ISTANBUL);
        return simulator().generateCdrs(1, now.minusMinutes(10), now.minusMinutes(5)).get(0);
    }

    /** Call Center Studio writes the call's CDR record after its hangup: the record the lookups find from now on. */
    private void writeCdrLate(String call) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("callid", call);
        record.put("calldate", WIRE.format(LocalDateTime.now(ISTANBUL).minusMinutes(1)));
        record.put("callerid", "05321234567");
        simulator().addCdr(record);
    }

    private long lookupsOf(String call) {
        return simulator().requests("reportsCDRLogs").stream().filter(r -> call.equals(r.params().get("activecallkey"))).count();
    }

    private static JsonNode cdrOf(JsonNode event) {
        assertThat(event.at("/data/cdr").isObject()).as("data.cdr of " + event.get("id")).isTrue();
        return event.at("/data/cdr");
    }
}
