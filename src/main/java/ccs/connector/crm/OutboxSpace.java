package ccs.connector.crm;

import java.util.function.BooleanSupplier;

/**
 * Whether the outbox's broker takes messages. The broker inside the connector blocks every producer while its
 * volume is fuller than {@code connector.broker.max-disk-usage}, and the Artemis client then waits for space without
 * a limit: a webhook would never be answered. The routes that answer a request (the webhook intake, the agent page's
 * status door) check here first, through bean {@code outboxHealth} (which also knows a broker found down), so that they
 * know at once ({@link OutboxFullException}: a webhook's event is then held in the state store, the status door answers
 * 503), and readiness says so. Bean
 * {@code outboxSpace} stays bound for routes copied from earlier versions. The connector's own consumers and the CDR poll wait for space instead:
 * failing them would send their messages round the broker's redeliveries into its DLQ. A shared broker's volume cannot be
 * checked here: the webhook intake and the status door wait for its send at most {@code connector.outbox.send-timeout}
 * (route outbox-send), and the
 * probe of bean {@code outboxHealth} asks it for room to send.
 */
public final class OutboxSpace {

    /** Why nothing goes into the broker, as readiness says it (a caller gets {@link OutboxFullException#ANSWER}). */
    public static final String FULL = "the outbox's broker takes no messages: its volume is fuller than connector.broker.max-disk-usage";

    private final BooleanSupplier diskFull;

    public OutboxSpace(BooleanSupplier diskFull) {
        this.diskFull = diskFull;
    }

    public boolean full() {
        return diskFull.getAsBoolean();
    }

    /** Throws while the broker takes no messages: called before a durable send into the outbox's broker. */
    public void check() {
        if (full()) {
            throw new OutboxFullException();
        }
    }
}
