package ccs.connector.ops;

import java.time.Duration;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** /observe/metrics counts webhooks, click2calls, failed requests and deliveries by outcome. */
class BusinessMetricsTest extends ConnectorTestSupport {

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.api-key", "metrics-test-key");
        // the simulator's own hangup callback of the click2call would be a second accepted webhook
        settings.setProperty("ccs.simulator.hangup-delay", "10m");
    }

    @Test
    void webhooksClick2callsErrorsAndDeliveriesAreCounted() throws Exception {
        String hangup = "call_id=metrics-1&call_date=2026-11-02+10%3A00%3A00&duration=12&transaction_id=t-1&called_num=05321234567";
        assertThat(post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded", hangup).statusCode()).isEqualTo(200);
        assertThat(post("/webhooks/ccs/hangup?token=wrong", "application/x-www-form-urlencoded", hangup).statusCode()).isEqualTo(401);
        String click2call = "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\"}";
        assertThat(post("/api/v1/click2call", "application/json", click2call, "X-Api-Key", "metrics-test-key").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                // the callback above, and the hangup callback of the click2call below once the simulator ends the call
                .containsPattern("ccs_webhooks_total\\{.*outcome=\"accepted\".*route=\"webhook-hangup\".*} [12]\\.0")
                .containsPattern("ccs_http_errors_total\\{.*route=\"webhook-hangup\".*status=\"401\".*} 1")
                .containsPattern("ccs_click2call_total\\{.*outcome=\"accepted\".*tenant=\"demo\".*} 1")
                .containsPattern("ccs_crm_deliveries_total\\{.*outcome=\"delivered\".*sink=\"file\".*} [1-9]"));
    }
}
