package ccs.connector.health;

import java.time.Duration;
import java.util.Map;

import ccs.connector.config.EffectiveSettings;
import ccs.connector.crm.OutboxSpace;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;

/** Readiness: the outbox's broker accepts a connection and takes messages, so what comes in can be stored durably. */
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
