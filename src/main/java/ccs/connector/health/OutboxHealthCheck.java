package ccs.connector.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ccs.connector.config.EffectiveSettings;
import ccs.connector.config.RouteStartupCheck;
import ccs.connector.crm.OutboxSpace;
import ccs.connector.crm.OutboxUnavailableException;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.camel.ExchangeTimedOutException;
import org.springframework.jms.JmsException;

/**
 * Readiness: the outbox's broker accepts a connection and takes messages, so what comes in can be stored durably. Probed
 * through a connection of its own: the senders' cached connection is made again under a lock, which a broker that went
 * away holds for seconds at each attempt (the listeners' recoveries queue on it too).
 */
public final class OutboxHealthCheck extends CachedHealthCheck {

    private final ConnectionFactory outbox;
    /** the broker by its host: its URL's parameters may carry a password */
    private final String broker;
    private final OutboxSpace space;
    /** the queues a webhook's event goes into (the outbox's live queue, the hangups' enrichment queue) */
    private final List<String> intakeQueues;
    private final Duration sendTimeout;

    public OutboxHealthCheck(ConnectionFactory outbox, String brokerUrl, OutboxSpace space, List<String> intakeQueues, Duration sendTimeout,
            Duration cacheFor) {
        super("outbox", cacheFor, "the outbox's broker");
        this.outbox = outbox;
        this.broker = EffectiveSettings.broker(brokerUrl);
        this.space = space;
        this.intakeQueues = intakeQueues;
        this.sendTimeout = sendTimeout;
    }

    /**
     * Throws at once while the outbox is known to take no messages (route webhook-hand-on, before its send): its volume is
     * full, or its broker was down at the last probe or at a send since. A send would wait for the connection's recovery,
     * seconds at each attempt, and the webhooks would queue on the HTTP server's workers, readiness's requests among them.
     */
    public void check() {
        space.check();
        Probe probe = latest();
        if (probe != null && probe.problem() != null) {
            throw new OutboxUnavailableException(probe.problem());
        }
    }

    /**
     * A send into the outbox failed: when the broker failed it (a JMS failure in its causes, not an event that could not
     * be written, say), or did not take it within {@code connector.outbox.send-timeout}, the sends after it are held until
     * a probe finds the broker taking messages again. Answers the failure as the held event's letter names it.
     */
    public Exception sendFailed(Exception failure) {
        if (failure instanceof ExchangeTimedOutException) {
            return timedOut();
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof JMSException || cause instanceof JmsException) {
                markDown("a send into the outbox failed: " + RouteStartupCheck.rootMessage(failure));
                break;
            }
        }
        return failure;
    }

    /**
     * A broker whose disk or address is full blocks its producers, refusing nothing: the send waits for room without a
     * limit, and goes on in the background until the broker takes it or its connection ends.
     */
    private OutboxUnavailableException timedOut() {
        String problem = "the outbox's broker took no message within connector.outbox.send-timeout (" + sendTimeout.toMillis()
                + " ms): it blocks its producers (its disk or the address full?)";
        markDown(problem);
        return new OutboxUnavailableException(problem);
    }

    /** Probes the outbox's broker now: whether it takes messages (route webhook-held-release). */
    public boolean takesMessages() {
        refresh();
        return up();
    }

    @Override
    protected Probe probe() {
        if (space.full()) {
            return new Probe(OutboxSpace.FULL, Map.of("broker", broker));
        }
        try (Connection connection = outbox.createConnection()) {
            for (String queue : intakeQueues) {
                if (!BrokerRoom.grantsRoom(connection, queue)) {
                    return new Probe("the outbox's broker takes no messages into " + queue + ": it blocks its producers (its disk or the address full?)",
                            Map.of("broker", broker));
                }
            }
            return new Probe(null, Map.of("broker", broker));
        } catch (JMSException | ActiveMQException e) {
            return new Probe("the outbox's broker refuses connections: " + e.getMessage(), Map.of("broker", broker));
        }
    }
}
