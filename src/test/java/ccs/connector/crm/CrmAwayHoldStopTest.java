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
 * The connector stopped (a rolling update) while it holds an event for a CRM that is away: the event does not go to the
 * dead letters on the way out, so its outbox message is not acknowledged (Camel's allowRedeliveryWhileStopping=false
 * would end the hold at the stop by sending the event to the dead letters).
 */
class CrmAwayHoldStopTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        crmRetries(settings, 1, "2s");
    }

    @Test
    void aStopWhileAnEventIsHeldSendsItNotToTheDeadLetters() {
        LogCapture.install();
        int logBefore = LogCapture.text().length();
        crm.answerWhen(r -> true, Answer.status(503));
        CloudEvent event = hangupEvent("held-at-stop");
        publish(event);
        // held: past its budget of 1 + 1 requests
        await().atMost(Duration.ofSeconds(30)).until(() -> requestsFor(crm, event.getId()).size() >= 4);

        context.stop();

        assertThat(LogCapture.text().substring(logBefore)).contains("held and tried again").doesNotContain("went to the dead letters");
    }
}
