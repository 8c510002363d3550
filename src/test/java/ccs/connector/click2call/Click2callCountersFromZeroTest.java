package ccs.connector.click2call;

import java.time.Duration;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A tenant's click2calls and call controls, accepted and failed, and its agents' logins of every outcome are on
 * /observe/metrics at 0 from the start: a series that first appears at 1 (the first queued request that failed or the
 * first refused app token after a restart) is no increase to Prometheus, and an alert on it never fires.
 */
class Click2callCountersFromZeroTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.api-key", "counters-test-key");
        // no hangup callback of the simulator's within the test
        settings.setProperty("ccs.simulator.hangup-delay", "10m");
    }

    @Test
    void everyTenantsClick2callsAndCallControlsAreCountedFromZero() throws Exception {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_click2call_total\\{.*outcome=\"accepted\",tenant=\"demo\"} 0\\.0")
                .containsPattern("ccs_click2call_total\\{.*outcome=\"failed\",tenant=\"demo\"} 0\\.0")
                .containsPattern("ccs_call_control_total\\{action=\"hangup\",.*outcome=\"failed\",tenant=\"demo\"} 0\\.0")
                .containsPattern("ccs_call_control_total\\{action=\"unhold\",.*outcome=\"accepted\",tenant=\"demo\"} 0\\.0")
                .containsPattern("ccs_logins_total\\{outcome=\"invalid-app-token\",tenant=\"demo\"} 0\\.0")
                .containsPattern("ccs_logins_total\\{outcome=\"success\",tenant=\"demo\"} 0\\.0"));

        // the same series count the first click2call and its agent's login
        String click2call = "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\"}";
        assertThat(post("/api/v1/click2call", "application/json", click2call, "X-Api-Key", "counters-test-key").statusCode()).isEqualTo(200);
        assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_click2call_total\\{.*outcome=\"accepted\",tenant=\"demo\"} 1\\.0")
                .containsPattern("ccs_click2call_total\\{.*outcome=\"failed\",tenant=\"demo\"} 0\\.0")
                .containsPattern("ccs_logins_total\\{outcome=\"success\",tenant=\"demo\"} 1\\.0")
                .doesNotContainPattern("ccs_logins_total\\{outcome=\"success\",tenant=\"demo\"} 0\\.0");
    }
}
