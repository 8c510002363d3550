package ccs.connector.status;

import ccs.connector.config.Metrics;
import ccs.connector.crm.DeadLetters;

/**
 * What the status page counts, as gauges Prometheus can alert on: {@code ccs_outbox_depth} (the messages of the
 * outbox's queues, live and bulk) and {@code ccs_dead_letters_waiting} (the dead letters a replay would send). The
 * counter of dead letters starts at zero after a restart, while the letters still wait. Read by route
 * {@code operator-gauges} every {@code connector.health.cache}, never at a scrape (a database or broker that hangs would
 * hold it); a value that cannot be read is NaN until the next read, without a log line: the health checks name the
 * engine that is away.
 */
public final class OperatorGauges {

    private final OperatorStatus status;
    private final DeadLetters deadLetters;
    private final Metrics metrics;
    private volatile double outboxDepth = Double.NaN;
    private volatile double deadLettersWaiting = Double.NaN;

    public OperatorGauges(OperatorStatus status, DeadLetters deadLetters, Metrics metrics) {
        this.status = status;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    public void measure() {
        outboxDepth = status.outbox().get("depth") instanceof Number depth ? depth.doubleValue() : Double.NaN;
        try {
            deadLettersWaiting = deadLetters.waitingCount();
        } catch (RuntimeException storeAway) {
            deadLettersWaiting = Double.NaN;
        }
        metrics.gauge("ccs.outbox.depth", "messages in the outbox's queues, live and bulk, not yet delivered", () -> outboxDepth);
        metrics.gauge("ccs.dead.letters.waiting", "dead letters a replay would send to the CRM", () -> deadLettersWaiting);
    }
}
