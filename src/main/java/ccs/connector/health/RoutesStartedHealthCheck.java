package ccs.connector.health;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: the supervising route controller starts routes in the background after the context
 * is up; until it has tried them all, an HTTP path may not be served yet, so the connector is not
 * ready. (A route that then fails to start is reported by Camel's own route checks.)
 */
public final class RoutesStartedHealthCheck extends AbstractHealthCheck {

    public RoutesStartedHealthCheck() {
        super("connector", "routes-started");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (StartingGate.routesStarting(getCamelContext())) {
            builder.message("routes are still starting").down();
        } else {
            builder.up();
        }
    }
}
