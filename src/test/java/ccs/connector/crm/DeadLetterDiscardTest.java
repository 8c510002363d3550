package ccs.connector.crm;

import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.event.CloudEvent;
import ccs.connector.state.Database;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DELETE /api/v1/dead-letters/{id}: a person gives up on a letter the CRM will never take; before, only SQL took one away, and
 * the letters waiting (the status page, the gauge ccs_dead_letters_waiting) never went back to zero.
 */
class DeadLetterDiscardTest extends ConnectorTestSupport {

    /** As the rest of the suite waits: the broker, the CRM and the database on a busy machine, not Awaitility's 10 s. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String UNREADABLE_RECORD = "demo:ccs.cdr:2026-11-02 10:30:00:3f2a9c";
    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.health.cache", "1s");
        // a CDR record that could not be read, kept for a person: its id holds the record's calldate, a space among it
        try (Database store = Database.h2(dataDir)) {
            store.update("INSERT INTO DEAD_LETTER (id, kind, reason, attempts, failed_at, letter, replay) VALUES (?, 'cdr-record', ?, 1, ?, ?, FALSE)",
                    UNREADABLE_RECORD, "the record has no callid", Timestamp.from(Instant.now()), "{\"record\":{}}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCdrRecordSeenToByHandIsGivenUpOnByItsIdPercentEncoded() throws Exception {
        assertThat(deadLetters()).containsKey(UNREADABLE_RECORD);
        HttpResponse<String> discarded = delete("/api/v1/dead-letters/" + UNREADABLE_RECORD.replace(" ", "%20"));
        assertThat(discarded.statusCode()).as(discarded.body()).isEqualTo(204);
        assertThat(deadLetters()).doesNotContainKey(UNREADABLE_RECORD);
        assertThat(json.readTree(get("/api/v1/status").body()).at("/deadLetters/unreadableCdrRecords").asLong()).isZero();
    }

    @Test
    void aLetterGivenUpOnIsNoLongerWaitingAndItsEventIsNotDeliveredAgain() throws Exception {
        CloudEvent event = refusedForGood("discarded-1");
        Awaitility.await().atMost(PATIENCE).until(() -> waitingGauge() == 1);

        HttpResponse<String> unknown = delete("/api/v1/dead-letters/demo:ccs.call.hangup:never-kept");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(json.readTree(unknown.body()).get("detail").asText()).contains("demo:ccs.call.hangup:never-kept");

        HttpResponse<String> discarded = delete("/api/v1/dead-letters/" + event.getId());
        assertThat(discarded.statusCode()).as(discarded.body()).isEqualTo(204);
        assertThat(deadLetters()).doesNotContainKey(event.getId());
        assertThat(json.readTree(get("/api/v1/status").body()).at("/deadLetters/waiting").asLong()).isZero();
        Awaitility.await().atMost(PATIENCE).until(() -> waitingGauge() == 0);
        assertThat(delete("/api/v1/dead-letters/" + event.getId()).statusCode()).as("gone").isEqualTo(404);

        // its id stays final, as a dead-lettered one is: a repeat of the event does not reach the CRM, nor comes back as a letter
        // (an IVR step of the same call shares its message group: delivered after the repeat was dealt with)
        int sent = requestsFor(crm, event.getId()).size();
        CloudEvent marker = events().ivrNotification(null, Map.of("callkeyX", "discarded-1", "event", "call_hangup",
                "calldate", "2026-11-02 10:01:00"));
        publish(event);
        publish(marker);
        delivered(crm, marker.getId());
        assertThat(requestsFor(crm, event.getId())).hasSize(sent);
        assertThat(deadLetters()).doesNotContainKey(event.getId());
    }

    @Test
    void aLetterBeingReplayedIsNotDeleted() throws Exception {
        CloudEvent event = refusedForGood("discarded-2");
        // the replay marks the letter; with the leader's replay route stopped, it stays marked
        context.getRouteController().stopRoute("crm-dead-letter-replay");
        try {
            assertThat(post("/api/v1/dead-letters/replay", null, null).statusCode()).isEqualTo(202);
            HttpResponse<String> refused = delete("/api/v1/dead-letters/" + event.getId());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(json.readTree(refused.body()).get("detail").asText()).contains("is being replayed");
            assertThat(deadLetters()).containsKey(event.getId());
        } finally {
            context.getRouteController().startRoute("crm-dead-letter-replay");
        }
    }

    /** A hangup the CRM refuses (400): a dead letter, waiting for a person. */
    private CloudEvent refusedForGood(String callKey) throws Exception {
        CloudEvent event = hangupEvent(callKey);
        crm.answerWhen(request -> request.body().contains(event.getId()), Answer.status(400));
        publish(event);
        Awaitility.await().atMost(PATIENCE).until(() -> deadLetters().containsKey(event.getId()));
        return event;
    }

    private double waitingGauge() throws Exception {
        Matcher gauge = Pattern.compile("(?m)^ccs_dead_letters_waiting(?:\\{[^}]*})? (\\S+)")
                .matcher(get("/observe/metrics").body());
        return gauge.find() ? Double.parseDouble(gauge.group(1)) : -1;
    }
}
