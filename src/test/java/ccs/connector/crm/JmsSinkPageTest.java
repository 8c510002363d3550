package ccs.connector.crm;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import ccs.connector.event.CloudEvent;
import ccs.connector.event.EventPage;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.FailingWrites;
import ccs.connector.support.LogCapture;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.impl.AddressInfo;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JMS sink sends the events of an outbox message in one transaction of the CRM's broker: a broker that takes only
 * some of them gets none, and the retry delivers all of them, each once, when the broker takes them; a connection
 * that breaks in the middle of a message costs its transaction, not its events. A broker away for longer than the retry
 * budget leaves the message in the outbox; away for longer than the outbox's ten deliveries, its events become dead
 * letters that a replay delivers. The CRM's broker is an Artemis of its own ({@code crm.jms.broker-url=vm://1}) whose
 * queue a test makes refuse messages beyond a few kilobytes, whose connection to the connector it cuts in the middle
 * of a message, or which it stops.
 */
class JmsSinkPageTest extends ConnectorTestSupport {

    private static final String CRM_QUEUE = "crm.events";

    static {
        LogCapture.install();
    }

    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger cutAfterSends = new AtomicInteger();
    private EmbeddedActiveMQ crmBroker;

    @Override
    protected void settings(Properties settings) {
        crmBroker = startCrmBroker();
        settings.setProperty("crm.sink", "jms");
        // a client that knew the broker waits retryInterval (2 s) between its tries to connect again: a tenth of it here
        settings.setProperty("crm.jms.broker-url", "vm://1?retryInterval=100");
        // a retry budget of seconds, so that the broker's ten deliveries of an outbox message fit in a test
        crmRetries(settings, 2, "1s");
        // past the budget a page is held while the CRM's broker takes nothing: 10 s here, so that the outbox's deliveries
        // after that hold fit in a test too
        settings.setProperty("crm.retry.while-away", "10s");
    }

    /** A test that stopped the CRM's broker started it again, also when it failed. */
    @AfterEach
    void crmBrokerRunning() {
        if (!crmBroker.getActiveMQServer().isStarted()) {
            crmBroker = startCrmBroker();
        }
    }

    /** The connector first: its consumers would otherwise try to reconnect to the stopped broker until it stops. */
    @AfterAll
    void stopCrmBroker() throws Exception {
        context.stop();
        crmBroker.stop();
    }

    @Test
    void aPageTheCrmBrokerTakesOnlyInPartReachesItWholeOnceItTakesItEachEventOnce() throws Exception {
        crmBroker.getActiveMQServer().getAddressSettingsRepository().addMatch(CRM_QUEUE, new AddressSettings()
                .setMaxSizeBytes(8 * 1024L)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.FAIL));
        List<CloudEvent> events = page("jms-page-");

        template.sendBody("direct:crm-publish", EventPage.of(events));

