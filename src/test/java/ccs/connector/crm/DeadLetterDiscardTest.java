package ccs.connector.crm;

import java.net.http.HttpResponse;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DELETE /api/v1/dead-letters/{id}: a person gives up on a letter the CRM will never take; before, only SQL took one away, and
 * the letters waiting (the status page, the gauge ccs_dead_letters_waiting) never went back to zero.
 */
class DeadLetterDiscardTest extends ConnectorTestSupport {

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.health.cache", "1s");
    }

    @Test
    void aLetterGivenUpOnIsNoLongerWaitingAndItsEventIsNotDeliveredAgain() throws Exception {
        CloudEvent event = hangupEvent("discarded-1");
        crm.answerWhen(request -> request.body().contains(event.getId()), Answer.status(400));
        publish(event);
        Awaitility.await().until(() -> deadLetters().containsKey(event.getId()));
        Awaitility.await().until(() -> waitingGauge() == 1);

        HttpResponse<String> unknown = delete("/api/v1/dead-letters/demo:ccs.call.hangup:never-kept");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(json.readTree(unknown.body()).get("detail").asText()).contains("demo:ccs.call.hangup:never-kept");

        HttpResponse<String> discarded = delete("/api/v1/dead-letters/" + event.getId());
        assertThat(discarded.statusCode()).as(discarded.body()).isEqualTo(204);
        assertThat(deadLetters()).doesNotContainKey(event.getId());
        assertThat(json.readTree(get("/api/v1/status").body()).at("/deadLetters/waiting").asLong()).isZero();
        Awaitility.await().until(() -> waitingGauge() == 0);
        assertThat(delete("/api/v1/dead-letters/" + event.getId()).statusCode()).as("gone").isEqualTo(404);

        // its id stays final, as a dead-lettered one is: a repeat of the event does not reach the CRM, nor comes back as a letter
        int sent = requestsFor(crm, event.getId()).size();
        CloudEvent marker = hangupEvent("discarded-marker");
        publish(event);
        publish(marker);
        delivered(crm, marker.getId());
        assertThat(requestsFor(crm, event.getId())).hasSize(sent);
        assertThat(deadLetters()).doesNotContainKey(event.getId());
    }

    @Test
    void aLetterBeingReplayedIsNotDeleted() throws Exception {
        CloudEvent event = hangupEvent("discarded-2");
        crm.answerWhen(request -> request.body().contains(event.getId()), Answer.status(400));
        publish(event);
        Awaitility.await().until(() -> deadLetters().containsKey(event.getId()));
        // the replay marks the letter; with the leader's replay route stopped, it stays marked
        context.getRouteController().stopRoute("crm-dead-letter-replay");
        try {
            assertThat(post("/api/v1/dead-letters/replay", null, null).statusCode()).isEqualTo(202);
            HttpResponse<String> refused = delete("/api/v1/dead-letters/" + event.getId());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(json.readTree(refused.body()).get("detail").asText()).contains("is being replayed");
            assertThat(deadLetters()).containsKey(event.getId());
        } finally {
            context.getRouteController().startRoute("crm-dead-letter-replay");
        }
    }

    private double waitingGauge() throws Exception {
        Matcher gauge = Pattern.compile("(?m)^ccs_dead_letters_waiting(?:\\{[^}]*})? (\\S+)")
                .matcher(get("/observe/metrics").body());
        return gauge.find() ? Double.parseDouble(gauge.group(1)) : -1;
    }
}
