package ccs.connector.crm;

import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The JMS sink against the embedded Artemis broker, read back by a plain JMS consumer. */
class JmsSinkTest extends ConnectorTestSupport {

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("crm.sink", "jms");
    }

    @Test
    void eventsArrivePersistentAsTextMessagesOnTheCrmQueue() throws Exception {
        List<CloudEvent> sent = IntStream.range(0, 5).mapToObj(i -> hangupEvent("jms-" + i)).toList();
        sent.forEach(this::publish);

        Set<String> ids = new HashSet<>();
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageConsumer consumer = session.createConsumer(session.createQueue("crm.events"));
            for (int i = 0; i < sent.size(); i++) {
                Message message = consumer.receive(30_000);
                assertThat(message).isInstanceOf(TextMessage.class);
                assertThat(message.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
                assertThat(message.getStringProperty("contentType")).isEqualTo("application/cloudevents+json");
                ids.add(json.readTree(((TextMessage) message).getText()).get("id").asText());
            }
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(sent.stream().map(CloudEvent::getId).toList());
    }

    @Test
    void aMessageTheCrmFailsTenTimesGoesToTheDeadLetterAddressInsteadOfVanishing() throws Exception {
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            connection.start();
            MessageProducer producer = session.createProducer(session.createQueue("crm.poison"));
            producer.send(session.createTextMessage("{\"id\":\"poison\"}"));
            session.commit();
            MessageConsumer consumer = session.createConsumer(session.createQueue("crm.poison"));
            for (int attempt = 0; attempt < 10; attempt++) {
                assertThat(consumer.receive(30_000)).as("delivery " + (attempt + 1)).isNotNull();
                session.rollback();
            }
            assertThat(consumer.receive(2_500)).isNull();
            MessageConsumer deadLetters = session.createConsumer(session.createQueue("DLQ"), "_AMQ_ORIG_ADDRESS = 'crm.poison'");
            TextMessage dead = (TextMessage) deadLetters.receive(30_000);
            assertThat(dead.getText()).isEqualTo("{\"id\":\"poison\"}");
            session.commit();
        }
    }

    @Test
    void aDestinationHeaderInAnyLetterCaseChangesNoDestination() throws Exception {
        CloudEvent event = hangupEvent("jms-inject");
        template.send("direct:crm-publish", exchange -> {
            exchange.getMessage().setBody(event);
            exchange.getMessage().setHeader("CamelJmsDestinationName", "crm.injected");
            exchange.getMessage().setHeader("camelJMSdestinationname", "crm.injected");
        });

        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageConsumer events = session.createConsumer(session.createQueue("crm.events"));
            TextMessage message = (TextMessage) events.receive(30_000);
            assertThat(json.readTree(message.getText()).get("id").asText()).isEqualTo(event.getId());
            assertThat(session.createConsumer(session.createQueue("crm.injected")).receive(1_000)).isNull();
        }
    }

}
