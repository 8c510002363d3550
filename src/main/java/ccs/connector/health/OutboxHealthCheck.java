package ccs.connector.health;

import java.time.Duration;
import java.util.Map;

import ccs.connector.config.EffectiveSettings;
import ccs.connector.config.RouteStartupCheck;
import ccs.connector.crm.OutboxSpace;
import ccs.connector.crm.OutboxUnavailableException;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
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

    public OutboxHealthCheck(ConnectionFactory outbox, String brokerUrl, OutboxSpace space, Duration cacheFor) {
        super("outbox", cacheFor, "the outbox's broker");
        this.outbox = outbox;
        this.broker = EffectiveSettings.broker(brokerUrl);
        this.space = space;
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
     * be written, say), the sends after it are held until a probe finds the broker up again.
     */
    public void sendFailed(Exception failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof JMSException || cause instanceof JmsException) {
                markDown("a send into the outbox failed: " + RouteStartupCheck.rootMessage(failure));
                return;
            }
        }
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
            return new Probe(null, Map.of("broker", broker));
        } catch (JMSException e) {
            return new Probe("the outbox's broker refuses connections: " + e.getMessage(), Map.of("broker", broker));
        }
    }
}
