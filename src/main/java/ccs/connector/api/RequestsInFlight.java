package ccs.connector.api;

import java.util.concurrent.Semaphore;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Bounds the {@code /api} and {@code /agent} requests this connector serves at once ({@code connector.api.max-in-flight}).
 * Each holds one of the HTTP server's 20 worker threads for as long as it waits on Call Center Studio, the CRM or the
 * database; unbounded, a slow one of them would take every worker, and the health probes and the platform's webhooks,
 * which need the same workers, would go unanswered. A request over the bound is answered 503 with {@code Retry-After} at once.
 */
public final class RequestsInFlight {

    private final int max;
    private final Semaphore permits;

    public RequestsInFlight(int max) {
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /** Takes a place until the exchange is done, answered or failed; refuses the request when none is free. */
    public void enter(Exchange exchange) {
        if (!permits.tryAcquire()) {
            throw new ServiceBusyException("the connector is serving " + max + " requests already (connector.api.max-in-flight), "
                    + "each waiting on Call Center Studio, the CRM or the database: try again later");
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                permits.release();
            }
        });
    }
}
