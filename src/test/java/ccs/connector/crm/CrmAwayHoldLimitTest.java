package ccs.connector.crm;

import java.time.Duration;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event the CRM always fails (a 500 on its content) on a replica whose other events come now and then: each one the
 * CRM takes gives it a budget anew, but crm.retry.while-away still ends its hold, counted from its first retry.
 */
class CrmAwayHoldLimitTest extends ConnectorTestSupport {

    private static final Duration WHILE_AWAY = Duration.ofSeconds(3);
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        crmRetries(settings, 1, "300ms");
        settings.setProperty("crm.retry.while-away", WHILE_AWAY.toSeconds() + "s");
    }

    @Test
    void aHoldEndsAtWhileAwayAlsoWhileOtherEventsReachTheCrmNowAndThen() throws Exception {
        LogCapture.install();
        CloudEvent bad = hangupEvent("limit-bad");
        crm.answerWhen(r -> r.body().contains(bad.getId()), Answer.status(500));
        publish(bad);
        await().atMost(Duration.ofSeconds(30)).until(() -> LogCapture.text().contains("Event " + bad.getId() + " (transaction crm-limit-bad)"
                + " not delivered to the CRM (rest sink), held and tried again"));

        // one event a second, each taken, in message groups other than the bad one's; over five times crm.retry.while-away
        int taken = 0;
        for (int n = 0; taken < 5 * WHILE_AWAY.toSeconds() && !deadLetters().containsKey(bad.getId()); n++) {
            CloudEvent good = hangupEvent("limit-good-" + n);
            if (!good.getGroup().equals(bad.getGroup())) {
                publish(good);
                taken++;
                Thread.sleep(1000);
            }
        }
        assertThat(deadLetters()).as("dead-lettered while the other events came").containsKey(bad.getId());
        assertThat(deadLetters().get(bad.getId()).get("reason").asText()).contains("HTTP 500");
    }
}
