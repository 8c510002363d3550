package ccs.connector.health;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import ccs.connector.ConnectorConfiguration;
import ccs.connector.state.Database;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import com.zaxxer.hikari.HikariDataSource;
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
    void aDatabaseThatGivesNoConnectionMakesTheConnectorUnreadyWithinTheProbesTimeNamingIt() throws Exception {
        awaitReady();
        DataSource store = context.getRegistry().lookupByNameAndType(ConnectorConfiguration.STATE_STORE, Database.class).dataSource();
        // more asked of the pool than it holds (queries that hang, say): every connection taken, and one handed back
        // goes to the waiters that asked before the probe
        int asking = ((HikariDataSource) store).getMaximumPoolSize() + 6;
        ExecutorService askers = Executors.newFixedThreadPool(asking);
        List<CompletableFuture<Connection>> asked = IntStream.range(0, asking)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> connection(store), askers)).toList();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> asked.stream().anyMatch(CompletableFuture::isDone));
            // once the readiness probe of a second before has had its time
            await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 503);
            HttpResponse<String> ready = get("/observe/health/ready?exposureLevel=full");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("the connector's database did not answer within 3 s");
        } finally {
            asked.forEach(connection -> connection.thenAccept(ReadinessTest::close));
            askers.shutdown();
        }
        awaitReady();
    }

    private static Connection connection(DataSource pool) {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            return null;
        }
    }

    private static void close(Connection connection) {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String metrics() throws Exception {
        return get("/observe/metrics").body();
    }

    private void awaitReady() {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 200);
    }
}
