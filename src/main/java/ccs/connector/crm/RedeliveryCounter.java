package ccs.connector.crm;

import ccs.connector.config.Metrics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Counts the redeliveries of an event in the exchange variable {@value #VARIABLE}, for the
 * dead-letter record (Camel's own counter header does not survive to the dead-letter route),
 * and in the metric {@code ccs_crm_retries_total}; notes why in {@link DeliveryRetries}.
 */
public final class RedeliveryCounter implements Processor {

    public static final String VARIABLE = "redeliveries";

    private final Metrics metrics;
    private final String sink;
    private final DeliveryRetries retries;

    public RedeliveryCounter(Metrics metrics, String sink, DeliveryRetries retries) {
        this.metrics = metrics;
        this.sink = sink;
        this.retries = retries;
    }

    @Override
    public void process(Exchange exchange) {
        Integer redeliveries = exchange.getVariable(VARIABLE, Integer.class);
        exchange.setVariable(VARIABLE, redeliveries == null ? 1 : redeliveries + 1);
        metrics.count("ccs.crm.retries", "deliveries to the CRM tried again", "sink", sink);
        retries.retrying(exchange);
    }
}
