package ccs.connector.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check of something the connector depends on, probed at most once per {@code cacheFor}:
 * orchestrators call health often and the dependency should not feel it. Never a liveness check.
 * A readiness check ({@code readiness} true) is what the connector needs to take work in and
 * store it durably; the other checks (Call Center Studio, the CRM) show in {@code /observe/health}
 * and never make the connector unready, so webhooks keep finding it while they are down. A readiness
 * check that found its dependency down probes again at the next call: its dependencies are local
 * (the outbox's broker, the database), and a probe made while they were still starting would
 * otherwise keep the connector unready for {@code cacheFor}.
 */
public abstract class CachedHealthCheck extends AbstractHealthCheck {

    /** What a probe found: null problem = up. */
    protected record Probe(String problem, Map<String, Object> details) {
    }

    private final Duration cacheFor;
    private final boolean readiness;
    private volatile Probe last;
    private volatile Instant probedAt = Instant.EPOCH;

    protected CachedHealthCheck(String id, Duration cacheFor, boolean readiness) {
        super("connector", id);
        this.cacheFor = cacheFor;
        this.readiness = readiness;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public boolean isReadiness() {
        return readiness;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Probe probe = last;
        if (probe == null || readiness && probe.problem() != null || Instant.now().isAfter(probedAt.plus(cacheFor))) {
            refresh();
            probe = last;
        }
        probe.details().forEach(builder::detail);
        if (probe.problem() == null) {
            builder.up();
        } else {
            builder.message(probe.problem()).down();
        }
    }

    /** Probes now; the route dependency-probe calls this every {@code connector.health.cache}, so gauges and logs stay current. */
    public void refresh() {
        last = probe();
        probedAt = Instant.now();
    }

    /** Whether the latest probe found the dependency up (false before the first probe). */
    protected boolean up() {
        Probe probe = last;
        return probe != null && probe.problem() == null;
    }

    protected abstract Probe probe();
}
