package ccs.connector.crm;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.JMSException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hold of an outbox message's attempt (bean crmSinkBrokerAwayHold, the retryWhile and onRedelivery of route
 * configuration crm-store-retries), asked as Camel's error handler asks it: for each retry the counter is set, then
 * {@link CrmAwayHold#matches} decides and {@link CrmAwayHold#process} runs before the retry. Only the JMS sink's broker's
 * failures are held; the database's retries on the same exchange (recording the ids delivered) keep their own budget.
 */
class CrmAwayHoldAttemptTest {

    private static final int MAX_RETRIES = 2;

    private final DeliveryRetries retries = new DeliveryRetries(true);
    private final AtomicLong nowMillis = new AtomicLong();
    private final CrmAwayHold hold = CrmAwayHold.ofSinkBroker(retries, MAX_RETRIES, Duration.ofHours(1), nowMillis::get);
    private final Exchange attempt = new DefaultExchange(new DefaultCamelContext());

    CrmAwayHoldAttemptTest() {
        attempt.setVariable("outbox", new OutboxMessage(List.of(), true));
    }

    @Test
    void aDatabaseFailureAfterAHeldAttemptsBudgetAnewHasTheBudgetNotTheHoldsCount() {
        heldForRetries(100);
        retries.committed(5);
        // the CRM's broker takes events again: the held attempt gets its budget anew, from retry 101
        assertThat(retried(101, new JMSException("the broker is still away for this one"))).isTrue();

        // its page goes through; recording its ids meets the database away, counted from 1 (route crm-record-delivered)
        assertThat(retried(1, databaseAway())).isTrue();
        assertThat(retried(2, databaseAway())).isTrue();
        assertThat(retried(3, databaseAway())).as("past the budget of " + MAX_RETRIES).isFalse();
    }

    @Test
    void aDatabaseRetryDoesNotRenewTheHoldsLimit() {
        heldForRetries(10);
        nowMillis.set(Duration.ofMinutes(59).toMillis());
        // the ids' record retried on the same exchange (a page of an attempt before)
        assertThat(retried(1, databaseAway())).isTrue();

        assertThat(retried(11, new JMSException("the broker is away"))).as("within crm.retry.while-away").isTrue();
        nowMillis.set(Duration.ofMinutes(61).toMillis());
        assertThat(retried(12, new JMSException("the broker is away"))).as("an hour after the first retry").isFalse();
    }

    @Test
    void aDatabaseFailureIsNotHeld() {
        assertThat(retried(MAX_RETRIES, databaseAway())).isTrue();
        assertThat(retried(MAX_RETRIES + 1, databaseAway())).isFalse();
    }

    /** The attempt fails at the sink broker for these retries while the CRM takes nothing: each is tried again. */
    private void heldForRetries(int count) {
        for (int retry = 1; retry <= count; retry++) {
            assertThat(retried(retry, new JMSException("the broker is away"))).as("retry " + retry).isTrue();
        }
    }

    /** As the error handler: the failure and the counter on the exchange, then whether it is retried, then its onRedelivery. */
    private boolean retried(int retry, Exception failure) {
        attempt.getIn().setHeader(Exchange.REDELIVERY_COUNTER, retry);
        attempt.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("the attempt failed", failure));
        boolean again = hold.matches(attempt);
        if (again) {
            hold.process(attempt);
        }
        return again;
    }

    private static Exception databaseAway() {
        return new SQLTransientConnectionException("the database is away");
    }
}
