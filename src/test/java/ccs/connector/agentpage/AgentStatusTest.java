package ccs.connector.agentpage;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent page's door POST /agent/status over real HTTP: what the page forwards of the softphone's
 * AgentStatus messages reaches the CRM (REST sink, a real local HTTP server) as ccs.agent.status events.
 */
class AgentStatusTest extends ConnectorTestSupport {

    private static final String AGENT = "ayse.yilmaz@demo.example";
    private static final String OTHER = "mehmet.kaya@demo.example";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.agent-page.statuses-per-minute", "20");
    }

    /** A page, or a cookie taken from one, cannot flood the CRM with events; another agent's page has its own count. */
    @Test
    void anAgentsPageForwardsAtMostItsStatusesAMinute() throws Exception {
        String cookie = agentPageCookie("selin.koc@demo.example");
        for (int i = 0; i < 20; i++) {
            assertThat(forward(cookie, "{\"status\": \"busy\", \"time\": \"2026-11-30T11:00:" + (10 + i) + "Z\"}").statusCode()).isEqualTo(200);
        }

        HttpResponse<String> refused = forward(cookie, "{\"status\": \"busy\", \"time\": \"2026-11-30T11:00:59Z\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(json.readTree(refused.body()).get("detail").asText())
                .isEqualTo("this agent's page asked for more than 20 statuses within a minute (connector.agent-page.statuses-per-minute): try again later");
        assertThat(crm.received()).noneMatch(r -> r.body().contains("2026-11-30T11:00:59Z"));
        assertThat(forward(agentPageCookie(OTHER), "{\"status\": \"busy\", \"time\": \"2026-11-30T11:00:59Z\"}").statusCode())
                .as("another agent's page").isEqualTo(200);
    }

    @Test
    void aForwardedStatusReachesTheCrmAsAnEventOfThePagesAgent() throws Exception {
        HttpResponse<String> answer = forward(agentPageCookie(AGENT), "{\"status\": \"available\", \"time\": \"2026-11-30T09:15:02.120+03:00\"}");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String id = "demo:ccs.agent.status:" + AGENT + ":2026-11-30T06:15:02.120Z:" + statusDigest("available");
        assertThat(json.readTree(answer.body()).get("id").asText()).isEqualTo(id);
        JsonNode event = delivered(crm, id);
        assertThat(event.get("type").asText()).isEqualTo("ccs.agent.status");
        assertThat(event.get("source").asText()).isEqualTo("ccs/demo");
        assertThat(event.get("subject").asText()).isEqualTo(AGENT);
        assertThat(event.get("time").asText()).isEqualTo("2026-11-30T06:15:02Z");
        assertThat(json.writeValueAsString(event.get("data")))
                .isEqualTo("{\"agent\":\"" + AGENT + "\",\"status\":\"available\",\"time\":\"2026-11-30T06:15:02.120Z\"}");
    }

    @Test
    void theSameChangeForwardedAgainIsOneEventAndTheNextChangeAnother() throws Exception {
        String cookie = agentPageCookie(AGENT);
        String change = "{\"status\": \"lunch\", \"time\": \"2026-11-30T10:00:00Z\"}";
        for (int i = 0; i < 3; i++) {
            assertThat(forward(cookie, change).statusCode()).isEqualTo(200);
        }
        String next = json.readTree(forward(cookie, "{\"status\": \"Mola: Kısa (15 dk)\", \"time\": \"2026-11-30T10:30:00Z\"}").body())
                .get("id").asText();

        assertThat(delivered(crm, next).get("data").get("status").asText()).as("a status as the softphone names it").isEqualTo("Mola: Kısa (15 dk)");
        String id = "demo:ccs.agent.status:" + AGENT + ":2026-11-30T10:00:00Z:" + statusDigest("lunch");
        assertThat(delivered(crm, id).get("data").get("status").asText()).isEqualTo("lunch");
        await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> requestsFor(crm, id).size() == 1);

        String sameSecond = json.readTree(forward(cookie, "{\"status\": \"available\", \"time\": \"2026-11-30T10:00:00Z\"}").body())
                .get("id").asText();
        assertThat(sameSecond).isEqualTo("demo:ccs.agent.status:" + AGENT + ":2026-11-30T10:00:00Z:" + statusDigest("available"));
        assertThat(delivered(crm, sameSecond).get("data").get("status").asText()).as("another change stamped with the same time").isEqualTo("available");
    }

    @Test
    void theDoorAnswersOnlyWithThePagesCookieAndOnlyForItsAgent() throws Exception {
        String cookie = agentPageCookie(AGENT);
        String body = "{\"status\": \"training\", \"time\": \"2026-11-30T11:00:00Z\"%s}";

        assertThat(forward(null, String.format(body, "")).statusCode()).isEqualTo(401);
        assertThat(forward("ccs-agent=forged.value.1.x", String.format(body, "")).statusCode()).isEqualTo(401);
        assertThat(forward(cookie, String.format(body, ", \"agentEmail\": \"" + OTHER + "\"")).statusCode()).isEqualTo(403);
        assertThat(forward(cookie, String.format(body, ", \"tenant\": \"acme\"")).statusCode()).isEqualTo(403);
        HttpResponse<String> own = forward(cookie, String.format(body, ", \"agentEmail\": \"" + AGENT.toUpperCase() + "\", \"tenant\": \"demo\""));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);

        assertThat(delivered(crm, json.readTree(own.body()).get("id").asText()).get("data").get("agent").asText()).isEqualTo(AGENT);
        await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> crm.received().stream()
                .noneMatch(r -> r.body().contains(OTHER) || r.body().contains("acme")));
    }

    @Test
    void aBadForwardIsRefusedNamingTheFieldAndNothingIsPublished() throws Exception {
        String cookie = agentPageCookie(AGENT);
        String time = "\"time\": \"2026-11-30T12:00:00Z\"";

        assertProblem(forward(cookie, "{\"status\": \"meeting\", " + time + ", \"session\": \"s3ss10n-value\"}"), "session");
        assertProblem(forward(cookie, "{" + time + "}"), "status");
        assertProblem(forward(cookie, "{\"status\": \"" + "m".repeat(65) + "\", " + time + "}"), "status");
        assertProblem(forward(cookie, "{\"status\": {\"name\": \"meeting\"}, " + time + "}"), "status");
        assertProblem(forward(cookie, "{\"status\": \"<b>meeting</b>\", " + time + "}"), "status");
        assertProblem(forward(cookie, "{\"status\": \"null\", " + time + "}"), "status");
        assertProblem(forward(cookie, "{\"status\": \"meeting\"}"), "time");
        assertProblem(forward(cookie, "{\"status\": \"meeting\", \"time\": \"yesterday\"}"), "time");
        // a clock that is wrong: a CRM would take such a time as the agent's latest status for ever
        assertProblem(forward(cookie, "{\"status\": \"meeting\", \"time\": \"1970-01-01T00:00:00Z\"}"), "time");
        assertProblem(forward(cookie, "{\"status\": \"meeting\", \"time\": \"" + Instant.now().plus(Duration.ofDays(2)) + "\"}"), "time");
        assertProblem(forward(cookie, "{\"status\": \"meeting\", \"time\": \"+999999999-12-31T23:59:59Z\"}"), "time");
        assertProblem(forward(cookie, "[\"meeting\"]"), null);
        assertProblem(forward(cookie, "status=meeting"), null);
        // one JSON object, each field once, as sent: neither the last of two statuses nor an object in quotes
        assertProblem(forward(cookie, "{\"status\": \"meeting\", \"status\": \"coaching\", " + time + "}"), null);
        assertProblem(forward(cookie, "{\"status\": \"meeting\", " + time + "} {}"), null);
        assertProblem(forward(cookie, "'{\"status\": \"meeting\", " + time + "}'"), null);
        HttpResponse<String> notJson = post("/agent/status", "text/plain", "status=meeting", "Cookie", cookie);
        assertThat(notJson.statusCode()).isEqualTo(415);

        await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> crm.received().stream()
                .noneMatch(r -> r.body().contains("meeting") || r.body().contains("coaching") || r.body().contains("s3ss10n")));
    }

    /**
     * Another page of the site can post to the door with the agent's cookie (SameSite lets a same-site request through) only
     * a body that needs no CORS preflight, so without a JSON type: a type or length given in the URL is refused, never taken
     * for the request's own.
     */
    @Test
    void aBodyTypeOrLengthInTheUrlIsRefusedAndNothingIsPublished() throws Exception {
        String cookie = agentPageCookie(AGENT);
        String body = "{\"status\": \"offsite\", \"time\": \"2026-11-30T12:30:00Z\"}";

        HttpResponse<String> typed = post("/agent/status?Content-Type=application/json", null, body, "Cookie", cookie);
        assertThat(typed.statusCode()).as(typed.body()).isEqualTo(400);
        assertThat(json.readTree(typed.body()).get("detail").asText()).isEqualTo("Content-Type goes in a request header, never in the URL");
        assertThat(post("/agent/status?content-type=application%2Fjson", null, body, "Cookie", cookie).statusCode()).isEqualTo(400);
        assertThat(post("/agent/status?Content-Length=0", "text/plain", body, "Cookie", cookie).statusCode()).isEqualTo(400);

        await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> crm.received().stream().noneMatch(r -> r.body().contains("offsite")));
    }

    private void assertProblem(HttpResponse<String> answer, String field) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.body()).doesNotContain("s3ss10n-value");
        JsonNode problem = json.readTree(answer.body());
        assertThat(problem.path("field").asText(null)).isEqualTo(field);
    }

    private HttpResponse<String> forward(String cookie, String body) throws Exception {
        return agentDoor("/agent/status", cookie, body);
    }

    private static String statusDigest(String status) {
        return CloudEvent.digest(Map.of("status", status));
    }
}
