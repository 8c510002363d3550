package ccs.connector;

import java.net.http.HttpResponse;
import java.time.Duration;

import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HealthTest extends ConnectorTestSupport {

    @Test
    void healthAndMetricsAnswerOnTheServerPort() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> health = get("/observe/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
            // every check, without asking for them
            assertThat(health.body()).contains("\"ccs-upstream\"", "\"crm-sink\"", "\"outbox\"", "\"database\"");
            // and with ?data=true, their details: each tenant's state
            assertThat(get("/observe/health?data=true").body()).contains("\"data\"", "tenant.demo");
        });
        HttpResponse<String> metrics = get("/observe/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("camel_exchanges_total");
    }
}
