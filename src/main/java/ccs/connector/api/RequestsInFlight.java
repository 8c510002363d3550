package ccs.connector.api;

import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.stream.Collectors;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Bounds the {@code /api} and {@code /agent} requests this connector serves at once: bean {@code requestsInFlight}
 * ({@code connector.api.max-in-flight}) all of them, bean {@code reportsInFlight}
 * ({@code connector.api.max-reports-in-flight}) those that read Call Center Studio's reports besides, slow by nature, so
 * that a tenant's reports never take more than those of the places of click2calls and screen pops. Report places are
 * each tenant's own: a tenant whose platform hangs fills its own, and the other tenants' reports are still served; all
 * tenants' reports together take at most a bound of their own, so that many tenants' slow reports (the platform slow for
 * all of them) still leave click2calls and screen pops their places. Bean {@code tenantInFlight}
 * ({@code connector.api.max-tenant-in-flight}) bounds the same way, for each tenant, the requests that wait on the tenant's
 * platform otherwise (click2calls, call controls, softphone URLs, screen pops by call key), so that a tenant whose platform
 * hangs leaves the other tenants' requests the rest of {@code connector.api.max-in-flight}. Each
 * request holds one of the HTTP server's 20 worker threads for as long as it waits on Call Center Studio, the CRM or the
 * database; unbounded, a slow one of them would take every worker, and the health probes and the platform's webhooks,
 * which need the same workers, would go unanswered. A request over its bound is answered 503 with {@code Retry-After} at once.
 */
public final class RequestsInFlight {

    /** The key of a request's places, from the tenant it names. */
    private final Function<String, String> placesOf;
    private final Map<String, Semaphore> places;
    private final String refusal;
    /** The bound these places are part of, taken after one of them; null for none. */
    private final RequestsInFlight within;

    /**
     * One bound that all requests share.
     *
     * @param max       the places
     * @param setting   the setting that sizes them, named in the refusal
     * @param requests  what a place serves, as the refusal counts them ("requests")
     * @param waitingOn what those requests wait on, for the refusal
     */
    public RequestsInFlight(int max, String setting, String requests, String waitingOn) {
        this(tenant -> "", Map.of("", new Semaphore(max)),
                "the connector is serving " + max + " " + requests + " already (" + setting + "), each waiting on " + waitingOn + ": try again later",
                null);
    }

    /**
     * {@code max} places for each tenant served, that of the request's header {@code tenant} (the default tenant without it),
     * each within bound {@code within} (one of all tenants together; null for none but the one all requests share); a request
     * naming no tenant served is refused with 400 naming field tenant, as its route would.
     */
    public static RequestsInFlight perTenant(Tenants tenants, int max, String setting, String requests, String waitingOn, RequestsInFlight within) {
        return new RequestsInFlight(tenants::name,
                tenants.all().stream().collect(Collectors.toUnmodifiableMap(Tenant::name, tenant -> new Semaphore(max))),
                "the connector is serving " + max + " " + requests + " of tenant %s already (" + setting + ", per tenant), each waiting on "
                        + waitingOn + ": try again later",
                within);
    }

    private RequestsInFlight(Function<String, String> placesOf, Map<String, Semaphore> places, String refusal, RequestsInFlight within) {
        this.placesOf = placesOf;
        this.places = places;
        this.refusal = refusal;
        this.within = within;
    }

    /** Takes a place until the exchange is done, answered or failed, for the tenant of header {@code tenant}; refuses the request when none is free. */
    public void enter(Exchange exchange) {
        enterFor(exchange, exchange.getMessage().getHeader("tenant", String.class));
    }

    /** The same for {@code tenant} (the default tenant for null), read by the route from where the request names it (a JSON body, say). */
    public void enterFor(Exchange exchange, String tenant) {
        String key = placesOf.apply(tenant);
        Semaphore permits = places.get(key);
        if (!permits.tryAcquire()) {
            throw new ServiceBusyException(refusal.formatted(key));
        }
        if (within != null) {
            try {
                within.enterFor(exchange, tenant);
            } catch (ServiceBusyException full) {
                permits.release();
                throw full;
            }
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                permits.release();
            }

            // the place is the request's: work it hands on without waiting (a backfill's run on seda) ends long after the answer
            @Override
            public boolean allowHandover() {
                return false;
            }
        });
    }
}
