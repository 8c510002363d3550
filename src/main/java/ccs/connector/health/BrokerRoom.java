package ccs.connector.health;

import java.time.Duration;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.core.client.impl.AbstractProducerCreditsImpl;
import org.apache.activemq.artemis.core.client.impl.ClientProducerCredits;
import org.apache.activemq.artemis.core.client.impl.ClientProducerInternal;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;

/**
 * Whether an Artemis broker grants a producer of a queue room to send (its producer credits), sending nothing. A broker
 * whose disk or address is full (under BLOCK) blocks its producers without refusing them, and the client waits for room
 * without a limit: a connection alone says nothing of it, and a probe that sent would wait as they do. Asked by the
 * outbox's probe and by the JMS sink's (the CRM's broker).
 */
final class BrokerRoom {

    /** How long a probe waits for the broker's room to send: a broker that takes messages grants it in a round trip. */
    private static final Duration CREDITS_WAIT = Duration.ofSeconds(2);

    private BrokerRoom() {
    }

    /** The connection must come from Artemis's own factory (not a caching one, whose sessions are proxies). */
    static boolean grantsRoom(Connection connection, String queue) throws JMSException, ActiveMQException {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                ClientProducer producer = ((ActiveMQSession) session).getCoreSession().createProducer(SimpleString.of(queue))) {
            ClientProducerCredits credits = ((ClientProducerInternal) producer).getProducerCredits();
            if (!(credits instanceof AbstractProducerCreditsImpl)) {
                // producerWindowSize=-1 in the broker's URL: no flow control, so no credits, and no send of its waits for room
                return true;
            }
            long deadline = System.nanoTime() + CREDITS_WAIT.toNanos();
            while (credits.getBalance() <= 0) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }
}
