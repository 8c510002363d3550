package ccs.connector.crm;

import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.state.Database;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import ccs.connector.support.RefusingOutboxBroker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Last night's dead letter replayed while the outbox takes no message: the letter waits for the next replay, and the
 * status counts nothing delivered in the last hour (its key, made final again, keeps the letter's time).
 */
class DeadLetterReplayOutboxAwayTest extends ConnectorTestSupport {

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;
    private RefusingOutboxBroker outboxBroker;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        outboxBroker = RefusingOutboxBroker.startAsOutbox(settings, address -> address.startsWith("ccs."));
    }

    /** The connector first: its consumers would otherwise try to reconnect to the stopped broker until it stops. */
    @AfterAll
    void stopOutboxBroker() throws Exception {
        context.stop();
        outboxBroker.close();
    }

    @Test
    void aReplayTheOutboxDoesNotTakeLeavesTheLetterWaitingAndCountsNothingDelivered() throws Exception {
        CloudEvent event = hangupEvent("replay-outbox-away");
        crm.answerWhen(request -> request.body().contains(event.getId()), Answer.status(400));
        publish(event);
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters().containsKey(event.getId()));
        // as last night left them: the letter, and its key in the dedupe store
        Database store = stateStore();
        Timestamp lastNight = Timestamp.from(Instant.now().minus(Duration.ofHours(10)));
        store.update("UPDATE DEAD_LETTER SET failed_at = ?", lastNight);
        store.update("UPDATE CAMEL_MESSAGEPROCESSED SET createdAt = ?", lastNight);
        assertThat(status().at("/lastHour/delivered").asLong()).isZero();

        outboxBroker.refuse(true);
        HttpResponse<String> replay = post("/api/v1/dead-letters/replay", null, null);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxBroker.refusals() > 0
                && !deadLetters().get(event.getId()).get("replaying").asBoolean());

        assertThat(status().at("/lastHour/delivered").asLong()).as("nothing reached the CRM").isZero();
        assertThat(crm.received()).filteredOn(RecordingHttpServer.Received::answeredOk).isEmpty();
    }

    private JsonNode status() throws Exception {
        HttpResponse<String> answer = get("/api/v1/status");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json.readTree(answer.body());
    }
}
