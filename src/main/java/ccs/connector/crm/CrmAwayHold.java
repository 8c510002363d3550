package ccs.connector.crm;

import java.time.Duration;
import java.util.function.LongSupplier;

import jakarta.jms.JMSException;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a delivery to the CRM that failed is tried again (the {@code retryWhile} of the delivery's error handlers):
 * within the retry budget ({@code crm.retry.max-retries}) always; past it only while the CRM has taken no event at all
 * from this replica since this one was first tried again, and for at most {@code crm.retry.while-away} since then. So a
 * CRM that is away (down for its maintenance, unreachable, answering 503 to everything) holds its events in the outbox,
 * each consumer retrying its own at {@code crm.retry.max-delay}, and none goes to the dead letters; once the CRM takes
 * events again a held one gets its budget anew. One that fails while the CRM takes others (a 500 on its content) goes to
 * the dead letters once its budget is spent, as before. The CRM's answers are counted by {@link DeliveryRetries}.
 */
public final class CrmAwayHold implements Predicate, Processor {

    private static final Logger LOG = LoggerFactory.getLogger(CrmAwayHold.class);

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

    /** For an event's own retries (route configuration crm-delivery-errors): every failure retried there is its sink's. */
    public static CrmAwayHold ofEvents(DeliveryRetries retries, int maxRetries, Duration whileAway, LongSupplier clock) {
        return new CrmAwayHold(retries, maxRetries, whileAway, clock, "crmEventHold", false);
    }

    /**
     * For the retries of an outbox message's attempt (route configuration crm-store-retries): held past the budget only
     * when the JMS sink's broker failed it, on the message's first delivery from the outbox: once held for
     * crm.retry.while-away it goes back to the outbox, whose next deliveries spend the budget each and end in the dead
     * letters, as before (a hold on each would have held it ten times as long). The database away, or a queued
     * click2call's outcome that could not be stored, spend the budget as before.
     */
    public static CrmAwayHold ofSinkBroker(DeliveryRetries retries, int maxRetries, Duration whileAway, LongSupplier clock) {
        return new CrmAwayHold(retries, maxRetries, whileAway, clock, "crmAttemptHold", true);
    }

    /**
     * The error handler's onRedelivery (on the exchange that is tried again: the one {@link #matches} is given is a copy,
     * whose variables are lost): notes, before an exchange's first retry, the CRM's answers so far and the time; once the
     * retry is past the budget, that the event is held; and once the CRM took an event since, for a held event, a budget
     * anew from here. An event whose outbox message the broker took back (this consumer's connection lost) is tried no
     * more: its message's next delivery, maybe on another replica, has it.
     */
    @Override
    public void process(Exchange exchange) {
        if (sinkBrokerOnly && !failedAtSinkBroker(exchange)) {
            // the database's retries (a query, recording what was delivered) hold nothing: they neither stop nor mark
            return;
        }
        if (exchange.getVariable("outbox") instanceof OutboxMessage message && message.isTakenBack()) {
            LOG.warn("{} not delivered to the CRM, tried no more from here: the outbox took its message back (this replica's"
                    + " connection to its broker was lost), whose next delivery has it", what(exchange, message));
            exchange.setRouteStop(true);
            return;
        }
        int retry = retryOf(exchange);
        Mark mark = exchange.getVariable(variable, Mark.class);
        // at the first retry always: a variable copied from the exchange this one came from is not its own
        if (mark == null || retry == 1) {
            mark = new Mark(retries.answers(), clock.getAsLong(), 0, false);
        } else if (mark.held() && retries.answers() != mark.answersBefore()) {
            // the CRM is back: a budget anew, the hold's limit still counted from the first retry
            mark = new Mark(retries.answers(), mark.atMillis(), retry - 1, false);
        }
        if (!mark.held() && retry - mark.budgetFrom() > maxRetries) {
            mark = new Mark(mark.answersBefore(), mark.atMillis(), mark.budgetFrom(), true);
        }
        exchange.setVariable(variable, mark);
    }

    @Override
    public boolean matches(Exchange exchange) {
        if (sinkBrokerOnly && !failedAtSinkBroker(exchange)) {
            // a failure that is not the sink broker's (the database's: a query, recording the ids delivered) spends the
            // budget as Camel counts it: a held attempt's budget anew is the sink broker's alone
            return retryOf(exchange) <= maxRetries;
        }
        Mark mark = exchange.getVariable(variable, Mark.class);
        if (retryOf(exchange) - (mark == null ? 0 : mark.budgetFrom()) <= maxRetries) {
            return true;
        }
        if (sinkBrokerOnly && !firstDelivery(exchange)) {
            return false;
        }
        if (mark == null) {
            // a budget of 0: its first failure, with nothing taken since to tell the CRM away from the event
            return whileAwayMillis > 0;
        }
        if (retries.answers() == mark.answersBefore()) {
            return clock.getAsLong() - mark.atMillis() < whileAwayMillis;
        }
        // the CRM took events since: one that failed this event meanwhile spent its budget; a held one gets it anew
        return mark.held();
    }

    /** True while the exchange is held past its budget because the CRM takes nothing (after {@link #process}). */
    public boolean isHeld(Exchange exchange) {
        Mark mark = exchange.getVariable(variable, Mark.class);
        return mark != null && mark.held();
    }

    /** The number of the exchange's next retry within its budget (after {@link #process}). */
    public int retryInBudget(Exchange exchange) {
        Mark mark = exchange.getVariable(variable, Mark.class);
        return retryOf(exchange) - (mark == null ? 0 : mark.budgetFrom());
    }

    private static Object what(Exchange exchange, OutboxMessage message) {
        Object event = exchange.getVariable("eventLogName");
        return event != null ? "Event " + event : "An outbox message of " + message.getSize() + " events";
    }

    private static int retryOf(Exchange exchange) {
        return exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
    }

    /** An attempt at an outbox message's events on its first delivery from the outbox. */
    private static boolean firstDelivery(Exchange exchange) {
        return exchange.getVariable("outbox") instanceof OutboxMessage message && !message.isRedelivered();
    }

    private static boolean failedAtSinkBroker(Exchange exchange) {
        // the error handler has moved the failure to this property when it asks
        for (Throwable c = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class); c != null; c = c.getCause()) {
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

    /**
     * How many answers the CRM had given when the delivery was first tried again (or, for a held one, when the CRM took
     * events again), and when that was; the retry after which its budget counts; whether it is held past that budget.
     */
    private record Mark(long answersBefore, long atMillis, int budgetFrom, boolean held) {
    }
}
