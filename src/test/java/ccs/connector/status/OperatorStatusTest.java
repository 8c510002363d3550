package ccs.connector.status;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** GET /api/v1/status: what it counts while the CRM is down, and after a callback kept for a person. */
class OperatorStatusTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        // each delivery consumer holds its event for the retries, long after the test is over
        settings.setProperty("crm.retry.max-retries", "8");
        settings.setProperty("crm.retry.initial-delay", "2s");
        settings.setProperty("crm.retry.max-delay", "10s");
        // route crm-sink-probe probes the CRM sink every second
        settings.setProperty("connector.health.cache", "1s");
    }

    @Test
    void theOutboxDepthCountsTheMessagesTheDeliveryConsumersHoldToo() throws Exception {
        crm.answerWhen(request -> String.valueOf(request.header("Idempotency-Key")).contains("status-depth-"), Answer.status(503));
        int waiting = 300;
        for (int i = 0; i < waiting; i++) {
            publish(hangupEvent("status-depth-" + i));
        }
        try {
            // the consumers have taken some into their buffers by now: a browser of the queue saw none of those
            await().atMost(PATIENCE).until(() -> !crm.received().isEmpty());
            JsonNode outbox = status().get("outbox");
            assertThat(outbox.get("depth").asInt()).as("outbox " + outbox).isEqualTo(waiting);
            assertThat(outbox.get("atLeast").asBoolean()).isFalse();
            // the same count as a gauge, read every connector.health.cache (1 s here)
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body()).contains("ccs_outbox_depth " + waiting + ".0"));
        } finally {
            crm.clearRules();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> status().at("/outbox/depth").asInt() == 0);
    }

    @Test
    void aCrmThatTakesConnectionsButAnswers503IsNotUpUntilItTakesEventsAgain() throws Exception {
        // a load balancer with nothing behind it: the host takes the probe's connection, and answers every event 503
        crm.answerWhen(request -> String.valueOf(request.header("Idempotency-Key")).contains("status-refusing-"), Answer.status(503));
        CloudEvent event = hangupEvent("status-refusing-1");
        try {
            publish(event);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(status().get("crm").toString())
                    .contains("\"up\":false").contains("tried again: HTTP 503"));
            assertThat(get("/observe/metrics").body()).contains("crm_sink_up 0.0");
        } finally {
            crm.clearRules();
        }
        delivered(crm, event.getId());
        await().atMost(PATIENCE).until(() -> status().at("/crm/up").asBoolean());
        assertThat(status().at("/crm").has("problem")).isFalse();
    }

    @Test
    void aConnectorThatDoesNotPollShowsNoCdrLag() throws Exception {
        // the test connector runs with ccs.cdr.enabled=false: a lag would only grow, and an alert on it fire for ever
        assertThat(status().get("cdrSync").asBoolean()).isFalse();
        assertThat(status().at("/tenants/0").has("lagSeconds")).isFalse();
        assertThat(get("/observe/metrics").body()).contains("ccs_cdr_backfill_progress").doesNotContain("ccs_cdr_lag_seconds");
    }

    @Test
    void aHangupAcknowledgedAndWaitingForItsCdrRecordIsCountedBeforeTheOutbox() throws Exception {
        // Call Center Studio fails the CDR lookup twice: the hangup waits in the enrichment stage for its retry
        simulator().inject(Fault.status("reportsCDRLogs", 503, 2));
        HttpResponse<String> answered = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                "call_id=status-enrich-1&call_date=2026-11-02+10%3A00%3A00&duration=4&disposition=ANSWER&tenant=demo");
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(60)).until(() -> status().at("/outbox/awaitingEnrichment").asInt() == 1);
        delivered(crm, "demo:ccs.call.hangup:status-enrich-1");
        await().atMost(Duration.ofSeconds(60)).until(() -> status().at("/outbox/awaitingEnrichment").asInt() == 0);
    }

    @Test
    void aCallbackKeptForAPersonDoesNotHideADeliveredEventFromTheLastHour() throws Exception {
        // no CDR record delivered meanwhile: the polls held, so the counts are this case's alone
        context.getRouteController().stopRoute("cdr-poll-timer");
        context.getRouteController().stopRoute("cdr-settle-timer");
        try {
            lastHourCounts();
        } finally {
            context.getRouteController().startRoute("cdr-poll-timer");
            context.getRouteController().startRoute("cdr-settle-timer");
        }
    }

    private void lastHourCounts() throws Exception {
        CloudEvent event = hangupEvent("status-last-hour-1");
        publish(event);
        delivered(crm, event.getId());
        // its id recorded once its message is done with, a moment after the CRM's answer
        await().atMost(PATIENCE).until(() -> status().at("/outbox/depth").asLong() == 0);
        long delivered = status().at("/lastHour/delivered").asLong();
        long deadLettered = status().at("/lastHour/deadLettered").asLong();

        // a hangup callback without its call key: kept as a dead letter, no event delivered or refused
        HttpResponse<String> kept = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                "disposition=ANSWER&call_date=2026-11-02+10%3A00%3A00");
        assertThat(kept.statusCode()).as(kept.body()).isEqualTo(400);

        assertThat(status().at("/lastHour/deadLettered").asLong()).isEqualTo(deadLettered + 1);
        assertThat(status().at("/lastHour/delivered").asLong()).isEqualTo(delivered);
        // the letters waiting as a gauge too, which a restart does not reset as it does the dead letters' counter
        long waiting = status().at("/deadLetters/waiting").asLong();
        assertThat(waiting).isPositive();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body()).contains("ccs_dead_letters_waiting " + waiting + ".0"));
    }

    @Test
    void aCdrRecordThatCouldNotBeReadIsNoCallTheStatusForgets() throws Exception {
        // a call the platform lists without its callid: kept in the dead letters for a person, never replayed, never in the CRM
        LocalDate day = LocalDate.now(ZoneId.of("Europe/Istanbul")).minusDays(2);
        Map<String, Object> broken = new HashMap<>();
        broken.put("calldate", day + " 10:30:00");
        broken.put("callerid", "05321112233");
        simulator().addCdr(broken);
        long before = status().at("/deadLetters/waiting").asLong();

        HttpResponse<String> backfill = post("/api/v1/cdr/backfill", "application/json",
                "{\"from\": \"" + day + "T10:00:00\", \"to\": \"" + day + "T10:59:59\"}");
        assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> deadLetters().values().stream().anyMatch(letter -> letter.get("kind").asText().equals("cdr-record")));

        JsonNode letters = status().get("deadLetters");
        assertThat(letters.get("waiting").asLong()).as("a record is not replayed: " + letters).isEqualTo(before);
        assertThat(letters.path("unreadableCdrRecords").asLong()).as("the status of the person on call: " + letters).isEqualTo(1);
        assertThat(letters.toString()).doesNotContain("05321112233");
        // a call not in the CRM as a gauge too, to alert on
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body()).contains("ccs_cdr_records_unreadable 1.0"));
    }

    private JsonNode status() throws Exception {
        HttpResponse<String> answer = get("/api/v1/status");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json.readTree(answer.body());
    }
}
