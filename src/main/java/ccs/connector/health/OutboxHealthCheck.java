package ccs.connector.health;

import java.time.Duration;
import java.util.Map;

import ccs.connector.crm.OutboxSpace;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;

/** Readiness: the outbox's broker accepts a connection and takes messages, so what comes in can be stored durably. */
public final class OutboxHealthCheck extends CachedHealthCheck {

    private final ConnectionFactory outbox;
    private final String brokerUrl;
    private final OutboxSpace space;

    public OutboxHealthCheck(ConnectionFactory outbox, String brokerUrl, OutboxSpace space, Duration cacheFor) {
        super("outbox", cacheFor, true);
        this.outbox = outbox;
        this.brokerUrl = brokerUrl;
        this.space = space;
    }

    @Override
    protected Probe probe() {
        if (space.full()) {
            return new Probe(OutboxSpace.FULL, Map.of("broker", brokerUrl));
        }
        try (Connection connection = outbox.createConnection()) {
            return new Probe(null, Map.of("broker", brokerUrl));
        } catch (JMSException e) {
            return new Probe("the outbox's broker refuses connections: " + e.getMessage(), Map.of("broker", brokerUrl));
        }
    }
}
