package ccs.connector.health;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Call Center Studio refuses the app token from the start: the connector is ready all the same,
 * says so in one ERROR line naming the setting, answers click2call and screen pop by call key with
 * a 422 naming the token, and tries a login at most once per refusal hold.
 */
class AppTokenRefusedTest extends ConnectorTestSupport {

    private static final String WRONG_TOKEN = "wrong-app-token-4711";

    @Override
    protected void settings(Properties settings) {
        LogCapture.install();
        settings.setProperty("ccs.app-token", WRONG_TOKEN);
        settings.setProperty("ccs.simulator.app-token", "the-tenants-real-token");
        settings.setProperty("ccs.session.refusal-hold", "10m");
    }

    /** How the platform refuses the token, as every message about it quotes it: here in its own words. */
    protected String refusal() {
        return "Invalid Application Token";
    }

    @Test
    void theConnectorIsReadyAndSaysWhatIsWrongWithoutTheToken() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/metrics").body().contains("ccs_upstream_up{tenant=\"demo\"} 0.0"));

        for (int attempt = 0; attempt < 3; attempt++) {
            HttpResponse<String> click2call = post("/api/v1/click2call", "application/json",
                    "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\"}");
            assertThat(click2call.statusCode()).as(click2call.body()).isEqualTo(422);
            assertThat(click2call.body()).contains("ccs.app-token").contains(refusal());
        }
        HttpResponse<String> screenPop = get("/api/v1/screen-pop?activecallkey=some-call&agentEmail=mehmet.kaya@demo.example");
        assertThat(screenPop.statusCode()).as(screenPop.body()).isEqualTo(422);
        assertThat(screenPop.body()).contains("ccs.app-token");
        assertThat(get("/api/v1/screen-pop?activecallkey=some-call").statusCode()).as("by its CDR record, app token only").isEqualTo(422);

        assertThat(simulator().requests("login")).as("at most one login per refusal hold").hasSizeLessThanOrEqualTo(1);
        assertThat(get("/observe/health?exposureLevel=full").body()).contains("ccs-upstream").contains("ccs.app-token");
        String logs = LogCapture.text();
        assertThat(Arrays.stream(logs.split("\n")).filter(line -> line.contains(" ERROR ") && line.contains("tenant demo "))).singleElement()
                .asString().contains("ccs.app-token");
        assertThat(logs + get("/observe/health?exposureLevel=full").body()).doesNotContain(WRONG_TOKEN);
    }

    @Test
    void theStatusSaysTheTenantsTokenIsRefusedNotThatCallCenterStudioDoesNotAnswer() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/metrics").body().contains("ccs_upstream_up{tenant=\"demo\"} 0.0"));

        HttpResponse<String> status = get("/api/v1/status");

        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        JsonNode ccs = new ObjectMapper().readTree(status.body()).at("/tenants/0/ccs");
        assertThat(ccs.get("up").asBoolean()).isFalse();
        assertThat(ccs.path("problem").asText()).as("the status of the person on call: " + ccs).contains(refusal())
                .contains("ccs.app-token");
        assertThat(status.body()).doesNotContain(WRONG_TOKEN);
    }

    @Test
    void aCdrPollThatTheTokenFailsSaysSoOnTheStatusPageAndInItsLogLine() throws Exception {
        template.sendBody("direct:cdr-poll", null);

        JsonNode poll = new ObjectMapper().readTree(get("/api/v1/status").body()).at("/tenants/0/lastPoll");
        assertThat(poll.path("ok").asBoolean()).as(poll.toString()).isFalse();
        assertThat(poll.path("problem").asText()).contains("application token of tenant demo was refused", refusal(), "ccs.app-token");
        assertThat(Arrays.stream(LogCapture.text().split("\n")).filter(line -> line.contains("CDR poll of tenant demo failed")))
                .isNotEmpty().allSatisfy(line -> assertThat(line).contains(refusal(), "ccs.app-token").doesNotContain(WRONG_TOKEN));
    }
}
