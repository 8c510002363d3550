package ccs.connector.support;

import org.junit.jupiter.api.AfterAll;

/**
 * A connector whose outbox's or CRM's broker is a {@link BlockingBroker}, full from the start: the test's
 * {@code settings} start it ({@link BlockingBroker#startAsOutbox}, {@link BlockingBroker#startAsCrm}) into
 * {@link #broker}, and it stops after the connector, whose consumers would otherwise try to reconnect to it until they stop.
 */
public abstract class BlockingBrokerTestSupport extends ConnectorTestSupport {

    protected BlockingBroker broker;

    @AfterAll
    void stopBlockingBroker() throws Exception {
        context.stop();
        broker.close();
    }
}
