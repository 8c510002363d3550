package ccs.connector.click2call;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ccs.connector.api.NotFoundException;
import ccs.connector.ccs.CcsException;
import ccs.connector.ccs.UpstreamException;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * One circuit per tenant (per tenant's platform) for the dispatch of its click2calls and call controls, queued and REST
 * alike, and for the softphone URL's session and a screen pop's call read (route {@code tenant-circuit-attempt}), so that
 * a tenant whose Call Center Studio is down holds the JMS consumers, the file inbox and its places of
 * {@code connector.api.max-tenant-in-flight} for about one attempt, not for each of its requests' attempts and retries
 * while the other tenants' requests wait behind them.
 * A dispatch that finds the platform away (no connection, no answer in time, a 429, 502, 503, 504 or a proxy's 52x) opens
 * the tenant's circuit, held by that request until its dispatch has ended (routes {@code click2call-queued} and
 * {@code api-dispatch} say so; a REST request is a dispatch without retries): its own retries go on, however long it waits
 * between them, while the tenant's other requests fail at once, never sent, until the holder's dispatch has ended and
 * {@code ccs.click2call.circuit-cool-down} has passed since the last such failure; then the next one tries, holding it in
 * turn. Those held back meanwhile name the failure that opened it, even while the next one tries after the cool-down.
 * Any answer of the platform (a call placed, an unknown agent, a refusal, no such call for a screen pop) closes it, but
 * for a holder whose dispatch goes on: a request that passed before the circuit opened and was answered ends the cool-down
 * only, and the holder keeps the circuit for its next retry (which, answered, closes it), or the tenant's next failing
 * request would take it and hold back the holder's retries. A refusal remembered from an earlier request asked the platform nothing and leaves it as it is.
 * Not a Resilience4j breaker: one of those would stop the retries of the very request that opened it.
 */
public final class Click2callCircuits {

    /** An open circuit: the request whose attempts go on ({@code holder}, its exchange id; null once it ended), why it opened, until when. */
    private record Open(String holder, String why, long until) {

        boolean free(long now) {
            return holder == null && now - until >= 0;
        }
    }

    private final long coolDown;
    private final Ticker ticker;
    private final Map<String, Open> open = new ConcurrentHashMap<>();

    public Click2callCircuits(Duration coolDown, Ticker ticker) {
        this.coolDown = coolDown.toNanos();
        this.ticker = ticker;
    }

    /**
     * Before an attempt of request {@code attempt} (its exchange id): throws a 503 {@link UpstreamException} that is not
     * repeated while another request holds the tenant's circuit or its cool-down lasts; once both are over this one takes it.
     * Its Retry-After is the cool-down left, and at least the whole cool-down while another request holds the circuit
     * (a queued holder's retries may outlast it).
     */
    public void permit(String tenant, String attempt) {
        long now = ticker.read();
        Open current = open.computeIfPresent(tenant, (name, circuit) -> circuit.free(now) ? new Open(attempt, circuit.why(), circuit.until()) : circuit);
        if (current != null && !attempt.equals(current.holder())) {
            long wait = current.holder() == null ? current.until() - now : Math.max(current.until() - now, coolDown);
            throw UpstreamException.heldBack(current.why(), seconds(wait));
        }
    }

    /** Whole seconds for a Retry-After, rounded up (told less, a caller would be held back again), at least one. */
    private static int seconds(long nanos) {
        return (int) Math.max(1, Duration.ofNanos(nanos).plusNanos(999_999_999).toSeconds());
    }

    /** After attempt {@code attempt} the platform answered, accepted or not: closes the circuit, or ends the cool-down of another holder's. */
    public void answered(String tenant, String attempt) {
        long now = ticker.read();
        open.computeIfPresent(tenant, (name, circuit) -> circuit.holder() == null || circuit.holder().equals(attempt) ? null
                : new Open(circuit.holder(), circuit.why(), now));
    }

    /** After an attempt that failed: the platform away opens the tenant's circuit (or keeps it); the failure goes on to the caller. */
    public void failed(String tenant, String attempt, Exception failure) throws Exception {
        if (failure instanceof UpstreamException upstream && upstream.isAway()) {
            long now = ticker.read();
            open.compute(tenant, (name, circuit) -> circuit == null || attempt.equals(circuit.holder()) || circuit.free(now)
                    ? new Open(attempt, upstream.getMessage(), now + coolDown) : circuit);
            // a 503 tells when to try again, as the tenant's requests held back after it are told
            throw upstream.retryingAfter(seconds(coolDown));
        } else if (failure instanceof CcsException answer && !answer.isRemembered() || failure instanceof NotFoundException) {
            // the platform answered: a refusal, or no such call for a screen pop
            answered(tenant, attempt);
        }
        throw failure;
    }

    /**
     * After a request's dispatch ended, with its retries, however it ended: it holds its tenant's circuit no longer. A holder
     * that ends once the cool-down has passed, with no failure of the platform away since (a 409, the ceiling's 429, the
     * database away), closes it: left open, each next request would hold it in turn, the tenant's others held back meanwhile
     * with the reason of a failure long past.
     */
    public void ended(String tenant, String attempt) {
        if (tenant != null) {
            long now = ticker.read();
            open.computeIfPresent(tenant, (name, circuit) -> !attempt.equals(circuit.holder()) ? circuit
                    : now - circuit.until() >= 0 ? null : new Open(null, circuit.why(), circuit.until()));
        }
    }
}
