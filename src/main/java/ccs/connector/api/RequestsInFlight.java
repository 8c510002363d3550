package ccs.connector.api;

import java.util.concurrent.Semaphore;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Bounds the {@code /api} and {@code /agent} requests this connector serves at once: bean {@code requestsInFlight}
 * ({@code connector.api.max-in-flight}) all of them, bean {@code reportsInFlight}
 * ({@code connector.api.max-reports-in-flight}) those that read Call Center Studio's reports besides, slow by nature, so
 * that they never take more than those of the places of click2calls and screen pops. Each request holds one of the HTTP server's 20 worker
 * threads for as long as it waits on Call Center Studio, the CRM or the database; unbounded, a slow one of them would
 * take every worker, and the health probes and the platform's webhooks, which need the same workers, would go
 * unanswered. A request over its bound is answered 503 with {@code Retry-After} at once.
 */
public final class RequestsInFlight {

    private final String refusal;
    private final Semaphore permits;

    /**
     * @param max       the places
     * @param setting   the setting that sizes them, named in the refusal
     * @param requests  what a place serves, as the refusal counts them ("requests")
     * @param waitingOn what those requests wait on, for the refusal
     */
    public RequestsInFlight(int max, String setting, String requests, String waitingOn) {
        this.refusal = "the connector is serving " + max + " " + requests + " already (" + setting + "), each waiting on "
                + waitingOn + ": try again later";
        this.permits = new Semaphore(max);
    }

    /** Takes a place until the exchange is done, answered or failed; refuses the request when none is free. */
    public void enter(Exchange exchange) {
        if (!permits.tryAcquire()) {
            throw new ServiceBusyException(refusal);
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                permits.release();
            }
        });
    }
}
