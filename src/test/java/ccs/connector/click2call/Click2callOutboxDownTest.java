package ccs.connector.click2call;

import java.time.Duration;
import java.util.Properties;

import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RefusingOutboxBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * click2call over JMS while the outbox (an Artemis of the test's own, {@code vm://1}) refuses every outcome for good: each
 * delivery of a request tries to publish its outcome within the retry budget (here 2 retries) and then gives the message
 * back to the click2call broker (the connector's embedded one, which puts it on its dead-letter queue {@code DLQ} after ten
 * deliveries), as the README says. The outbox's publish once cleared the error handler's redelivery counter with every
 * other header: the outcome was tried again every {@code crm.retry.initial-delay} for ever, its message held.
 */
class Click2callOutboxDownTest extends ConnectorTestSupport {

    private static final String AGENT = "ayse.yilmaz@demo.example";
    private static final String TRANSACTION = "crm-jms-outbox-down";
    private static final String REQUEST = "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112251\", \"transactionId\": \"" + TRANSACTION + "\"}";
    private static final String NOT_JSON = "call 05351112252 for " + AGENT;

    private RefusingOutboxBroker outboxBroker;

    @Override
    protected void settings(Properties settings) {
        restCrm(settings);
        outboxBroker = RefusingOutboxBroker.startAsOutbox(settings, "ccs.outbox"::equals);
        settings.setProperty("crm.jms.broker-url", "vm://0");
        settings.setProperty("ccs.simulator.agents", AGENT);
        settings.setProperty("ccs.simulator.hangup-delay", "10m");
        crmRetries(settings, 2, "1s");
    }

    /** The connector first: its consumers would otherwise try to reconnect to the stopped broker until it stops. */
    @AfterAll
    void stopOutboxBroker() throws Exception {
        context.stop();
        outboxBroker.close();
    }

    @Test
    void requestsWhoseOutcomesTheOutboxNeverTakesGoBackToTheirBrokerAfterTheRetryBudget() throws Exception {
        outboxBroker.refuse(true);
        // Call Center Studio away a moment: the dispatch is tried again, and its retry does not count against the outcome's
        simulator().inject(Fault.status("click2call", 503, 1));

        sendClick2callText(REQUEST);
        sendClick2callText(NOT_JSON);

        // ten deliveries each, three attempts to publish at each: about half a minute; for ever before
        await().atMost(Duration.ofSeconds(120)).until(() -> browse("DLQ").size() == 2);
        assertThat(browse("DLQ")).containsExactlyInAnyOrder(REQUEST, NOT_JSON);
        assertThat(outboxBroker.refusals()).isEqualTo(2 * 10 * 3);
        // dialled at its first delivery (answered 503, then tried again); refused as dispatched at the others
        assertThat(simulator().requests("click2call")).filteredOn(r -> TRANSACTION.equals(r.params().get("transactionid"))).hasSize(2);
    }

}
