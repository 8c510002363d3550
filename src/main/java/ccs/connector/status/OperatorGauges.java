package ccs.connector.status;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;

import ccs.connector.config.Metrics;
import ccs.connector.crm.DeadLetters;
import ccs.connector.health.BoundedCall;

/**
 * What the status page counts, as gauges Prometheus can alert on: {@code ccs_outbox_depth} (the messages of the
 * outbox's queues, live and bulk), {@code ccs_outbox_awaiting_enrichment} (the hangups acknowledged that
 * wait before it in the enrichment stage, which the depth leaves out), {@code ccs_dead_letters_waiting} (the dead letters
 * a replay would send),
 * {@code ccs_webhook_events_held} (held while the outbox did not take them) and {@code ccs_cdr_records_unreadable} (kept
 * for a person: calls not in the CRM). The counter of dead letters starts at zero after a restart, while the letters
 * still wait. Read by route
 * {@code operator-gauges} every {@code connector.health.cache}, never at a scrape (a database or broker that hangs would
 * hold it); a value that cannot be read, or not within 3 s, is NaN until the next read, without a log line: the health
 * checks name the engine that is away.
 */
public final class OperatorGauges {

    /** As the status's reads: a stalled database held the gauges' timer for the pool's wait, the outbox's depth with them. */
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(3);

    private final BoundedCall<DeadLetters.Counts> lettersRead = new BoundedCall<>("operator-gauges-store");
    private final OperatorStatus status;
    private final DeadLetters deadLetters;
    private final Metrics metrics;
    private volatile double outboxDepth = Double.NaN;
    private volatile double awaitingEnrichment = Double.NaN;
    private volatile DeadLetters.Counts letters;

    public OperatorGauges(OperatorStatus status, DeadLetters deadLetters, Metrics metrics) {
        this.status = status;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    public void measure() {
        Map<String, Object> outbox = status.outbox();
        outboxDepth = number(outbox.get("depth"));
        awaitingEnrichment = number(outbox.get("awaitingEnrichment"));
        try {
            letters = lettersRead.get(deadLetters::counts, STORE_TIMEOUT);
        } catch (TimeoutException | ExecutionException storeAway) {
            letters = null;
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            letters = null;
        }
        metrics.gauge("ccs.outbox.depth", "messages in the outbox's queues, live and bulk, not yet delivered", () -> outboxDepth);
        metrics.gauge("ccs.outbox.awaiting.enrichment", "hangups acknowledged that wait in the enrichment stage before the outbox",
                () -> awaitingEnrichment);
        metrics.gauge("ccs.dead.letters.waiting", "dead letters a replay would send to the CRM", () -> letter(DeadLetters.Counts::waiting));
        metrics.gauge("ccs.webhook.events.held", "webhook events kept while the outbox did not take them, on their way to it",
                () -> letter(DeadLetters.Counts::heldWebhookEvents));
        metrics.gauge("ccs.cdr.records.unreadable", "CDR records that could not be read, kept for a person: calls not in the CRM",
                () -> letter(DeadLetters.Counts::unreadableCdrRecords));
    }

    private static double number(Object count) {
        return count instanceof Number number ? number.doubleValue() : Double.NaN;
    }

    private double letter(ToLongFunction<DeadLetters.Counts> count) {
        DeadLetters.Counts read = letters;
        return read == null ? Double.NaN : count.applyAsLong(read);
    }
}
