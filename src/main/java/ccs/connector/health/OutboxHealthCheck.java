package ccs.connector.health;

import java.time.Duration;
import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;

/** Readiness: the outbox's broker accepts a connection, so what comes in can be stored durably. */
public final class OutboxHealthCheck extends CachedHealthCheck {

    private final ConnectionFactory outbox;
    private final String brokerUrl;

    public OutboxHealthCheck(ConnectionFactory outbox, String brokerUrl, Duration cacheFor) {
        super("outbox", cacheFor, true);
        this.outbox = outbox;
        this.brokerUrl = brokerUrl;
    }

    @Override
    protected Probe probe() {
        try (Connection connection = outbox.createConnection()) {
            return new Probe(null, Map.of("broker", brokerUrl));
        } catch (JMSException e) {
            return new Probe("the outbox's broker refuses connections: " + e.getMessage(), Map.of("broker", brokerUrl));
        }
    }
}
