package ccs.connector.health;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.FreePorts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A CRM broker that is down at startup does not stop the connector: it starts and is ready; the CRM sink shows down. */
class BrokerDownAtStartupTest extends ConnectorTestSupport {

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("crm.sink", "jms");
        settings.setProperty("crm.jms.broker-url", "tcp://127.0.0.1:" + FreePorts.next()
                + "?reconnectAttempts=0&initialConnectAttempts=1");
        settings.setProperty("connector.health.cache", "1s");
    }

    @Test
    void theConnectorIsReadyAndShowsTheCrmSinkDown() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 200);
        HttpResponse<String> health = get("/observe/health?exposureLevel=full");
        assertThat(health.body()).contains("crm-sink").contains("broker refuses connections");
        assertThat(context.getRouteController().getRouteStatus("crm-delivery").isStarted()).isTrue();
    }
}
