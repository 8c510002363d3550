package ccs.connector.config;

import java.util.concurrent.ThreadFactory;

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
 * (its lowest priority then maps to nice 19 through {@code -XX:JavaPriority1_To_OSPriority=19}); lowering a thread's
 * priority needs no privilege. Without those options, as on the default JVM, the policy changes nothing. A thread
 * that one of these threads starts inherits its priority: the connector's own threads that any thread may start (the
 * HTTP answers' deadline timer, the database pool's, the bounded calls' runners) come from {@link #normalPriority}.
 */
public final class BackgroundWork extends RoutePolicySupport {

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        Thread thread = Thread.currentThread();
        if (thread.getPriority() != Thread.MIN_PRIORITY) {
            thread.setPriority(Thread.MIN_PRIORITY);
        }
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
