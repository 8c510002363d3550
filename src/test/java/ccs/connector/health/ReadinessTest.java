package ccs.connector.health;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.ExhaustedPool;
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
        // route dependency-probe probes the neighbours every second
        settings.setProperty("connector.health.cache", "1s");
        settings.setProperty("ccs.cdr.enabled", "false");
    }

    @Test
    @Order(1)
    void readinessNamesTheIntakeOfTheOutboxAndTheDatabaseAndTheNeighboursShowUp() throws Exception {
        awaitReady();
        HttpResponse<String> ready = get("/observe/health/ready?exposureLevel=full");
        assertThat(ready.body()).contains("\"intake\"").doesNotContain("\"outbox\"", "\"database\"", "\"ccs-upstream\"", "\"crm-sink\"");
        assertThat(get("/observe/health?exposureLevel=full").body()).contains("\"ccs-upstream\"", "\"crm-sink\"", "\"outbox\"", "\"database\"");
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics().contains("ccs_upstream_up{tenant=\"demo\"} 1.0")
                && metrics().contains("crm_sink_up 1.0"));
    }

    @Test
    @Order(2)
    void aCrmThatIsDownLeavesTheConnectorReadyAndTakingWebhooks() throws Exception {
        crm.close();

        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health?exposureLevel=full").body().contains("does not accept connections"));
        assertThat(get("/observe/health?exposureLevel=full").body()).contains("crm-sink");
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
        // a connection kept from before the stop may first fail as no answer; the probe after it finds nothing listening
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health?exposureLevel=full").body().contains("cannot be reached"));
        assertThat(metrics()).contains("ccs_upstream_up{tenant=\"demo\"} 0.0");
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void aDatabaseThatGivesNoConnectionShowsWithinTheProbesTimeAndLeavesTheConnectorReadyAndTakingWebhooks() throws Exception {
        awaitReady();
        DataSource store = stateStore().dataSource();
        try (ExhaustedPool exhausted = new ExhaustedPool(store)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health?exposureLevel=full").body()
                    .contains("the connector's database did not answer within 3 s"));
            // the outbox stores what comes in: the platform's webhooks must keep finding the connector
            HttpResponse<String> ready = get("/observe/health/ready?exposureLevel=full");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("{\"name\":\"intake\",\"status\":\"UP\"}");
            HttpResponse<String> hangup = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                    "call_id=ready-2&call_date=2026-11-02+10%3A00%3A00&duration=4&disposition=ANSWER&tenant=demo");
            assertThat(hangup.statusCode()).as(hangup.body()).isEqualTo(200);
            // a scrape reads no gauge from the database: it held each scrape for the pool's 30 s (the backfill's progress)
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/observe/metrics")).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.body()).contains("ccs_cdr_backfill_progress_percent{tenant=\"demo\"}", "ccs_outbox_depth");
            // the dead letters' gauges say they cannot be read within the status's 3 s, not after the pool's 30 s with the
            // outbox's depth held behind them
            await().atMost(Duration.ofSeconds(15)).until(() -> metrics().contains("ccs_dead_letters_waiting NaN"));
        }
        awaitReady();
    }

    private String metrics() throws Exception {
        return get("/observe/metrics").body();
    }

    private void awaitReady() {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 200);
    }
}
