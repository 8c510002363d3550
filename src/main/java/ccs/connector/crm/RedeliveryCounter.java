package ccs.connector.crm;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Counts the redeliveries of an event in the exchange variable {@value #VARIABLE}, for the
 * dead-letter record; Camel's own counter header does not survive to the dead-letter route.
 */
public final class RedeliveryCounter implements Processor {

    public static final String VARIABLE = "redeliveries";

    @Override
    public void process(Exchange exchange) {
        Integer redeliveries = exchange.getVariable(VARIABLE, Integer.class);
        exchange.setVariable(VARIABLE, redeliveries == null ? 1 : redeliveries + 1);
    }
}
