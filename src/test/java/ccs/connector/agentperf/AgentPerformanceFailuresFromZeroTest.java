package ccs.connector.agentperf;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Properties;

import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A tenant's failed days of agent performance, daily and backfill, are on /observe/metrics at 0 from the start: a series that
 * first appears at 1 (the first day that failed after a restart) is no increase to Prometheus, and an alert on it never fires.
 */
class AgentPerformanceFailuresFromZeroTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String KEY = "crm-api-key-agent-performance-failures";

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.api-key", KEY);
        settings.setProperty("ccs.agent-performance.check-interval", "300ms");
        settings.setProperty("ccs.agent-performance.retry", "300ms");
    }

    @Test
    void aTenantsFailedDaysAreCountedFromZero() throws Exception {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_agent_performance_failures_total\\{.*kind=\"daily\",tenant=\"demo\"} 0\\.0")
                .containsPattern("ccs_agent_performance_failures_total\\{.*kind=\"backfill\",tenant=\"demo\"} 0\\.0"));

        // the next day asked of the platform fails once, the daily run's or this backfill's
        simulator().inject(Fault.status("reportsAgentPerf", 503, 1));
        LocalDate day = LocalDate.now(ZoneId.of("Europe/Istanbul")).minusDays(5);
        assertThat(post("/api/v1/agents/performance/backfill", "application/json", "{\"from\": \"" + day + "\", \"to\": \"" + day + "\"}",
                "X-Api-Key", KEY).statusCode()).isEqualTo(202);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_agent_performance_failures_total\\{.*kind=\"(daily|backfill)\",tenant=\"demo\"} 1\\.0"));
    }
}
