package ccs.connector.ops;

import java.time.Duration;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delivery counters are on /observe/metrics at 0 from the start: a series that first appears at 1 (the first dead
 * letter or retry after a restart) is no increase to Prometheus, and an alert on it never fires.
 */
class DeliveryCountersFromZeroTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("crm.retry.initial-delay", "100ms");
    }

    @Test
    void aConnectorThatDeliveredNothingYetShowsItsDeliveryCountersAtZeroThenCountsItsFirstRetry() {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_crm_deliveries_total\\{.*outcome=\"dead-lettered\".*sink=\"rest\".*} 0\\.0")
                .containsPattern("ccs_crm_deliveries_total\\{.*outcome=\"delivered\".*sink=\"rest\".*} 0\\.0")
                .containsPattern("ccs_crm_dead_letters_total\\{.*sink=\"rest\".*} 0\\.0")
                .containsPattern("ccs_crm_retries_total\\{.*sink=\"rest\".*} 0\\.0"));

        // the same series counts the first retry: a CRM that answers 503 once
        crm.thenAnswer(Answer.status(503));
        CloudEvent event = hangupEvent("first-retry-1");
        publish(event);
        delivered(crm, event.getId());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_crm_retries_total\\{.*sink=\"rest\".*} 1\\.0")
                .doesNotContainPattern("ccs_crm_retries_total\\{.*} 0\\.0"));
    }
}
