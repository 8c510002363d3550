package ccs.connector.http;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import ccs.connector.config.BackgroundWork;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.core5.util.Timeout;

/**
 * A deadline for the whole of an HTTP answer, body included: the HTTP client's own timeouts bound each read, not the
 * answer, so an answer that drips in a byte at a time, never silent as long as a read's timeout, would hold its thread
 * for as long as it went on. At the request's response timeout, counted from where the deadline starts (before
 * connecting, in {@link WholeAnswerLimit}), the connection is closed under the reading thread, which then fails. Used by the HTTP client configurers of the Call Center Studio calls, the CRM lookup and the REST sink.
 */
public final class AnswerDeadline implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            // made by whichever thread calls first, maybe one of backgroundWork's: deadlines of interactive calls must not wait
            BackgroundWork.normalPriority("http-answer-deadline"));

    private final Timeout timeout;
    private final AtomicBoolean expired = new AtomicBoolean();
    private final ScheduledFuture<?> timer;

    private AnswerDeadline(ExecChain.Scope scope) {
        this.timeout = scope.clientContext.getRequestConfigOrDefault().getResponseTimeout();
        this.timer = timeout == null || timeout.isDisabled() ? null : TIMER.schedule(() -> {
            expired.set(true);
            scope.execRuntime.discardEndpoint();
        }, timeout.toMilliseconds(), TimeUnit.MILLISECONDS);
    }

    /** Starts the deadline of the request's response timeout (none when it has none). */
    public static AnswerDeadline start(ExecChain.Scope scope) {
        return new AnswerDeadline(scope);
    }

    /** Whether the deadline passed and closed the connection. */
    public boolean expired() {
        return expired.get();
    }

    /** The timeout, for a message. */
    public Timeout timeout() {
        return timeout;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
