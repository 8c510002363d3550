package ccs.connector.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A readiness check of a dependency outside the connector, probed at most once per
 * {@code cacheFor}: orchestrators call health often and the dependency should not feel it.
 * Liveness never depends on it, so a dependency that is down makes the connector not ready,
 * never restarted.
 */
abstract class CachedHealthCheck extends AbstractHealthCheck {

    /** What a probe found: null problem = up. */
    protected record Probe(String problem, Map<String, Object> details) {
    }

    private final Duration cacheFor;
    private volatile Probe last;
    private volatile Instant probedAt = Instant.EPOCH;

    protected CachedHealthCheck(String id, Duration cacheFor) {
        super("connector", id);
        this.cacheFor = cacheFor;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Probe probe = last;
        if (probe == null || Instant.now().isAfter(probedAt.plus(cacheFor))) {
            probe = probe();
            last = probe;
            probedAt = Instant.now();
        }
        probe.details().forEach(builder::detail);
        if (probe.problem() == null) {
            builder.up();
        } else {
            builder.message(probe.problem()).down();
        }
    }

    protected abstract Probe probe();
}
