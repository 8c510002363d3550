package ccs.connector.health;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Readiness is the connector's own intake and storage; Call Center Studio and the CRM being down
 * show in the health details and the gauges, and the connector stays ready and keeps taking webhooks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadinessTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.health.cache", "0s");
    }

    @Test
    @Order(1)
    void readinessNamesTheOutboxAndTheDatabaseAndTheNeighboursShowUp() throws Exception {
        awaitReady();
        HttpResponse<String> ready = get("/observe/health/ready?exposureLevel=full");
        assertThat(ready.body()).contains("\"outbox\"", "\"database\"").doesNotContain("\"ccs-upstream\"", "\"crm-sink\"");
        assertThat(get("/observe/health?exposureLevel=full").body()).contains("\"ccs-upstream\"", "\"crm-sink\"");
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics().contains("ccs_upstream_up{tenant=\"demo\"} 1.0")
                && metrics().contains("crm_sink_up 1.0"));
    }

    @Test
    @Order(2)
    void aCrmThatIsDownLeavesTheConnectorReadyAndTakingWebhooks() throws Exception {
        crm.close();

        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
        HttpResponse<String> health = get("/observe/health?exposureLevel=full");
        assertThat(health.body()).contains("crm-sink").contains("does not accept connections");
        HttpResponse<String> hangup = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                "call_id=ready-1&call_date=2026-11-02+10%3A00%3A00&duration=4&disposition=ANSWER&tenant=demo");
        assertThat(hangup.statusCode()).as(hangup.body()).isEqualTo(200);
        assertThat(metrics()).contains("crm_sink_up 0.0");
        assertThat(crm.received()).as("the probe sends no request to the CRM").isEmpty();
    }

    @Test
    @Order(3)
    void callCenterStudioStoppedLeavesTheConnectorReady() throws Exception {
        simulator().close();

        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/observe/health?exposureLevel=full").body()).contains("ccs-upstream").contains("cannot be reached");
        assertThat(metrics()).contains("ccs_upstream_up{tenant=\"demo\"} 0.0");
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
    }

    private String metrics() throws Exception {
        return get("/observe/metrics").body();
    }

    private void awaitReady() {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 200);
    }
}
