package ccs.connector.crm;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox broker's dead-letter queue (DLQ) as Artemis fills it: a message it moved there after its delivery
 * attempts carries the address it failed on (_AMQ_ORIG_ADDRESS). The connector keeps the events of its own queues'
 * messages as dead letters and leaves others' messages where they are. (DedupeStoreOutageTest makes the broker give up
 * on an outbox message for real.)
 */
class BrokerDeadLetterTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.webhook.enrich-timeout", "1s");
        settings.setProperty("connector.webhook.enrich-retries", "0");
    }

    @Test
    void aHangupTheBrokerGaveUpOnWhileItAwaitedItsCdrIsADeadLetterThatAReplaySendsThroughTheLookup() throws Exception {
        LocalDateTime now = LocalDateTime.now(ZoneId.of("Europe/Istanbul"));
        String call = simulator().generateCdrs(1, now.minusMinutes(10), now.minusMinutes(5)).get(0);
        CloudEvent hangup = hangupEvent(call);
        String theirs = "{\"id\":\"not-the-connector's\"}";

        movedToTheDeadLetterQueue(hangup.toJson(), "ccs.webhook.enrich");
        movedToTheDeadLetterQueue(theirs, "crm.theirs");

        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(hangup.getId()));
        assertThat(deadLetters().get(hangup.getId()).get("reason").asText())
                .startsWith("the broker gave up on its message on ccs.webhook.enrich after its delivery attempts");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(brokerDeadLetterQueue()).containsExactly(theirs));
        assertThat(requestsFor(crm, hangup.getId())).isEmpty();
        simulator().clearRequests();

        HttpResponse<String> replay = post("/api/v1/dead-letters/replay", null, null);

        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(replay.body()).isEqualTo("{\"replaying\":1}");
        delivered(crm, hangup.getId());
        assertThat(simulator().requests("reportsCDRLogs")).as("the replay's CDR lookup")
                .anyMatch(request -> call.equals(request.params().get("activecallkey")));
        assertThat(brokerDeadLetterQueue()).containsExactly(theirs);
    }

    /** Puts a message into the DLQ as the broker moves one there after its delivery attempts on the address. */
    private void movedToTheDeadLetterQueue(String text, String failedOn) throws Exception {
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            TextMessage message = session.createTextMessage(text);
            message.setStringProperty("_AMQ_ORIG_ADDRESS", failedOn);
            session.createProducer(session.createQueue("DLQ")).send(message);
        }
    }
}
