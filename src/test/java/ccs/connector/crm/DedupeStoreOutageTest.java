package ccs.connector.crm;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.FailingWrites;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dedupe store away when delivery records the ids it delivered. Briefly: the record is tried again
 * (crm.retry.*), as is a dead letter's, so the CRM gets the event once, not again from the outbox's redelivery. For longer than the
 * outbox broker's ten deliveries: the broker moves the message to its dead-letter queue, and the connector
 * keeps its event as a dead letter that a replay delivers.
 */
class DedupeStoreOutageTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
    }

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        crmRetries(settings, 3, "1s");
    }

    @AfterEach
    void databaseBack() {
        crm.clearRules();
        FailingWrites.stop(stateStore(), DeliveredEvents.TABLE);
        // each test counts its own dead letters
        stateStore().update("DELETE FROM DEAD_LETTER");
    }

    @Test
    void aDeliveredEventIsRecordedOnceTheStoreIsBackAndNotSentAgain() {
        FailingWrites.start(stateStore(), DeliveredEvents.TABLE, "INSERT", 2);
        CloudEvent event = hangupEvent("dedupe-away-1");

        publish(event);

        delivered(crm, event.getId());
        await().atMost(Duration.ofSeconds(30)).until(() -> recorded(event));
        assertThat(FailingWrites.remaining()).isZero();
        // the outbox's redelivery (a second after a failed message) would have come by now
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(requestsFor(crm, event.getId())).hasSize(1));
    }

    @Test
    void aDeadLetterWrittenWhileTheStoreIsBrieflyAwayIsKeptWithoutSendingTheEventAgain() throws Exception {
        // the dead letter's id cannot be made final twice: its write is tried again, not the outbox message
        FailingWrites.start(stateStore(), DeliveredEvents.TABLE, "INSERT", 2);
        CloudEvent event = hangupEvent("dedupe-away-dead-letter");
        crm.answerWhen(received -> event.getId().equals(received.header("Idempotency-Key")), RecordingHttpServer.Answer.status(400));

        publish(event);

        await().atMost(Duration.ofSeconds(30)).until(() -> recorded(event));
        assertThat(FailingWrites.remaining()).isZero();
        assertThat(deadLetters().get(event.getId()).get("reason").asText()).isEqualTo("RejectedDeliveryException: the CRM answered HTTP 400");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(requestsFor(crm, event.getId())).hasSize(1));
        assertThat(LogCapture.text()).contains("Event " + event.getId() + " went to the dead letters and is not sent again until they are "
                + "replayed: the CRM answered HTTP 400");
    }

    @Test
    void anEventTheBrokerGaveUpOnIsKeptAsADeadLetterThatAReplayDelivers() throws Exception {
        // each of the outbox's ten deliveries tries the record four times (crm.retry.max-retries=3); the rest fail
        // when the dead letter makes the event's id final, so that is tried again too
        FailingWrites.start(stateStore(), DeliveredEvents.TABLE, "INSERT", 10 * 4 + 2);
        CloudEvent event = hangupEvent("dedupe-away-long");

        publish(event);

        await().atMost(Duration.ofSeconds(90)).until(() -> recorded(event));
        assertThat(FailingWrites.remaining()).isZero();
        JsonNode letter = deadLetters().get(event.getId());
        assertThat(letter).as("the dead letter of " + event.getId()).isNotNull();
        assertThat(letter.get("kind").asText()).isEqualTo("event");
        assertThat(letter.get("reason").asText()).startsWith("the broker gave up on its message on ccs.outbox after its delivery attempts");
        assertThat(brokerDeadLetterQueue()).isEmpty();
        int sentBefore = requestsFor(crm, event.getId()).size();
        assertThat(sentBefore).as("deliveries whose record failed").isBetween(1, 10);

        HttpResponse<String> replay = post("/api/v1/dead-letters/replay", null, null);

        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(replay.body()).isEqualTo("{\"replaying\":1}");
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters().isEmpty() && requestsFor(crm, event.getId()).size() > sentBefore);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(requestsFor(crm, event.getId())).hasSize(sentBefore + 1));
        assertThat(requestsFor(crm, event.getId()).get(sentBefore).answeredOk()).isTrue();
        assertThat(recorded(event)).isTrue();
    }

    private boolean recorded(CloudEvent event) {
        return stateStore().one("SELECT 1 FROM " + DeliveredEvents.TABLE + " WHERE messageId = ?", row -> true, event.getDedupeKey()).isPresent();
    }
}
