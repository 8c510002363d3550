package ccs.connector.crm;

import java.time.Duration;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The embedded broker moves a message it gave up on to connector.outbox.dead-letter-queue, the queue route
 * crm-broker-dead-letter reads: it moved it to its own DLQ whatever the setting said, where nothing read it.
 */
class OutboxDeadLetterQueueNameTest extends ConnectorTestSupport {

    private static final String DEAD_LETTERS = "ccs.outbox.dead-letters";

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.outbox.dead-letter-queue", DEAD_LETTERS);
    }

    @Test
    void aMessageTheBrokerGivesUpOnGoesToTheQueueTheSettingNames() throws Exception {
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            connection.start();
            session.createProducer(session.createQueue("crm.theirs")).send(session.createTextMessage("theirs"));
            session.commit();
            MessageConsumer consumer = session.createConsumer(session.createQueue("crm.theirs"));
            // its ten delivery attempts, each rolled back
            for (int attempt = 1; attempt <= 10; attempt++) {
                assertThat(consumer.receive(Duration.ofSeconds(30).toMillis())).as("attempt %d", attempt).isNotNull();
                session.rollback();
            }
            Message after = consumer.receive(2_000);
            assertThat(after).as("given up on").isNull();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(browse(DEAD_LETTERS)).containsExactly("theirs"));
        assertThat(brokerDeadLetterQueue()).isEmpty();
    }
}
