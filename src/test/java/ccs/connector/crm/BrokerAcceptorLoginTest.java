package ccs.connector.crm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.FreePorts;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code connector.broker.acceptor} opens the embedded broker to other machines; with {@code connector.broker.password} set,
 * a client of the acceptor must present {@code connector.broker.username} and that password: a stranger who reaches the
 * port can neither dial calls on the click2call queue nor take the outbox's events, while the connector's own clients and a
 * CRM with the login work as before. A real client over TCP, as a CRM outside the JVM has.
 */
class BrokerAcceptorLoginTest extends ConnectorTestSupport {

    private static final String PASSWORD = "broker-password-of-a-real-tenant";
    private static final int ACCEPTOR_PORT = FreePorts.next();

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("crm.sink", "jms");
        settings.setProperty("connector.broker.acceptor", "tcp://127.0.0.1:" + ACCEPTOR_PORT);
        settings.setProperty("connector.broker.username", "crm");
        settings.setProperty("connector.broker.password", PASSWORD);
    }

    private static ActiveMQConnectionFactory acceptor() {
        return new ActiveMQConnectionFactory("tcp://127.0.0.1:" + ACCEPTOR_PORT);
    }

    @Test
    void aClientOfTheAcceptorWithoutTheLoginIsRefusedAndDialsNothing() throws Exception {
        assertThatThrownBy(() -> acceptor().createConnection().close()).as("no login").isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> acceptor().createConnection("crm", "wrong-password").close()).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> acceptor().createConnection("admin", PASSWORD).close()).isInstanceOf(JMSSecurityException.class);
        // Artemis's own cluster user, with the password it ships
        assertThatThrownBy(() -> acceptor().createConnection("ACTIVEMQ.CLUSTER.ADMIN.USER", "CHANGE ME!!").close())
                .isInstanceOf(JMSException.class).hasMessageContaining("Unable to authenticate");
        assertThat(simulator().requests("click2call")).isEmpty();
    }

    @Test
    void aClientWithTheLoginDialsAndTakesEventsAndTheConnectorsOwnClientsGoOn() throws Exception {
        CloudEvent event = hangupEvent("acceptor-1");
        try (Connection connection = acceptor().createConnection("crm", PASSWORD);
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            session.createProducer(session.createQueue("ccs.click2call")).send(session.createTextMessage(
                    "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"acceptor-c2c\"}"));
            await().atMost(Duration.ofSeconds(30)).until(() -> !simulator().requests("click2call").isEmpty());

            // through the outbox (the connector's own client) to the JMS sink, taken by the CRM over the acceptor
            publish(event);
            // the click2call's outcome comes there too
            MessageConsumer crmEvents = session.createConsumer(session.createQueue("crm.events"));
            List<String> ids = new ArrayList<>();
            TextMessage delivered;
            while (!ids.contains(event.getId()) && (delivered = (TextMessage) crmEvents.receive(30_000)) != null) {
                ids.add(json.readTree(delivered.getText()).get("id").asText());
            }
            assertThat(ids).contains(event.getId());
        }
    }
}
