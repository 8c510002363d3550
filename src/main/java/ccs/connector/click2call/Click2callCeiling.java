package ccs.connector.click2call;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ccs.connector.api.TooManyRequestsException;
import ccs.connector.state.Database;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The flood guard of click2call: at most {@code ccs.click2call.max-per-second} dispatches per
 * tenant in any second, whichever channel they come from (REST, JMS, file inbox share it). A REST
 * request above the ceiling is refused at once ({@link #take}: 429 with the seconds until a slot
 * frees up); a queued one waits for a slot ({@link #await}). Not Camel's throttle EIP: a throttle
 * keeps its count per route node and either rejects or delays every exchange, while here one
 * count per tenant serves the refusing REST route and the waiting queued routes together.
 * Replicas that share a PostgreSQL state store share the count too: each second of the wall clock
 * has a row per tenant ({@code CLICK2CALL_SLOT}) whose count a replica raises only below the ceiling,
 * so the tenant gets at most the ceiling in any calendar second across the cluster.
 */
public final class Click2callCeiling {

    private static final long WINDOW = Duration.ofSeconds(1).toNanos();
    /** How long a waiting request sleeps at most before it looks again. */
    private static final long POLL_MILLIS = 50;

    private final int perSecond;
    private final Ticker ticker;
    private final Database shared;
    /** Per tenant: when the dispatches of the last second were let through, oldest first. */
    private final Map<String, Deque<Long>> granted = new ConcurrentHashMap<>();

    /** @param shared the state store the replicas share, or null for a count of this node only */
    public Click2callCeiling(int perSecond, Ticker ticker, Database shared) {
        this.perSecond = perSecond;
        this.ticker = ticker;
        this.shared = shared;
    }

    /** A slot now, or {@link TooManyRequestsException} (429) with a Retry-After. */
    public void take(String tenant) {
        long wait = tryTake(tenant);
        if (wait > 0) {
            int seconds = (int) Math.max(1, Math.ceil(wait / 1e9));
            throw new TooManyRequestsException("tenant " + tenant + " is at its ceiling of " + perSecond
                    + " click2call requests per second (ccs.click2call.max-per-second): try again later", seconds);
        }
    }

    /** Waits until a slot is free. */
    public void await(String tenant) throws InterruptedException {
        for (long wait = tryTake(tenant); wait > 0; wait = tryTake(tenant)) {
            Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, wait / 1_000_000)));
        }
    }

    /** Takes a slot and answers 0, or answers the nanoseconds until one frees up. */
    private long tryTake(String tenant) {
        return shared == null ? tryTakeHere(tenant) : tryTakeShared(tenant);
    }

    private long tryTakeShared(String tenant) {
        long now = System.currentTimeMillis();
        long second = now / 1000;
        String raise = "UPDATE CLICK2CALL_SLOT SET taken = taken + 1 WHERE tenant = ? AND second_at = ? AND taken < ?";
        if (shared.update(raise, tenant, second, perSecond) == 1) {
            return 0;
        }
        if (shared.insertNew("INSERT INTO CLICK2CALL_SLOT (tenant, second_at, taken) VALUES (?, ?, 1)", tenant, second)) {
            // the first of this second: the rows of earlier seconds are of no more use
            shared.update("DELETE FROM CLICK2CALL_SLOT WHERE tenant = ? AND second_at < ?", tenant, second - 60);
            return 0;
        }
        return shared.update(raise, tenant, second, perSecond) == 1 ? 0 : (1000 - now % 1000) * 1_000_000;
    }

    private long tryTakeHere(String tenant) {
        Deque<Long> recent = granted.computeIfAbsent(tenant, t -> new ArrayDeque<>());
        synchronized (recent) {
            long now = ticker.read();
            while (!recent.isEmpty() && now - recent.peekFirst() >= WINDOW) {
                recent.pollFirst();
            }
            if (recent.size() < perSecond) {
                recent.addLast(now);
                return 0;
            }
            return recent.peekFirst() + WINDOW - now;
        }
    }
}
