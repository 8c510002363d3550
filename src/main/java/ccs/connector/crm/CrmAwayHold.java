package ccs.connector.crm;

import java.time.Duration;
import java.util.function.LongSupplier;

import jakarta.jms.JMSException;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;

/**
 * Whether a delivery to the CRM that failed is tried again (the {@code retryWhile} of the delivery's error handlers):
 * within the retry budget ({@code crm.retry.max-retries}) always; past it only while the CRM has taken no event at all
 * since this one was first tried again, and for at most {@code crm.retry.while-away} since then. So a CRM that is away
 * (down for its maintenance, unreachable, answering 503 to everything) holds its events in the outbox, each consumer retrying its
 * own at {@code crm.retry.max-delay}, and none goes to the dead letters; one that takes other events but keeps failing
 * this one (a 500 on its content) sends it to the dead letters once its budget is spent, as before. The CRM's answers
 * are counted by {@link DeliveryRetries}.
 */
public final class CrmAwayHold implements Predicate, Processor {

    private final DeliveryRetries retries;
    private final int maxRetries;
    private final long whileAwayMillis;
    private final LongSupplier clock;
    private final String variable;
    private final boolean sinkBrokerOnly;

    private CrmAwayHold(DeliveryRetries retries, int maxRetries, Duration whileAway, LongSupplier clock, String variable,
            boolean sinkBrokerOnly) {
        this.retries = retries;
        this.maxRetries = maxRetries;
        this.whileAwayMillis = whileAway.toMillis();
        this.clock = clock;
        this.variable = variable;
        this.sinkBrokerOnly = sinkBrokerOnly;
    }

    /** For an event's own retries (route configuration crm-delivery-errors): every failure there is the CRM's. */
    public static CrmAwayHold ofEvents(DeliveryRetries retries, int maxRetries, Duration whileAway, LongSupplier clock) {
        return new CrmAwayHold(retries, maxRetries, whileAway, clock, "crmEventFirstRetry", false);
    }

    /**
     * For the retries of an outbox message's attempt (route configuration crm-store-retries): held past the budget only
     * when the JMS sink's broker failed it, on the message's first delivery from the outbox: once held for
     * crm.retry.while-away it goes back to the outbox, whose next deliveries spend the budget each and end in the dead
     * letters, as before (a hold on each would have held it ten times as long). The database away, or a queued
     * click2call's outcome that could not be stored, spend the budget as before.
     */
    public static CrmAwayHold ofSinkBroker(DeliveryRetries retries, int maxRetries, Duration whileAway, LongSupplier clock) {
        return new CrmAwayHold(retries, maxRetries, whileAway, clock, "crmAttemptFirstRetry", true);
    }

    /**
     * The error handler's onRedelivery: notes, before an exchange's first retry, the CRM's answers so far and the time
     * (on the exchange that is tried again: the one {@link #matches} is given is a copy, whose variables are lost).
     */
    @Override
    public void process(Exchange exchange) {
        int retry = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        if (retry == 1 || exchange.getVariable(variable) == null) {
            exchange.setVariable(variable, new FirstRetry(retries.answers(), clock.getAsLong()));
        }
    }

    @Override
    public boolean matches(Exchange exchange) {
        if (exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class) <= maxRetries) {
            return true;
        }
        if (sinkBrokerOnly && !sinkBrokerFailed(exchange)) {
            return false;
        }
        FirstRetry first = exchange.getVariable(variable, FirstRetry.class);
        if (first == null) {
            // a budget of 0: this is its first failure, nothing the CRM took since
            return whileAwayMillis > 0;
        }
        return retries.answers() == first.answersBefore() && clock.getAsLong() - first.atMillis() < whileAwayMillis;
    }

    /** An attempt at an outbox message's events, on its first delivery, that the JMS sink's broker failed (a send, or its commit). */
    private static boolean sinkBrokerFailed(Exchange exchange) {
        if (!(exchange.getVariable("outbox") instanceof OutboxMessage message) || message.isRedelivered()) {
            return false;
        }
        // the error handler has moved the failure to this property when it asks
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof JMSException) {
                return true;
            }
        }
        return false;
    }

    /** A clock in milliseconds that no change of the wall clock moves. */
    public static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }

    /** How many answers the CRM had given when the delivery was first tried again, and when that was. */
    private record FirstRetry(long answersBefore, long atMillis) {
    }
}
