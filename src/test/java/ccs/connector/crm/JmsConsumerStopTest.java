package ccs.connector.crm;

import ccs.connector.support.ConnectorTestSupport;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JMS consumer route that stops while the connector runs (stopped through management, a listener recovering from a
 * failure, a route that runs on the leader only when its replica loses the lead) leaves no consumer at the broker: the
 * connector's connection factories cached the consumers it closed, which stayed open and took the queue's later
 * messages into their buffers, where nothing read them until the connection closed.
 */
class JmsConsumerStopTest extends ConnectorTestSupport {

    private static final int MESSAGES = 5;

    @Test
    void aStoppedConsumerRouteLeavesTheQueuesMessagesToOtherConsumers() throws Exception {
        context.getRouteController().stopRoute("crm-click2call-jms");

        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageProducer producer = session.createProducer(session.createQueue("ccs.click2call"));
            for (int i = 0; i < MESSAGES; i++) {
                producer.send(session.createTextMessage("{\"stopped\": " + i + "}"));
            }
            MessageConsumer consumer = session.createConsumer(session.createQueue("ccs.click2call"));
            for (int i = 0; i < MESSAGES; i++) {
                assertThat(consumer.receive(10_000)).as("message %d of %d", i + 1, MESSAGES).isNotNull();
            }
        }
    }
}
