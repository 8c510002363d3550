package ccs.connector.crm;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import ccs.connector.config.RouteStartupCheck;
import ccs.connector.config.Secrets;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnector;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ActiveMQ Artemis broker the connector starts inside itself when a broker URL is
 * {@code vm://0}: persistent, its journal under {@code <connector.data-dir>/broker}. Every
 * address has a dead-letter address ({@code DLQ}): without one Artemis drops a message after
 * ten failed deliveries. As on a broker that {@code artemis create} makes, {@code DLQ} is one queue
 * whose messages carry the address they failed on ({@code _AMQ_ORIG_ADDRESS}), where route
 * {@code crm-broker-dead-letter} finds the outbox's; the broker never gives up on a message in it.
 * <p>
 * Artemis shuts itself down for good when a write of its journal or paging fails (its volume full: "AMQ222010:
 * Critical IO Error, shutting down the server"), and the connector went on without an outbox until it was restarted:
 * every {@link #WATCH_SECONDS} s the broker that stopped without being asked to is started again, and once there is
 * room it takes and delivers messages as before, those in its journal included.
 */
public final class EmbeddedBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    public static final String IN_VM_URL = "vm://0";

    /** Page files hold several CDR pages (about 300 KB each as the broker holds them). */
    private static final long MIN_PAGE_BYTES = 1024 * 1024;

    /** How often a broker that shut itself down is started again (its journal read again: a few ms while it is small). */
    private static final int WATCH_SECONDS = 5;

    private final Path directory;
    private final String extraAcceptor;
    /** Who may connect; null: anyone (no {@code connector.broker.password}). */
    private final BrokerLogin login;
    private final int journalBufferTimeoutMicros;
    private final long memoryBytes;
    private final int maxDiskUsagePercent;
    private final String deadLetterQueue;
    private Configuration config;
    private volatile EmbeddedActiveMQ broker;
    private ScheduledExecutorService watch;
    /** Why the latest start again failed ("" before the first ends), null while the broker runs as started. */
    private String restartFailure;

    /**
     * @param directory     where the journal lives
     * @param extraAcceptor an additional acceptor URL such as {@code tcp://0.0.0.0:61616} for
     *                      clients outside this JVM, or null for in-VM only
     * @param login         the one login every client must present, the connector's own too; null: none is asked for
     * @param journalBufferTimeoutMicros how long the journal gathers durable writes before one
     *                      fsync makes them all durable. Artemis's default (3.3 ms) suits disks of
     *                      about 300 syncs/s; an SSD syncs in well under a millisecond, and every
     *                      durable send (a webhook acknowledgement, a CDR page) waits this long.
     * @param memoryBytes   how many bytes of messages all queues together hold in memory; the broker
     *                      pages further messages to disk (under the journal's directory) until consumers
     *                      catch up. Artemis's default, half the maximum heap, lets a backlog (a backfill read
     *                      faster than the CRM takes it) fill the heap of a small JVM. Each queue pages into
     *                      files of an eighth of it and reads back at most as much ahead of its consumers,
     *                      whether it has any or not: with Artemis's defaults (files of 10 MiB, twice that read
     *                      back) three paging queues filled a heap of 160 MB.
     * @param maxDiskUsagePercent how full the journal's volume may be before the broker takes no more messages
     *                      (Artemis's {@code max-disk-usage}); a producer then waits for space without a limit, so
     *                      the routes that answer a request check {@link #diskFull()} first (see {@link OutboxSpace})
     * @param deadLetterQueue where a message goes after its delivery attempts: {@code connector.outbox.dead-letter-queue},
     *                      which route {@code crm-broker-dead-letter} reads (the broker's own DLQ left its messages unread)
     */
    public EmbeddedBroker(Path directory, String extraAcceptor, BrokerLogin login, int journalBufferTimeoutMicros, long memoryBytes,
                          int maxDiskUsagePercent, String deadLetterQueue) {
        this.directory = directory;
        this.deadLetterQueue = deadLetterQueue;
        this.extraAcceptor = extraAcceptor;
        this.login = login;
        this.journalBufferTimeoutMicros = journalBufferTimeoutMicros;
        this.memoryBytes = memoryBytes;
        this.maxDiskUsagePercent = maxDiskUsagePercent;
    }

    /** True while the journal's volume is fuller than the maximum disk usage: the broker blocks every producer then. */
    public boolean diskFull() {
        return broker != null && broker.getActiveMQServer() != null && broker.getActiveMQServer().getPagingManager() != null
                && broker.getActiveMQServer().getPagingManager().isDiskFull();
    }

    /** The broker's server as it runs now (another after it started again). */
    ActiveMQServer server() {
        return broker.getActiveMQServer();
    }

    @Override
    protected void doStart() throws Exception {
        // Artemis takes these sizes as int: a memory of 16 GiB or more would overflow them
        int pagedBytesPerQueue = (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_PAGE_BYTES, memoryBytes / 8));
        config = new ConfigurationImpl()
                .setName("ccs-connector")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(login != null)
                // Artemis lets its cluster user in with this password whatever the login: the shipped "CHANGE ME!!" would
                // open the broker to anyone; it forms no cluster, so nobody needs to know it
                .setClusterPassword(UUID.randomUUID().toString())
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalBufferTimeout_NIO(journalBufferTimeoutMicros * 1000)
                .setJournalDirectory(directory.resolve("journal").toString())
                .setBindingsDirectory(directory.resolve("bindings").toString())
                .setPagingDirectory(directory.resolve("paging").toString())
                .setLargeMessagesDirectory(directory.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(directory.toString())
                .setJournalFileSize(2 * 1024 * 1024)
                .setJournalMinFiles(2)
                .setGlobalMaxSize(memoryBytes)
                .setMaxDiskUsage(maxDiskUsagePercent)
                // Artemis sizes its scheduled pool for a server of its own (5 threads): two do here. Its main pool
                // keeps its default: capped at 8 it starved deliveries while the outbox, the enrichment stage and
                // the sinks' sessions all had work (CdrPagesTest's page never arrived)
                .setScheduledThreadPoolMaxSize(2)
                .addQueueConfiguration(QueueConfiguration.of(deadLetterQueue).setRoutingType(RoutingType.ANYCAST))
                .addAddressSetting(deadLetterQueue, new AddressSettings().setMaxDeliveryAttempts(-1))
                .addAddressSetting("#", new AddressSettings()
                        .setDeadLetterAddress(SimpleString.of(deadLetterQueue))
                        .setExpiryAddress(SimpleString.of("ExpiryQueue"))
                        .setMaxDeliveryAttempts(10)
                        .setRedeliveryDelay(1000)
                        .setPageSizeBytes(pagedBytesPerQueue)
                        .setMaxReadPageBytes(pagedBytesPerQueue));
        config.addAcceptorConfiguration("in-vm", IN_VM_URL);
        if (extraAcceptor != null && !extraAcceptor.isBlank()) {
            config.addAcceptorConfiguration("external", extraAcceptor);
        }
        broker = newBroker();
        broker.start();
        // the acceptor's query may hold its key store's password (sslEnabled=true&keyStorePassword=...)
        LOG.info("Embedded ActiveMQ Artemis broker started at {}{}, journal in {}", IN_VM_URL,
                extraAcceptor == null || extraAcceptor.isBlank() ? "" : " and " + Secrets.quoted(extraAcceptor), directory);
        watch = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "embedded-broker-watch");
            thread.setDaemon(true);
            return thread;
        });
        watch.scheduleWithFixedDelay(this::startAgainIfItShutItselfDown, WATCH_SECONDS, WATCH_SECONDS, TimeUnit.SECONDS);
    }

    private synchronized void startAgainIfItShutItselfDown() {
        ActiveMQServer server = server();
        if (!isStarted() || server == null || server.getState() != ActiveMQServer.SERVER_STATE.STOPPED) {
            return;
        }
        if (restartFailure == null) {
            LOG.warn("The embedded broker shut itself down (see its error above: a full volume at {}, say); it is started again every {} s "
                    + "until it runs: meanwhile webhook events are held in the state store and nothing is delivered", directory, WATCH_SECONDS);
            restartFailure = "";
        }
        EmbeddedActiveMQ again = newBroker();
        try {
            // a start that fails may leave the server stopped without throwing
            if (again.start().getActiveMQServer().getState() != ActiveMQServer.SERVER_STATE.STARTED) {
                throw new IllegalStateException("the broker stopped while it started");
            }
        } catch (Exception e) {
            // said once per reason: a volume still full, a journal that cannot be read, ...
            String reason = RouteStartupCheck.rootMessage(e);
            if (!reason.equals(restartFailure)) {
                LOG.warn("The embedded broker did not start again: {}; it is tried again every {} s", reason, WATCH_SECONDS);
                restartFailure = reason;
            }
            LOG.debug("The embedded broker did not start again", e);
            try {
                again.stop();
            } catch (Exception stopped) {
                LOG.debug("Stopping the embedded broker that did not start", stopped);
            }
            return;
        }
        broker = again;
        restartFailure = null;
        LOG.info("The embedded broker runs again, journal in {}", directory);
    }

    private EmbeddedActiveMQ newBroker() {
        EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(config);
        return login == null ? server : server.setSecurityManager(login);
    }

    @Override
    protected void doStop() throws Exception {
        if (watch != null) {
            watch.shutdownNow();
        }
        synchronized (this) {
            if (broker != null) {
                broker.stop();
            }
        }
        // the in-VM connector's idle workers are not daemon threads: they would keep the JVM alive
        // for a minute after the connector stopped by itself (camel.main.duration-max-seconds)
        InVMConnector.resetThreadPool();
    }
}
