package ccs.connector.cdr;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;

/**
 * The CDR gauges {@code ccs_cdr_lag_seconds} and {@code ccs_cdr_backfill_progress_percent}, per tenant, from what
 * {@link #refresh} read of the state store (route {@code cdr-gauges}, every {@code connector.health.cache}, on a timer of
 * its own: a database away holds it, never the outbox's gauges), never at a scrape: a database that hangs held each
 * scrape for its pool's 30 s per gauge, so that Prometheus lost every series of the connector while it was away. While the
 * store cannot be read, every value is NaN.
 */
public final class CdrGauges {

    private final Tenants tenants;
    private final CdrSync sync;
    private final CdrBackfills backfills;
    /** ccs.cdr.enabled: a connector that does not poll has no lag gauge, nor reads one. */
    private final boolean polling;
    private final Clock clock;
    private final Map<String, Instant> behind = new ConcurrentHashMap<>();
    private final Map<String, Double> backfillDone = new ConcurrentHashMap<>();

    public CdrGauges(Tenants tenants, CdrSync sync, CdrBackfills backfills, boolean polling, Clock clock) {
        this.tenants = tenants;
        this.sync = sync;
        this.backfills = backfills;
        this.polling = polling;
        this.clock = clock;
    }

    public void refresh() {
        try {
            for (Tenant tenant : tenants.all()) {
                if (polling) {
                    behind.put(tenant.name(), sync.behind(tenant.name()));
                }
                backfillDone.put(tenant.name(), backfills.percentDone(tenant.name()));
            }
        } catch (RuntimeException storeAway) {
            // one read of each tenant after another would each wait for the pool
            behind.clear();
            backfillDone.clear();
        }
    }

    /** Seconds between now and the tenant's checkpoint as last read (see {@link CdrSync#behind}). */
    public double lagSeconds(String tenant) {
        Instant at = behind.get(tenant);
        return at == null ? Double.NaN : Math.max(0, Duration.between(at, clock.instant()).toMillis() / 1000.0);
    }

    /** The share of the tenant's latest backfill done, as last read. */
    public double percentDone(String tenant) {
        return backfillDone.getOrDefault(tenant, Double.NaN);
    }
}
