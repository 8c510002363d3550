package ccs.connector.crm;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What others may put on the queues the connector reads once they live on a shared broker (the outbox,
 * the queue where hangup events wait for their CDR record, the broker's dead-letter queue, the click2call queue): an
 * ObjectMessage is refused without being deserialized, and headers that would steer a producer
 * (CamelJmsDestinationName in any letter case, JMSReplyTo) are dropped unread. Real embedded Artemis,
 * written to by a plain JMS client of its own, as a stranger on the broker would.
 */
class ForeignMessagesTest extends ConnectorTestSupport {

    /** Set if anything ever deserializes a {@link Tripwire}, in this JVM (where the connector runs). */
    static final AtomicBoolean DESERIALIZED = new AtomicBoolean();

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("crm.sink", "jms");
        // a hangup event on the enrichment queue whose call has no record goes on at once
        settings.setProperty("connector.webhook.enrich-retries", "0");
    }

    @Test
    void anObjectMessageOnTheOutboxIsRefusedUnopenedAndInjectedHeadersSteerNothing() throws Exception {
        CloudEvent event = hangupEvent("foreign-1");
        double refusedBefore = deliveriesCounted("refused");
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageProducer outbox = session.createProducer(session.createQueue("ccs.outbox"));
            outbox.send(withInjectedHeaders(session, session.createObjectMessage(new Tripwire())));
            outbox.send(withInjectedHeaders(session, session.createTextMessage(event.toJson())));

            TextMessage delivered = (TextMessage) session.createConsumer(session.createQueue("crm.events")).receive(30_000);
            assertThat(json.readTree(delivered.getText()).get("id").asText()).isEqualTo(event.getId());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deliveriesCounted("refused")).isEqualTo(refusedBefore + 1));
            assertThat(session.createConsumer(session.createQueue("crm.injected")).receive(1_000)).isNull();
            assertThat(session.createConsumer(session.createQueue("crm.replies")).receiveNoWait()).isNull();
            assertThat(session.createConsumer(session.createQueue("crm.events")).receiveNoWait()).as("the ObjectMessage went nowhere").isNull();
        }
        assertThat(DESERIALIZED).as("nothing deserialized the ObjectMessage").isFalse();
    }

    @Test
    void anObjectMessageOnTheQueueOfHangupsAwaitingTheirCdrIsRefusedUnopenedAndInjectedHeadersSteerNothing() throws Exception {
        CloudEvent event = hangupEvent("foreign-2");
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageProducer enrichment = session.createProducer(session.createQueue("ccs.webhook.enrich"));
            enrichment.send(withInjectedHeaders(session, session.createObjectMessage(new Tripwire())));
            enrichment.send(withInjectedHeaders(session, session.createTextMessage(event.toJson())));

            TextMessage delivered = (TextMessage) session.createConsumer(session.createQueue("crm.events")).receive(30_000);
            assertThat(json.readTree(delivered.getText()).get("id").asText()).isEqualTo(event.getId());
            assertThat(session.createConsumer(session.createQueue("crm.injected")).receive(1_000)).isNull();
            assertThat(session.createConsumer(session.createQueue("crm.replies")).receiveNoWait()).isNull();
            assertThat(session.createConsumer(session.createQueue("crm.events")).receiveNoWait()).as("the ObjectMessage went nowhere").isNull();
        }
        assertThat(DESERIALIZED).as("nothing deserialized the ObjectMessage").isFalse();
    }

    @Test
    void anObjectMessageInTheDeadLetterQueueAsIfTheOutboxHadFailedItIsRefusedUnopenedAndInjectedHeadersSteerNothing() throws Exception {
        CloudEvent event = hangupEvent("foreign-3");
        double refusedBefore = deliveriesCounted("refused");
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageProducer deadLetterQueue = session.createProducer(session.createQueue("DLQ"));
            for (Message message : List.of(session.createObjectMessage(new Tripwire()), session.createTextMessage(event.toJson()))) {
                message.setStringProperty("_AMQ_ORIG_ADDRESS", "ccs.outbox");
                deadLetterQueue.send(withInjectedHeaders(session, message));
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters().containsKey(event.getId()));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deliveriesCounted("refused")).isEqualTo(refusedBefore + 1));
            await().atMost(Duration.ofSeconds(30)).until(() -> brokerDeadLetterQueue().isEmpty());
            assertThat(deadLetters()).doesNotContainKey("demo:ccs.call.hangup:forged");
            assertThat(session.createConsumer(session.createQueue("crm.injected")).receive(1_000)).isNull();
            assertThat(session.createConsumer(session.createQueue("crm.replies")).receiveNoWait()).isNull();
        }
        assertThat(DESERIALIZED).as("nothing deserialized the ObjectMessage").isFalse();
    }

    @Test
    void anObjectMessageOnTheClick2callQueueIsADeadLetterUnopened() throws Exception {
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            session.createProducer(session.createQueue("ccs.click2call"))
                    .send(withInjectedHeaders(session, session.createObjectMessage(new Tripwire())));

            Message dead = session.createConsumer(session.createQueue("ccs.click2call.dead-letters")).receive(30_000);
            assertThat(dead.getStringProperty("reason")).isEqualTo("the message is not a text message: send the click2call request as JSON text");
            assertThat(dead.propertyExists("camelJmsDestinationName")).as("no header of the refused message goes on").isFalse();
            // answered by a failed event too, of nothing read from the message (taken here, so that no other test meets it)
            TextMessage failed = (TextMessage) session.createConsumer(session.createQueue("crm.events")).receive(30_000);
            JsonNode event = json.readTree(failed.getText());
            assertThat(event.get("type").asText()).isEqualTo("ccs.click2call.failed");
            assertThat(event.at("/data/error").asText()).isEqualTo("the message is not a text message: send the click2call request as JSON text");
            assertThat(session.createConsumer(session.createQueue("crm.injected")).receiveNoWait()).isNull();
        }
        assertThat(DESERIALIZED).as("nothing deserialized the ObjectMessage").isFalse();
    }

    @Test
    void theConnectorsBrokerClientsDeserializeNoClassAtAll() throws Exception {
        ConnectionFactory connectors = context.getRegistry().lookupByNameAndType("crmConnectionFactory", ConnectionFactory.class);
        try (Connection connection = connectors.createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            session.createProducer(session.createQueue("test.objects")).send(session.createObjectMessage(new java.util.ArrayList<>(java.util.List.of(1))));
            ObjectMessage received = (ObjectMessage) session.createConsumer(session.createQueue("test.objects")).receive(30_000);
            assertThatThrownBy(received::getObject).hasMessageContaining("Forbidden");
        }
    }

    private static Message withInjectedHeaders(Session session, Message message) throws Exception {
        for (String name : new String[] {"CamelJmsDestinationName", "camelJmsDestinationName", "CAMELJMSDESTINATIONNAME", "camelJMSdestinationname"}) {
            message.setStringProperty(name, "crm.injected");
        }
        message.setStringProperty("CamelFileName", "../../injected.json");
        message.setStringProperty("ceid", "demo:ccs.call.hangup:forged");
        message.setJMSReplyTo(session.createQueue("crm.replies"));
        return message;
    }

    /** A client of the embedded broker that is not the connector's, with Artemis's defaults. */

    /** A serializable class that reports being deserialized: the stand-in for a gadget chain. */
    static final class Tripwire implements Serializable {
        private static final long serialVersionUID = 1L;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            DESERIALIZED.set(true);
        }
    }
}
