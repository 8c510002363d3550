package ccs.connector.config;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * The route policy {@code backgroundWork}: the consumer threads of a route that has it run at the lowest thread
 * priority, so that during a burst the work that follows an acknowledgement (a hangup's enrichment and CDR lookup,
 * delivery from the outbox) leaves the cores to the HTTP server that acknowledges webhooks and answers the CRM, and
 * catches up as soon as the burst is over. The work is durable by then, so it waits without loss.
 *
 * <p>Java's priority reaches the operating system only with the lean profile's {@code -XX:ThreadPriorityPolicy=1}
 * (its lowest priority then maps to nice 19 through {@code -XX:JavaPriority1_To_OSPriority=19}). A thread that one of
 * these threads starts inherits its nice value: the connector's own threads that any thread may start (the HTTP answers'
 * deadline timer, the database pool's, the bounded calls' runners) come from {@link #normalPriority}, and the embedded
 * broker's set the normal priority too. Setting it back needs the privilege to raise a priority (CAP_SYS_NICE); a process
 * without it (the image's user 10001) does not lower any ({@link #maySetPrioritiesBack}): the broker's threads that a lowered
 * thread started kept nice 19 and carried the webhooks' durable sends behind everything else.
 */
public final class BackgroundWork extends RoutePolicySupport {

    /** CAP_SYS_NICE, the capability bit that lets a process raise a priority. */
    private static final long SYS_NICE = 1L << 23;

    private final boolean lowers;

    /** {@code lowers}: whether to lower the consumers' priority: not where it reaches the OS ({@link #osPriorities}) of a process that may not set one back ({@link #maySetPrioritiesBack}). */
    public BackgroundWork(boolean lowers) {
        this.lowers = lowers;
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        Thread thread = Thread.currentThread();
        if (lowers && thread.getPriority() != Thread.MIN_PRIORITY) {
            thread.setPriority(Thread.MIN_PRIORITY);
        }
    }

    /** Whether a thread's Java priority reaches the operating system: {@code -XX:ThreadPriorityPolicy=1}, the lean profile's. */
    public static boolean osPriorities() {
        return "1".equals(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("ThreadPriorityPolicy").getValue());
    }

    /**
     * Whether the process may raise a thread's priority again, so that the threads a lowered one starts get the normal one:
     * CAP_SYS_NICE in its effective set (/proc/self/status); false where that cannot be read.
     */
    public static boolean maySetPrioritiesBack() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16) & SYS_NICE) != 0;
                }
            }
        } catch (IOException | NumberFormatException unknown) {
            return false;
        }
        return false;
    }

    /** Daemon threads of that name at the normal priority, whichever thread starts them (one of these or not). */
    public static ThreadFactory normalPriority(String threadName) {
        return task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            thread.setPriority(Thread.NORM_PRIORITY);
            return thread;
        };
    }
}
