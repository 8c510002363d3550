package ccs.connector.status;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hangup acknowledged and waiting for its CDR record is not in the outbox yet: ccs_outbox_depth leaves it out, so the
 * status page's awaitingEnrichment is a gauge of its own, for an alert on hangups that wait before the outbox.
 */
class AwaitingEnrichmentGaugeTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Override
    protected void settings(Properties settings) {
        // each lookup waits for the platform as long as it may, and is tried again: the hangup stays in the stage
        settings.setProperty("connector.webhook.enrich-timeout", "30s");
        settings.setProperty("connector.webhook.enrich-retries", "5");
        settings.setProperty("connector.health.cache", "1s");
    }

    @Test
    void aHangupWaitingForItsCdrRecordIsOnTheScrapeUntilItEntersTheOutbox() throws Exception {
        simulator().inject(Fault.hold("reportsCDRLogs", 120_000, 1000));
        try {
            HttpResponse<String> answered = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                    "call_id=gauge-enrich-1&call_date=2026-11-02+10%3A00%3A00&duration=4&disposition=ANSWER&tenant=demo");
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                    .contains("ccs_outbox_awaiting_enrichment 1.0").contains("ccs_outbox_depth 0.0"));
        } finally {
            simulator().clearFaults();
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body()).contains("ccs_outbox_awaiting_enrichment 0.0"));
    }
}
