package ccs.connector.support;

import java.nio.file.Path;
import java.util.Properties;

import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl;

/**
 * A broker of a test's own, the shared outbox's ({@code connector.outbox.broker-url=tcp://...}) or the CRM's
 * ({@code crm.jms.broker-url=tcp://...}): a real Artemis with a journal, on a TCP acceptor, whose {@code max-disk-usage}
 * is 1 %, so its volume is full from the start: it blocks every producer, refusing nothing, as a broker on a full disk
 * does. {@link #free} gives it room, as an operator freeing the disk. Tests extend {@link BlockingBrokerTestSupport}.
 */
public final class BlockingBroker implements AutoCloseable {

    private final EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
    private final String url;

    private BlockingBroker(Path directory) throws Exception {
        int port = FreePorts.next();
        url = "tcp://127.0.0.1:" + port;
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("blocking-broker")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalDirectory(directory.resolve("journal").toString())
                .setBindingsDirectory(directory.resolve("bindings").toString())
                .setPagingDirectory(directory.resolve("paging").toString())
                .setLargeMessagesDirectory(directory.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(directory.toString())
                .setMaxDiskUsage(1)
                .setDiskScanPeriod(200)
                .addAcceptorConfiguration("core", url);
        broker.setConfiguration(config);
    }

    /** Starts the broker, full, as the outbox of the connector these settings start (its files under the data dir). */
    public static BlockingBroker startAsOutbox(Properties settings) {
        return start(settings, "connector.outbox.broker-url", "outbox-broker");
    }

    /** Starts the broker, full, as the CRM's broker of the JMS sink of the connector these settings start. */
    public static BlockingBroker startAsCrm(Properties settings) {
        return start(settings, "crm.jms.broker-url", "crm-broker");
    }

    private static BlockingBroker start(Properties settings, String urlKey, String name) {
        try {
            BlockingBroker started = new BlockingBroker(Path.of(settings.getProperty("connector.data-dir"), name));
            started.broker.start();
            settings.setProperty(urlKey, started.url);
            return started;
        } catch (Exception e) {
            throw new IllegalStateException("the broker at " + urlKey + " did not start", e);
        }
    }

    /** Whether the broker's disk scan found its volume full. */
    public boolean full() {
        return broker.getActiveMQServer().getPagingManager().isDiskFull();
    }

    /** Room on the broker's volume: its producers go on at its next disk scan. */
    public void free() {
        ((ActiveMQServerImpl) broker.getActiveMQServer()).getMonitor().setMaxUsage(1.0);
    }

    /** The messages the queue took since the broker started, consumed or not (0 while it has no such queue). */
    public long messagesAdded(String queue) {
        org.apache.activemq.artemis.core.server.Queue found = broker.getActiveMQServer().locateQueue(queue);
        return found == null ? 0 : found.getMessagesAdded();
    }

    @Override
    public void close() throws Exception {
        broker.stop();
    }
}
