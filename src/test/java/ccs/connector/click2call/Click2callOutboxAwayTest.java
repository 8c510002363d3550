package ccs.connector.click2call;

import java.time.Duration;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RefusingOutboxBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * click2call over JMS when the click2call broker ({@code crm.jms.broker-url}, here the connector's embedded one, which
 * gives up on a message after ten deliveries) is not the outbox broker (an Artemis of the test's own,
 * {@code connector.outbox.broker-url=vm://1}, which refuses the outbox's messages while the test says so): an outbox
 * away for longer than those ten deliveries does not cost the request its outcome.
 */
class Click2callOutboxAwayTest extends ConnectorTestSupport {

    private static final String AGENT = "ayse.yilmaz@demo.example";
    private static final String TRANSACTION = "crm-jms-outbox-away";

    private RecordingHttpServer crm;
    private RefusingOutboxBroker outboxBroker;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        outboxBroker = RefusingOutboxBroker.startAsOutbox(settings, "ccs.outbox"::equals);
        settings.setProperty("crm.jms.broker-url", "vm://0");
        settings.setProperty("ccs.simulator.agents", AGENT);
        // no hangup callback during the test: its event would be refused by the outbox too
        settings.setProperty("ccs.simulator.hangup-delay", "10m");
        // a retry budget of about half a minute: longer than the embedded broker's ten deliveries, 1 s apart
        crmRetries(settings, 30, "1s");
    }

    /** The connector first: its consumers would otherwise try to reconnect to the stopped broker until it stops. */
    @AfterAll
    void stopOutboxBroker() throws Exception {
        context.stop();
        outboxBroker.close();
    }

    @Test
    void anOutcomeTheOutboxRefusesForLongerThanTheClick2callBrokersDeliveriesReachesTheCrmOnceItTakesIt() throws Exception {
        outboxBroker.refuse(true);

        sendClick2callText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05351112250\", \"transactionId\": \"" + TRANSACTION + "\"}");

        // away until the click2call broker would have given up on the message: more refused sends than its ten deliveries
        await().atMost(Duration.ofSeconds(90)).until(() -> outboxBroker.refusals() > 10 || !browse("DLQ").isEmpty());
        outboxBroker.refuse(false);

        assertThat(delivered(crm, "demo:ccs.click2call.accepted:" + TRANSACTION).at("/data/transactionId").asText()).isEqualTo(TRANSACTION);
        assertThat(failureIds(crm, "demo:ccs.click2call.failed:" + TRANSACTION)).isEmpty();
        assertThat(simulator().requests("click2call")).filteredOn(r -> TRANSACTION.equals(r.params().get("transactionid"))).hasSize(1);
        assertThat(browse("DLQ")).isEmpty();
    }

}
