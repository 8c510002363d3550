package ccs.connector.crm;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A write of the embedded broker's journal or paging that fails (its volume full) makes Artemis shut itself down for
 * good ("AMQ222010: Critical IO Error, shutting down the server"): the connector then held every webhook in the state
 * store and delivered nothing until someone restarted it, while liveness stayed up. It is started again by itself, and
 * a hangup that came meanwhile reaches the CRM.
 */
class BrokerShutItselfDownTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.health.cache", "1s");
    }

    @Test
    void aBrokerThatShutItselfDownOnAFailedWriteIsStartedAgainAndDeliversWhatCameMeanwhile() throws Exception {
        assertThat(delivered(crm, acceptedHangup("before-the-failed-write"))).isNotNull();

        ActiveMQServer failed = context.hasService(EmbeddedBroker.class).server();
        // what Artemis's journal does when a write fails
        failed.getIoCriticalErrorListener().onIOException(new IOException("No space left on device"), "No space left on device", null);
        await().atMost(Duration.ofSeconds(30)).until(() -> failed.getState() == ActiveMQServer.SERVER_STATE.STOPPED);

        String meanwhile = acceptedHangup("while-the-broker-was-down");
        await().atMost(Duration.ofSeconds(60)).until(() -> requestsFor(crm, meanwhile).stream().anyMatch(RecordingHttpServer.Received::answeredOk));
        assertThat(delivered(crm, acceptedHangup("after-it-runs-again"))).isNotNull();
    }

    private String acceptedHangup(String callKey) throws Exception {
        HttpResponse<String> answer = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                "call_id=" + callKey + "&call_date=2020-02-24+19%3A07%3A34&duration=9&disposition=ANSWER&called_num=05071303066&caller_id=901");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return new ObjectMapper().readTree(answer.body()).get("id").asText();
    }
}
