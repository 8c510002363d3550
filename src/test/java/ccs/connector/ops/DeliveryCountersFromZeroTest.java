package ccs.connector.ops;

import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delivery counters are on /observe/metrics at 0 from the start: a series that first appears at 1 (the first dead
 * letter or retry after a restart) is no increase to Prometheus, and an alert on it never fires. The deliveries are
 * counted by event type too.
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

    @Test
    void theDeliveriesAreCountedByEventTypeFromZero() throws Exception {
        // every type the connector builds, at 0 from the start: the operator tells CDR records from hangups and IVR notifications
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_crm_deliveries_total\\{.*outcome=\"delivered\".*sink=\"rest\",type=\"ccs.cdr\"} 0\\.0")
                .containsPattern("ccs_crm_deliveries_total\\{.*outcome=\"dead-lettered\".*sink=\"rest\",type=\"ccs.ivr.notification\"} 0\\.0"));
        double hangupsDelivered = counted("delivered", "ccs.call.hangup");
        double hangupsDeadLettered = counted("dead-lettered", "ccs.call.hangup");

        CloudEvent delivered = hangupEvent("typed-delivered-1");
        publish(delivered);
        delivered(crm, delivered.getId());
        // a CRM that refuses an event for good: dead-lettered at once
        CloudEvent refused = hangupEvent("typed-refused-1");
        crm.answerWhen(r -> r.body().contains(refused.getId()), Answer.status(400));
        publish(refused);
        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(refused.getId()));
        crm.clearRules();

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(counted("delivered", "ccs.call.hangup")).isEqualTo(hangupsDelivered + 1);
            assertThat(counted("dead-lettered", "ccs.call.hangup")).isEqualTo(hangupsDeadLettered + 1);
        });
        assertThat(counted("delivered", "ccs.cdr")).isZero();
        assertThat(counted("dead-lettered", "ccs.cdr")).isZero();
    }

    /** ccs_crm_deliveries_total of one outcome and type, which is on the scrape. */
    private double counted(String outcome, String type) throws Exception {
        Matcher count = Pattern.compile("ccs_crm_deliveries_total\\{[^}]*outcome=\"" + outcome + "\",sink=\"rest\",type=\"" + Pattern.quote(type) + "\"} (\\S+)")
                .matcher(get("/observe/metrics").body());
        assertThat(count.find()).as("ccs_crm_deliveries_total of outcome %s and type %s on the scrape", outcome, type).isTrue();
        return Double.parseDouble(count.group(1));
    }
}
