package ccs.connector.webhook;

import java.time.Duration;

import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The webhook counters are on /observe/metrics at 0 from the start (the requests kept in the dead letters and the events
 * held, for both webhook routes; each outcome of a hangup's correlation and CDR lookup): a series that first appears at
 * 1 (the first request kept after a restart) is no increase to Prometheus, and an alert on it never fires.
 */
class WebhookCountersFromZeroTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void theWebhookCountersAreAtZeroFromTheStartAndCountTheFirstRequestKept() throws Exception {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_webhooks_dead_letters_total\\{.*route=\"webhook-hangup\".*} 0\\.0")
                .containsPattern("ccs_webhooks_dead_letters_total\\{.*route=\"webhook-ivr\".*} 0\\.0")
                .containsPattern("ccs_webhooks_held_total\\{.*route=\"webhook-hangup\".*} 0\\.0")
                .containsPattern("ccs_webhooks_held_total\\{.*route=\"webhook-ivr\".*} 0\\.0")
                .containsPattern("ccs_webhooks_correlation_total\\{.*outcome=\"retried\".*} 0\\.0")
                .containsPattern("ccs_webhooks_correlation_total\\{.*outcome=\"not-correlated\".*} 0\\.0")
                .containsPattern("ccs_webhooks_cdr_total\\{.*outcome=\"attached\".*} 0\\.0")
                .containsPattern("ccs_webhooks_cdr_total\\{.*outcome=\"retried\".*} 0\\.0")
                .containsPattern("ccs_webhooks_cdr_total\\{.*outcome=\"not-attached\".*} 0\\.0"));

        // a hangup callback that names no call: kept for a person, in the same series
        assertThat(post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                "called_num=05071303066&caller_num=05321112233").statusCode()).isEqualTo(400);
        assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_webhooks_dead_letters_total\\{.*route=\"webhook-hangup\".*} 1\\.0")
                .containsPattern("ccs_webhooks_dead_letters_total\\{.*route=\"webhook-ivr\".*} 0\\.0")
                .doesNotContainPattern("ccs_webhooks_dead_letters_total\\{.*route=\"webhook-hangup\".*} 0\\.0");
    }
}
