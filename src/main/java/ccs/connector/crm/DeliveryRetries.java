package ccs.connector.crm;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;

/**
 * Whether the latest attempt at delivering an event to the CRM failed for a reason that is retried (a 503, no answer in
 * time, a file sink that could not write), and how: to be made again, or its retries spent and the event dead-lettered.
 * Cleared when an event is delivered, or refused for good (a 400: the CRM answers). The CRM sink's health check reads
 * it: a REST CRM whose host takes connections (its probe) but answers every event 503, a load balancer with nothing
 * behind it, cannot take events either, also once the event in retry has gone to the dead letters. It names the HTTP
 * status or the kind of failure only, never the CRM's words: /observe/health asks for no key (the dead letters' reasons
 * quote them). It also counts the CRM's answers (an event taken, or refused for good), by which {@link CrmAwayHold} tells
 * a CRM that is away from one that fails one event only.
 */
public final class DeliveryRetries {

    private final AtomicLong answers = new AtomicLong();
    private final boolean takenAtCommit;
    private volatile String failing;

    /** @param takenAtCommit true for the JMS sink, whose sends the CRM has only once their transaction committed */
    public DeliveryRetries(boolean takenAtCommit) {
        this.takenAtCommit = takenAtCommit;
    }

    /** The attempt of the exchange failed and is to be made again (the delivery's onRedelivery, {@link RedeliveryCounter}). */
    void retrying(Exchange exchange) {
        failing = "the CRM failed the latest delivery, which is tried again: " + how(failure(exchange));
    }

    /**
     * The JMS sink's broker failed a send (a queue it does not have, a connection lost): the attempt rolls back and is
     * made again in a new transaction (crm-delivery-errors), with no redelivery of its own to note it.
     */
    public void sendFailed() {
        failing = "the CRM failed the latest delivery, which is tried again: its broker refused the send";
    }

    /** The CRM took an event (the JMS sink's: once it commits, {@link #committed}). */
    public void ended() {
        if (!takenAtCommit) {
            answers.incrementAndGet();
        }
        failing = null;
    }

    /** An attempt's transaction committed with these events sent: the JMS sink's CRM has them now. */
    public void committed(int events) {
        if (takenAtCommit) {
            answers.addAndGet(events);
        }
    }

    /**
     * An event went to the dead letters (route crm-dead-letter): refused for good (crm-delivery-errors sends those at
     * once), the CRM answers; else its retries were spent on a failure that would have been tried again, and the CRM
     * still fails.
     */
    public void deadLettered(Exception why) {
        if (why instanceof RejectedDeliveryException) {
            answers.incrementAndGet();
        }
        failing = why instanceof RejectedDeliveryException || why instanceof IllegalArgumentException ? null
                : "the CRM failed the latest delivery, its retries spent (dead-lettered): " + how(why);
    }

    /** How many events the CRM has taken or refused for good so far, on this replica. */
    long answers() {
        return answers.get();
    }

    /** What failed the latest attempt, while the CRM fails; null when the latest ended well. */
    public String problem() {
        return failing;
    }

    private static Exception failure(Exchange exchange) {
        return exchange.getException() != null ? exchange.getException() : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    private static String how(Exception why) {
        return why instanceof RetryableDeliveryException answer ? "HTTP " + answer.status()
                : why == null ? "unknown" : why.getClass().getSimpleName();
    }
}
