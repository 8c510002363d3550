package ccs.connector.crm;

import org.apache.camel.Exchange;

/**
 * Whether the latest attempt at delivering an event to the CRM failed and is to be made again (a 503, no answer in
 * time, a file sink that could not write), and how; cleared when an event's attempts end (delivered, or dead-lettered).
 * The CRM sink's health check reads it: a REST CRM whose host takes connections (its probe) but answers every
 * event 503, a load balancer with nothing behind it, cannot take events either. It names the HTTP status or the kind of
 * failure only, never the CRM's words: /observe/health asks for no key (the dead letters' reasons quote them).
 */
public final class DeliveryRetries {

    private volatile String failing;

    /** The attempt of the exchange failed and is to be made again (the delivery's onRedelivery, {@link RedeliveryCounter}). */
    void retrying(Exchange exchange) {
        Exception why = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        failing = why instanceof RetryableDeliveryException answer ? "HTTP " + answer.status()
                : why == null ? "unknown" : why.getClass().getSimpleName();
    }

    /**
     * The JMS sink's broker failed a send (a queue it does not have, a connection lost): the attempt rolls back and is
     * made again in a new transaction (crm-delivery-errors), with no redelivery of its own to note it.
     */
    public void sendFailed() {
        failing = "its broker refused the send";
    }

    /** An event's attempts ended: the CRM took it, or it went to the dead letters (route crm-dead-letter). */
    public void ended() {
        failing = null;
    }

    /** What failed the latest attempt, while it is to be made again; null when the latest ended. */
    public String problem() {
        String how = failing;
        return how == null ? null : "the CRM failed the latest delivery, which is tried again: " + how;
    }
}
