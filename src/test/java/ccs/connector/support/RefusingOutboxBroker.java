package ccs.connector.support;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * An outbox broker of a test's own ({@code connector.outbox.broker-url=}{@value #URL}): a real Artemis, in memory, with a
 * stock broker's dead-letter queue ({@code DLQ}). While {@link #refuse} is on, it refuses every message sent to the
 * addresses the test names, as a broker that is full or failing does, and counts them. Stop the connector before it.
 */
public final class RefusingOutboxBroker implements AutoCloseable {

    public static final String URL = "vm://1";

    private final AtomicBoolean refusing = new AtomicBoolean();
    private final AtomicInteger refusals = new AtomicInteger();
    private final EmbeddedActiveMQ broker = new EmbeddedActiveMQ();

    private RefusingOutboxBroker(Path directory, Predicate<String> refusedAddresses) throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("outbox-broker")
                .setPersistenceEnabled(false)
                .setPagingDirectory(directory.resolve("paging").toString())
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .addAcceptorConfiguration("in-vm", URL)
                .addAddressSetting("#", new AddressSettings().setDeadLetterAddress(SimpleString.of("DLQ")));
        config.registerBrokerPlugin(new ActiveMQServerMessagePlugin() {
            @Override
            public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue)
                    throws ActiveMQAddressFullException {
                if (refusing.get() && refusedAddresses.test(message.getAddress())) {
                    refusals.incrementAndGet();
                    throw new ActiveMQAddressFullException("the test's outbox takes no message");
                }
            }
        });
        broker.setConfiguration(config);
    }

    /**
     * Starts the broker, paging (if ever) under {@code directory}; while refusing, it refuses the messages of the addresses
     * {@code refusedAddresses} accepts.
     */
    public static RefusingOutboxBroker start(Path directory, Predicate<String> refusedAddresses) {
        try {
            RefusingOutboxBroker started = new RefusingOutboxBroker(directory, refusedAddresses);
            started.broker.start();
            return started;
        } catch (Exception e) {
            throw new IllegalStateException("the outbox broker did not start", e);
        }
    }

    /** Starts the broker as the outbox of the connector these settings start ({@code connector.outbox.broker-url}). */
    public static RefusingOutboxBroker startAsOutbox(Properties settings, Predicate<String> refusedAddresses) {
        RefusingOutboxBroker started = start(Path.of(settings.getProperty("connector.data-dir"), "outbox-broker"), refusedAddresses);
        settings.setProperty("connector.outbox.broker-url", URL);
        return started;
    }

    public void refuse(boolean on) {
        refusing.set(on);
    }

    /** The messages refused so far. */
    public int refusals() {
        return refusals.get();
    }

    @Override
    public void close() throws Exception {
        broker.stop();
    }
}
