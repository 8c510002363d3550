package ccs.connector.ops;

import java.time.Duration;

import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delivery counters are on /observe/metrics at 0 from the start: a series that first appears at 1 (the first dead
 * letter after a restart) is no increase to Prometheus, and an alert on it never fires.
 */
class DeliveryCountersFromZeroTest extends ConnectorTestSupport {

    @Test
    void aConnectorThatDeliveredNothingYetShowsItsDeliveryCountersAtZero() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_crm_deliveries_total\\{.*outcome=\"dead-lettered\".*sink=\"file\".*} 0\\.0")
                .containsPattern("ccs_crm_deliveries_total\\{.*outcome=\"delivered\".*sink=\"file\".*} 0\\.0")
                .containsPattern("ccs_crm_dead_letters_total\\{.*sink=\"file\".*} 0\\.0"));
    }
}
