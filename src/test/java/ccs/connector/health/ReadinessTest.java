package ccs.connector.health;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Readiness follows Call Center Studio and the CRM; liveness does not. */
class ReadinessTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = startHttpServer();
        settings.setProperty("crm.sink", "rest");
        settings.setProperty("crm.rest.url", crm.url("/events"));
        settings.setProperty("connector.health.cache", "0s");
    }

    @Test
    void anUpstreamFaultMakesTheConnectorNotReadyButStillLive() throws Exception {
        awaitReady();
        simulator().inject(Fault.status("ping", 503, 1000));
        try {
            HttpResponse<String> ready = get("/observe/health/ready?exposureLevel=full");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("ccs-upstream").contains("answered HTTP 503").doesNotContain(simulator().appToken());
            assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
        } finally {
            simulator().clearFaults();
        }
        awaitReady();
    }

    @Test
    void aCrmThatAcceptsNoConnectionsMakesTheConnectorNotReady() throws Exception {
        awaitReady();
        crm.close();

        HttpResponse<String> ready = get("/observe/health/ready?exposureLevel=full");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("crm-sink").contains("does not accept connections");
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
        assertThat(crm.received()).as("the probe sends no request to the CRM").isEmpty();
    }

    private void awaitReady() {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 200);
    }
}
