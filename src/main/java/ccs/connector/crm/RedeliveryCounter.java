package ccs.connector.crm;

import ccs.connector.config.Counters;
import ccs.connector.config.Metrics;
import ccs.connector.config.RouteStartupCheck;
import ccs.connector.config.Secrets;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the redeliveries of an event in the exchange variable {@value #VARIABLE}, for the
 * dead-letter record (Camel's own counter header does not survive to the dead-letter route),
 * and in the metric {@code ccs_crm_retries_total}; notes why in {@link DeliveryRetries}, and the CRM's answers before its
 * first retry in {@link CrmAwayHold}; and logs each retry naming
 * the event (its id holds the tenant and the call), where Camel's own line named only its exchange.
 */
public final class RedeliveryCounter implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RedeliveryCounter.class);

    public static final String VARIABLE = "redeliveries";

    private final Metrics metrics;
    private final String sink;
    private final DeliveryRetries retries;
    private final CrmAwayHold awayHold;

    public RedeliveryCounter(Metrics metrics, String sink, DeliveryRetries retries, CrmAwayHold awayHold) {
        this.metrics = metrics;
        this.sink = sink;
        this.retries = retries;
        this.awayHold = awayHold;
    }

    @Override
    public void process(Exchange exchange) {
        awayHold.process(exchange);
        if (exchange.isRouteStop()) {
            // tried no more from here: the hold said why
            return;
        }
        Integer redeliveries = exchange.getVariable(VARIABLE, Integer.class);
        exchange.setVariable(VARIABLE, redeliveries == null ? 1 : redeliveries + 1);
        metrics.count(Counters.CRM_RETRIES, sink);
        retries.retrying(exchange);
        Exception failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        int budget = exchange.getIn().getHeader(Exchange.REDELIVERY_MAX_COUNTER, 0, Integer.class);
        String why = failure == null ? "unknown" : Secrets.mask(failure.getClass().getSimpleName() + ": " + failure.getMessage());
        if (awayHold.isHeld(exchange)) {
            LOG.warn("Event {} not delivered to the CRM ({} sink), held and tried again (retry {}, past its budget of {}): the CRM has"
                    + " taken no event since its budget began (crm.retry.while-away): {}", exchange.getVariable("eventLogName"), sink,
                    exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER), budget, why);
        } else {
            LOG.warn("Event {} not delivered to the CRM ({} sink), tried again (retry {} of {}): {}",
                    exchange.getVariable("eventLogName"), sink, awayHold.retryInBudget(exchange), budget, why);
        }
    }

    /**
     * The JMS sink's broker failed a send: the outbox message's attempt starts over in a new transaction, with no
     * redelivery of the delivery's own to count it or say why (Camel's line names a wrapper only). Counted as a retry,
     * and one WARN line gives the broker's reason.
     */
    public void sendFailed(Exception failure) {
        metrics.count(Counters.CRM_RETRIES, sink);
        retries.sendFailed();
        LOG.warn("The JMS sink's broker failed a send, which is tried again: {}", Secrets.mask(RouteStartupCheck.rootMessage(failure)));
    }
}
