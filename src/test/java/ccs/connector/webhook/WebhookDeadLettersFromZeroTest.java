package ccs.connector.webhook;

import java.time.Duration;

import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The webhook requests kept in the dead letters are counted on /observe/metrics from 0, for both webhook routes: a
 * series that first appears at 1 (the first request kept after a restart) is no increase to Prometheus, and an alert
 * on it never fires.
 */
class WebhookDeadLettersFromZeroTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void bothWebhookRoutesShowTheirDeadLettersAtZeroThenCountTheFirst() throws Exception {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_webhooks_dead_letters_total\\{.*route=\"webhook-hangup\".*} 0\\.0")
                .containsPattern("ccs_webhooks_dead_letters_total\\{.*route=\"webhook-ivr\".*} 0\\.0"));

        // a hangup callback that names no call: kept for a person, in the same series
        assertThat(post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                "called_num=05071303066&caller_num=05321112233").statusCode()).isEqualTo(400);
        assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_webhooks_dead_letters_total\\{.*route=\"webhook-hangup\".*} 1\\.0")
                .containsPattern("ccs_webhooks_dead_letters_total\\{.*route=\"webhook-ivr\".*} 0\\.0")
                .doesNotContainPattern("ccs_webhooks_dead_letters_total\\{.*route=\"webhook-hangup\".*} 0\\.0");
    }
}
