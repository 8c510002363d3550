package ccs.connector.health;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: what comes in can be stored durably: the outbox's broker takes messages, or, while it does not, the
 * connector's database answers (a webhook's event is then held there until the outbox takes it). Down only when
 * neither can keep an event. Either alone is no reason: with several replicas both are shared (Artemis, PostgreSQL),
 * so an outage of one would take every replica out of the Service at once, and the ingress would refuse webhooks
 * (which the platform does not send again) that the connector answers 200. The two show in {@code /observe/health} as
 * checks {@code outbox} and {@code database}, and here as details.
 */
public final class IntakeHealthCheck extends AbstractHealthCheck {

    private final CachedHealthCheck outbox;
    private final CachedHealthCheck database;

    public IntakeHealthCheck(CachedHealthCheck outbox, CachedHealthCheck database) {
        super("connector", "intake");
        this.outbox = outbox;
        this.database = database;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CachedHealthCheck.Probe outboxProbe = outbox.current();
        CachedHealthCheck.Probe databaseProbe = database.current();
        builder.detail("outbox", state(outboxProbe));
        builder.detail("database", state(databaseProbe));
        if (outboxProbe.problem() == null || databaseProbe.problem() == null) {
            builder.up();
        } else {
            builder.message("nothing can store an event: " + outboxProbe.problem() + "; " + databaseProbe.problem()).down();
        }
    }

    private static String state(CachedHealthCheck.Probe probe) {
        return probe.problem() == null ? "UP" : "DOWN: " + probe.problem();
    }
}