        // the broker refused the sends past its limit, so the commit failed: the queue holds none of the page
        await().atMost(Duration.ofSeconds(30)).until(() -> crmBroker.getActiveMQServer().getAddressInfo(SimpleString.of(CRM_QUEUE)).getRoutedMessageCount() > 0);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(queue().getMessageCount()).isZero());
        assertThat(crmReceived(Duration.ofMillis(500))).isEmpty();

        liftQueueLimit();

        assertThat(crmReceivedAll(events.size())).containsExactlyInAnyOrderElementsOf(ids(events));
    }

    @Test
    void aPageWhoseConnectionBreaksAfterSomeOfItsSendsReachesTheCrmWholeEachEventOnceNoneDeadLettered() throws Exception {
        liftQueueLimit();
        List<CloudEvent> events = page("jms-cut-");
        double deliveredBefore = deliveriesCounted("delivered");
        cutAfterSends.set(1);

        template.sendBody("direct:crm-publish", EventPage.of(events));

        // the broken connection took the first attempt's transaction with it; the next attempt, in a new one, sends them all
        List<String> received = crmReceivedAll(events.size());
        assertThat(cutAfterSends.get()).as("the connection was cut after the first send").isZero();
        assertThat(received).containsExactlyInAnyOrderElementsOf(ids(events));
        assertThat(deadLetters()).isEmpty();
        // the sends of the attempt that rolled back are not counted
        assertThat(deliveriesCounted("delivered") - deliveredBefore).isEqualTo(events.size());
    }

    @Test
    void aPageWhoseCrmBrokerIsAwayBeyondTheRetryBudgetIsHeldAndReachesItWholeOnceItIsBack() throws Exception {
        int logBefore = LogCapture.text().length();

        List<CloudEvent> events = pageHeldWhileTheCrmBrokerIsAway("jms-away-");

        assertThat(LogCapture.text().substring(logBefore)).doesNotContain("Exhausted after delivery attempt");
        crmBroker = startCrmBroker();

        assertThat(crmReceivedAll(events.size())).containsExactlyInAnyOrderElementsOf(ids(events));
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aPageHeldPastItsBudgetWhoseDeliveredIdsMeetTheDatabaseBrieflyAwayReachesTheCrmOnce() throws Exception {
        List<CloudEvent> events = pageHeldWhileTheCrmBrokerIsAway("jms-held-record-");
        // the ids' record fails once: it has a retry budget of its own, not what the held attempt left of its budget
        FailingWrites.start(stateStore(), DeliveredEvents.TABLE, "INSERT", 1);
        try {
            crmBroker = startCrmBroker();

            assertThat(crmReceivedAll(events.size())).containsExactlyInAnyOrderElementsOf(ids(events));
            assertThat(FailingWrites.remaining()).isZero();
        } finally {
            FailingWrites.stop(stateStore(), DeliveredEvents.TABLE);
        }
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aPageWhoseCrmBrokerIsAwayBeyondTheOutboxsDeliveriesBecomesDeadLettersThatAReplayDeliversEachOnce() throws Exception {
        List<CloudEvent> events = page("jms-gone-");
        crmBroker.stop();

        template.sendBody("direct:crm-publish", EventPage.of(events));

        // held on its first delivery for crm.retry.while-away, then ten deliveries of the outbox message (a CDR page: on the
        // bulk queue), each with its retry budget; then the broker gave up on it
        await().atMost(Duration.ofSeconds(120)).until(() -> deadLetters().keySet().containsAll(ids(events)));
        assertThat(deadLetters().get(events.get(0).getId()).get("reason").asText())
                .startsWith("the broker gave up on its message on ccs.outbox.bulk after its delivery attempts");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(brokerDeadLetterQueue()).isEmpty());
        crmBroker = startCrmBroker();

        HttpResponse<String> replay = post("/api/v1/dead-letters/replay", null, null);

        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(replay.body()).isEqualTo("{\"replaying\":" + events.size() + "}");
        assertThat(crmReceivedAll(events.size())).containsExactlyInAnyOrderElementsOf(ids(events));
        assertThat(deadLetters()).isEmpty();
    }

    private void liftQueueLimit() {
        crmBroker.getActiveMQServer().getAddressSettingsRepository().addMatch(CRM_QUEUE, new AddressSettings().setMaxSizeBytes(-1L));
    }

    /**
     * A page sent while the CRM's broker is stopped, once its attempts went past the budget of 1 + 2: held by its consumer
     * while the CRM's broker takes nothing (crm.retry.while-away), not given back to the outbox.
     */
    private List<CloudEvent> pageHeldWhileTheCrmBrokerIsAway(String callIdPrefix) throws Exception {
        List<CloudEvent> events = page(callIdPrefix);
        int logBefore = LogCapture.text().length();
        crmBroker.stop();
        template.sendBody("direct:crm-publish", EventPage.of(events));
        await().atMost(Duration.ofSeconds(30)).until(() -> LogCapture.text().substring(logBefore)
                .split("The JMS sink's broker failed a send, which is tried again", -1).length > 5);
        return events;
    }

    /** A page of 40 CDR events, their call ids beginning with the prefix. */
    private List<CloudEvent> page(String callIdPrefix) {
        return IntStream.range(0, 40).mapToObj(i -> events().cdr("demo",
                Map.of("callid", callIdPrefix + i, "calldate", "2026-11-30 10:00:00", "duration", "42"))).toList();
    }

    private Queue queue() {
        return crmBroker.getActiveMQServer().locateQueue(SimpleString.of(CRM_QUEUE));
    }

    private static List<String> ids(List<CloudEvent> events) {
        return events.stream().map(CloudEvent::getId).toList();
    }

    /** The ids of the events on the CRM queue once it held as many as expected, and what came for 3 s more (a delivery again would have). */
    private List<String> crmReceivedAll(int expected) throws Exception {
        List<String> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            received.addAll(crmReceived(Duration.ofMillis(500)));
            return received.size() >= expected;
        });
        received.addAll(crmReceived(Duration.ofSeconds(3)));
        return received;
    }

    /** The ids of the events on the CRM queue, read as the CRM reads them, until none came for the given wait. */
    private List<String> crmReceived(Duration wait) throws Exception {
        List<String> ids = new ArrayList<>();
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("vm://1");
                Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageConsumer consumer = session.createConsumer(session.createQueue(CRM_QUEUE));
            for (TextMessage message; (message = (TextMessage) consumer.receive(wait.toMillis())) != null; ) {
                ids.add(json.readTree(message.getText()).get("id").asText());
            }
        }
        return ids;
    }

    /**
     * The CRM's broker, in memory. Once {@link #cutAfterSends} is set, it counts the sends to its queue in a transaction
     * down and, at zero, breaks the connection of the session that sent the last one, as a network would.
     */
    private EmbeddedActiveMQ startCrmBroker() {
        ActiveMQServerMessagePlugin connectionCutter = new ActiveMQServerMessagePlugin() {
            @Override
            public void afterSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue,
                    RoutingStatus result) {
                if (tx != null && CRM_QUEUE.equals(message.getAddress()) && cutAfterSends.get() > 0 && cutAfterSends.decrementAndGet() == 0) {
                    session.getRemotingConnection().fail(new ActiveMQNotConnectedException("the test cut the connection"));
                }
            }
        };
        try {
            ConfigurationImpl config = new ConfigurationImpl();
            config.setName("crm-broker")
                    .setPersistenceEnabled(false)
                    .setPagingDirectory(dataDir.resolve("crm-broker-paging").toString())
                    .setSecurityEnabled(false)
                    .setJMXManagementEnabled(false)
                    .addAcceptorConfiguration("in-vm", "vm://1");
            config.registerBrokerPlugin(connectionCutter);
            EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config);
            broker.start();
            broker.getActiveMQServer().addAddressInfo(new AddressInfo(CRM_QUEUE).addRoutingType(RoutingType.ANYCAST));
            broker.getActiveMQServer().createQueue(QueueConfiguration.of(CRM_QUEUE).setRoutingType(RoutingType.ANYCAST));
            return broker;
        } catch (Exception e) {
            throw new IllegalStateException("the CRM's broker did not start", e);
        }
    }
}
