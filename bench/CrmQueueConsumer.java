import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The CRM of the JMS sink benchmark: drains the CRM queue over the broker's TCP acceptor as a CRM
 * would (one consumer, a message at a time, acknowledged as it is read), until it has read the
 * expected number of events; prints the events read and the seconds from its first to its last.
 * java -cp 'target/lib/*' bench/CrmQueueConsumer.java tcp://127.0.0.1:PORT QUEUE COUNT
 */
public final class CrmQueueConsumer {

    public static void main(String[] args) throws Exception {
        long expected = Long.parseLong(args[2]);
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(args[0]);
                Connection connection = connect(factory)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(args[1]));
            connection.start();
            long read = 0;
            long first = 0;
            long bytes = 0;
            while (read < expected) {
                TextMessage message = (TextMessage) consumer.receive(600_000);
                if (message == null) {
                    break;
                }
                if (read++ == 0) {
                    first = System.nanoTime();
                }
                // a CRM reads the event
                bytes += message.getText().length();
            }
            System.out.printf("events=%d seconds=%.3f chars=%d%n", read, (System.nanoTime() - first) / 1e9, bytes);
        }
    }

    /** The broker starts with the connector: connects once its acceptor listens. */
    private static Connection connect(ActiveMQConnectionFactory factory) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                return factory.createConnection();
            } catch (JMSException e) {
                if (attempt == 300) {
                    throw new IllegalStateException("no broker at the acceptor", e);
                }
                Thread.sleep(100);
            }
        }
    }
}
