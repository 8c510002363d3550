package ccs.connector.crm;

import java.time.Duration;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JMS sink's broker takes connections but no event: the CRM's queue is not set up there, and the broker creates
 * none on its own (a real Artemis of the test's own). The CRM sink's health says the latest delivery failed while the
 * event waits, and the event reaches the CRM's queue once it is set up.
 */
class JmsSinkRefusedSendTest extends ConnectorTestSupport {

    private static final String URL = "vm://2";

    private EmbeddedActiveMQ crmBroker;

    @Override
    protected void settings(Properties settings) {
        // here, not at the field: the settings are read before the test's fields are set
        crmBroker = new EmbeddedActiveMQ();
        try {
            crmBroker.setConfiguration(new ConfigurationImpl().setName("crm-broker").setPersistenceEnabled(false)
                    .setPagingDirectory(dataDir.resolve("crm-broker-paging").toString()).setSecurityEnabled(false)
                    .setJMXManagementEnabled(false).addAcceptorConfiguration("in-vm", URL)
                    .addAddressSetting("#", new AddressSettings().setAutoCreateQueues(false).setAutoCreateAddresses(false)));
            crmBroker.start();
        } catch (Exception e) {
            throw new IllegalStateException("the CRM's broker did not start", e);
        }
        settings.setProperty("crm.sink", "jms");
        settings.setProperty("crm.jms.broker-url", URL);
        settings.setProperty("crm.retry.initial-delay", "1s");
        settings.setProperty("crm.retry.max-delay", "2s");
        settings.setProperty("connector.health.cache", "1s");
    }

    @BeforeAll
    void captureLogs() {
        LogCapture.install();
    }

    /** The connector first: its consumers would otherwise try to reconnect to the stopped broker until it stops. */
    @AfterAll
    void stopCrmBroker() throws Exception {
        context.stop();
        crmBroker.stop();
    }

    @Test
    void theCrmIsDownWhileItsBrokerTakesNoEventAndTheEventArrivesOnceItDoes() throws Exception {
        CloudEvent event = hangupEvent("jms-refused-send");
        publish(event);

        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health?exposureLevel=full").body()
                .contains("the CRM failed the latest delivery, which is tried again: its broker refused the send"));
        assertThat(get("/observe/metrics").body()).as("a retry counted").containsPattern("ccs_crm_retries_total\\{[^}]*sink=\"jms\"[^}]*} [1-9]");
        assertThat(LogCapture.text()).as("the broker's reason, not only the wrapper's").containsPattern(
                "The JMS sink's broker failed a send, which is tried again: .*crm\\.events");

        crmBroker.getActiveMQServer().createQueue(QueueConfiguration.of("crm.events").setRoutingType(RoutingType.ANYCAST).setAutoCreateAddress(true));
        try (Connection connection = new ActiveMQConnectionFactory(URL).createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageConsumer consumer = session.createConsumer(session.createQueue("crm.events"));
            TextMessage delivered = (TextMessage) consumer.receive(60_000);
            assertThat(delivered).as("the event, once the broker takes it").isNotNull();
            assertThat(new ObjectMapper().readTree(delivered.getText()).get("id").asText()).isEqualTo(event.getId());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !get("/observe/health?exposureLevel=full").body().contains("the CRM failed the latest delivery"));
    }
}
