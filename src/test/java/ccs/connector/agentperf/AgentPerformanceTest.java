package ccs.connector.agentperf;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Properties;

import ccs.connector.simulator.CcsSimulator.ApiRequest;
import ccs.connector.simulator.Fault;
import ccs.connector.state.Database;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Agent performance against the simulator over real HTTP, into a real HTTP CRM: the daily run (its time of day has
 * passed at start, so yesterday is due, and the days missed since a checkpoint a week old within catch-up-days),
 * GET /api/v1/agents/performance and backfills, with the requests the simulator recorded.
 */
class AgentPerformanceTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String KEY = "crm-api-key-agent-performance";
    private static final ZoneId ISTANBUL = ZoneId.of("Europe/Istanbul");
    private static final List<String> AGENTS = List.of("ayse.yilmaz@demo.example", "mehmet.kaya@demo.example", "zeynep.demir@demo.example");

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.api-key", KEY);
        settings.setProperty("ccs.agent-performance.time", "00:00");
        settings.setProperty("ccs.agent-performance.check-interval", "300ms");
        settings.setProperty("ccs.agent-performance.max-days", "10");
        settings.setProperty("ccs.agent-performance.catch-up-days", "3");
        settings.setProperty("ccs.agent-performance.retry", "300ms");
        settings.setProperty("ccs.agent-performance.answer-timeout", "5s");
        // the connector last ran a week ago: its checkpoint, in its state store, is the day after it sent 7 days ago
        try (Database store = Database.h2(dataDir)) {
            new AgentPerformanceState(store).dayDone("demo", AgentPerformanceState.DAILY, LocalDate.now(ISTANBUL).minusDays(7), 3, Instant.now());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void dailyRunDone() {
        // yesterday's daily run goes first, so that a fault a test injects meets only that test's requests
        LocalDate yesterday = LocalDate.now(ISTANBUL).minusDays(1);
        AGENTS.forEach(agent -> delivered(crm, id(agent, yesterday)));
        simulator().clearFaults();
    }

    @Test
    void yesterdaysFiguresReachTheCrmAsOneEventPerAgentAndTheCheckpointHolds() throws Exception {
        LocalDate yesterday = LocalDate.now(ISTANBUL).minusDays(1);

        for (String agent : AGENTS) {
            JsonNode event = delivered(crm, id(agent, yesterday));
            assertThat(event.get("type").asText()).isEqualTo("ccs.agent.performance");
            assertThat(event.get("subject").asText()).isEqualTo(agent);
            assertThat(event.get("time").asText()).isEqualTo(yesterday.plusDays(1).atStartOfDay(ISTANBUL).toInstant().toString());
            JsonNode data = event.get("data");
            assertThat(data.get("agent").asText()).isEqualTo(agent);
            assertThat(data.get("date").asText()).isEqualTo(yesterday.toString());
            assertThat(data.get("team").asText()).isIn("Sales", "Support");
            JsonNode figures = data.get("figures");
            assertThat(figures.get("inboundCalls").isNumber()).isTrue();
            assertThat(figures.get("missedCalls").asLong())
                    .isEqualTo(figures.get("inboundCalls").asLong() - figures.get("answeredCalls").asLong());
            assertThat(figures.get("avgTalkDuration").isNumber()).as("HH:mm:ss as seconds").isTrue();
            assertThat(figures.has("agent")).isFalse();
            assertThat(data.at("/raw/avg_talk_duration").asText()).matches("\\d\\d:\\d\\d:\\d\\d");
            assertThat(data.toString()).doesNotContain(simulator().appToken());
        }
        List<ApiRequest> asked = reportRequests(yesterday);
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0).params()).containsEntry("finishdate", yesterday.toString()).containsEntry("app_token", simulator().appToken());

        // a backfill over yesterday too: yesterday's events are not delivered again, and the daily run did not ask again
        LocalDate before = yesterday.minusDays(1);
        HttpResponse<String> started = backfill("{\"from\": \"" + before + "\", \"to\": \"" + yesterday + "\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(json.readTree(started.body()).get("days").asInt()).isEqualTo(2);
        awaitBackfillDone();
        AGENTS.forEach(agent -> delivered(crm, id(agent, before)));
        for (String agent : AGENTS) {
            assertThat(requestsFor(crm, id(agent, yesterday)).stream().filter(Received::answeredOk)).hasSize(1);
        }
        assertThat(reportRequests(yesterday)).as("the daily run once, the backfill once").hasSize(2);
        JsonNode status = json.readTree(get("/api/v1/agents/performance/backfill?tenant=demo", "X-Api-Key", KEY).body()).get("backfills").get(0);
        assertThat(status.get("daysDone").asInt()).isEqualTo(2);
        assertThat(status.get("events").asInt()).isEqualTo(6);
    }

    @Test
    void daysMissedWhileNoConnectorRanAreCaughtUpWithinCatchUpDays() throws Exception {
        LocalDate today = LocalDate.now(ISTANBUL);
        for (LocalDate day : List.of(today.minusDays(3), today.minusDays(2))) {
            AGENTS.forEach(agent -> delivered(crm, id(agent, day)));
        }
        assertThat(reportRequests(today.minusDays(3))).hasSize(1);
        assertThat(reportRequests(today.minusDays(4))).as("older than ccs.agent-performance.catch-up-days").isEmpty();
        JsonNode status = json.readTree(get("/api/v1/status", "X-Api-Key", KEY).body()).at("/tenants/0/agentPerformance");
        assertThat(status.get("time").asText()).isEqualTo("00:00");
        assertThat(status.get("nextDay").asText()).as("every day before today is in the outbox").isEqualTo(today.toString());
        assertThat(status.at("/lastRun/ok").asBoolean()).isTrue();
        assertThat(get("/observe/metrics").body()).containsPattern(
                "ccs_agent_performance_events_total\\{[^}]*kind=\"daily\",tenant=\"demo\"} (9|[1-9]\\d+)\\.0");
    }

    @Test
    void theSameFiguresAreAnsweredOnDemandForARangeAndAnAgent() throws Exception {
        LocalDate yesterday = LocalDate.now(ISTANBUL).minusDays(1);
        String agent = AGENTS.get(1);

        HttpResponse<String> answer = get("/api/v1/agents/performance?from=" + yesterday.minusDays(1) + "&to=" + yesterday + "&agent=" + agent, "X-Api-Key", KEY);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode performance = json.readTree(answer.body()).get("performance");
        assertThat(performance).hasSize(2);
        assertThat(performance.get(0).get("date").asText()).isEqualTo(yesterday.minusDays(1).toString());
        assertThat(performance.get(1)).isEqualTo(delivered(crm, id(agent, yesterday)).get("data"));
        assertThat(simulator().requests("reportsAgentPerf").stream().filter(r -> agent.equals(r.params().get("agent")))).hasSize(2);
        assertThat(get("/api/v1/agents/performance?from=" + yesterday).statusCode()).as("without the API key").isEqualTo(401);
    }

    @Test
    void inputThatCannotBeServedIsAProblemNamingTheField() throws Exception {
        LocalDate today = LocalDate.now(ISTANBUL);
        int asked = simulator().requests("reportsAgentPerf").size();
        for (String query : List.of("from=yesterday", "to=" + today, "from=" + today + "&to=" + today.minusDays(1),
                "from=" + today.minusDays(20) + "&to=" + today.minusDays(1), "from=" + today + "&to=" + today.plusDays(1))) {
            HttpResponse<String> answer = get("/api/v1/agents/performance?" + query, "X-Api-Key", KEY);
            assertThat(answer.statusCode()).as(query).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = json.readTree(answer.body());
            assertThat(problem.get("field").asText()).as(query).isIn("from", "to");
            assertThat(problem.get("detail").asText()).as(query).doesNotContain("Exception");
        }
        assertThat(get("/api/v1/agents/performance?from=" + today + "&tenant=acme", "X-Api-Key", KEY).statusCode()).isEqualTo(400);
        for (String body : List.of("not json", "{\"from\": \"" + today.minusDays(2) + "\"}", "{\"from\": \"" + today + "\", \"to\": \"" + today + "\"}",
                "{\"from\": \"" + today.minusDays(30) + "\", \"to\": \"" + today.minusDays(1) + "\"}")) {
            HttpResponse<String> answer = backfill(body);
            assertThat(answer.statusCode()).as(body).isEqualTo(400);
            assertThat(json.readTree(answer.body()).get("detail").asText()).as(body).isNotBlank().doesNotContain("Exception");
        }
        // read leniently, the first object would start a backfill and the rest be ignored, a field given twice be taken at its last
        String range = "{\"from\": \"" + today.minusDays(3) + "\", \"to\": \"" + today.minusDays(2) + "\"}";
        for (String body : List.of(range + range, range + " garbage",
                "{\"from\": \"" + today + "\", \"to\": \"" + today.minusDays(2) + "\", \"from\": \"" + today.minusDays(3) + "\"}")) {
            HttpResponse<String> answer = backfill(body);
            assertThat(answer.statusCode()).as(body).isEqualTo(400);
            assertThat(json.readTree(answer.body()).get("detail").asText()).as(body).startsWith("the body is not the JSON object this path takes");
        }
        assertThat(json.readTree(backfill(range.replace("}", ", \"from\": \"" + today.minusDays(4) + "\"}")).body()).get("detail").asText())
                .contains("Duplicate field 'from'");
        assertThat(simulator().requests("reportsAgentPerf")).as("nothing was asked upstream").hasSize(asked);
    }

    @Test
    void aFutureDayIsAProblemNamingTheFieldTheClientSent() throws Exception {
        LocalDate tomorrow = LocalDate.now(ISTANBUL).plusDays(1);
        int asked = simulator().requests("reportsAgentPerf").size();
        // to defaults to from: a from in the future alone was answered as if the client had sent a to
        for (String queryField : List.of("from=" + tomorrow + " from", "from=" + tomorrow + "&to=" + tomorrow.plusDays(1) + " from",
                "from=" + tomorrow.minusDays(1) + "&to=" + tomorrow + " to")) {
            String[] query = queryField.split(" ");
            HttpResponse<String> answer = get("/api/v1/agents/performance?" + query[0], "X-Api-Key", KEY);
            assertThat(answer.statusCode()).as(query[0] + ": " + answer.body()).isEqualTo(400);
            JsonNode problem = json.readTree(answer.body());
            assertThat(problem.get("field").asText()).as(query[0]).isEqualTo(query[1]);
            assertThat(problem.get("detail").asText()).as(query[0]).startsWith(query[1] + " (").contains("lies in the future");
        }
        assertThat(simulator().requests("reportsAgentPerf")).as("nothing was asked upstream").hasSize(asked);
    }

    @Test
    void aDayIsYyyyMmDdWithAFourDigitYearFrom2000On() throws Exception {
        int asked = simulator().requests("reportsAgentPerf").size();
        // LocalDate.parse alone takes a sign and more digits: -0001-01-01 reached the state store, which answered 503
        for (String range : List.of("-0001-01-01 -0001-01-03 from", "+2025-01-01 +2025-01-03 from", "12025-01-01 12025-01-03 from",
                "1999-12-30 1999-12-31 from", "2025-01-01 -0001-01-03 to", "2025-01-01 2025-1-03 to")) {
            String[] fromToField = range.split(" ");
            HttpResponse<String> answer = backfill("{\"from\": \"" + fromToField[0] + "\", \"to\": \"" + fromToField[1] + "\"}");
            assertThat(answer.statusCode()).as(range + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Retry-After")).as(range).isEmpty();
            assertThat(json.readTree(answer.body()).get("field").asText()).as(range).isEqualTo(fromToField[2]);
            HttpResponse<String> asOnDemand = get("/api/v1/agents/performance?from=" + URLEncoder.encode(fromToField[0], StandardCharsets.UTF_8)
                    + "&to=" + URLEncoder.encode(fromToField[1], StandardCharsets.UTF_8), "X-Api-Key", KEY);
            assertThat(asOnDemand.statusCode()).as(range + ": " + asOnDemand.body()).isEqualTo(400);
            assertThat(json.readTree(asOnDemand.body()).get("field").asText()).as(range).isEqualTo(fromToField[2]);
        }
        assertThat(simulator().requests("reportsAgentPerf")).as("nothing was asked upstream").hasSize(asked);
    }

    @Test
    void callCenterStudioFailingIsAnswered502Or503AndABackfillGoesOnByItself() throws Exception {
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(5);
        String range = "from=" + day + "&to=" + day;
        simulator().inject(Fault.status("reportsAgentPerf", 500, 1));
        assertThat(get("/api/v1/agents/performance?" + range, "X-Api-Key", KEY).statusCode()).isEqualTo(503);
        simulator().inject(Fault.html("reportsAgentPerf", 1));
        HttpResponse<String> garbage = get("/api/v1/agents/performance?" + range, "X-Api-Key", KEY);
        assertThat(garbage.statusCode()).isEqualTo(502);
        assertThat(garbage.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        awaitBackfillDone();
        simulator().inject(Fault.status("reportsAgentPerf", 503, 2));
        assertThat(backfill("{\"from\": \"" + day + "\", \"to\": \"" + day + "\", \"tenant\": \"demo\"}").statusCode()).isEqualTo(202);

        AGENTS.forEach(agent -> delivered(crm, id(agent, day)));
        awaitBackfillDone();
    }

    @Test
    void aRangeThatCallCenterStudioAnswersTooSlowlyIsA504AndNoMoreDaysAreAskedFor() throws Exception {
        // days no other test asks for
        LocalDate first = LocalDate.now(ISTANBUL).minusDays(40);
        simulator().inject(Fault.delay("reportsAgentPerf", 2_000, 8));

        HttpResponse<String> slow = get("/api/v1/agents/performance?from=" + first + "&to=" + first.plusDays(7) + "&team=Slow", "X-Api-Key", KEY);

        assertThat(slow.statusCode()).as(slow.body()).isEqualTo(504);
        assertThat(json.readTree(slow.body()).get("detail").asText()).contains("ccs.agent-performance.answer-timeout");
        assertThat(simulator().requests("reportsAgentPerf").stream().filter(r -> "Slow".equals(r.params().get("team"))))
                .as("the days after the deadline of 5s were not asked for, 2s each").hasSizeLessThan(8);
    }

    @Test
    void aBackfillWhoseDayKeepsFailingIsCancelledAndAnotherMayStart() throws Exception {
        awaitBackfillDone();
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(9);
        simulator().inject(Fault.status("reportsAgentPerf", 500, 100_000));
        try {
            assertThat(backfill("{\"from\": \"" + day + "\", \"to\": \"" + day.plusDays(1) + "\"}").statusCode()).isEqualTo(202);
            // its first day fails, and is tried again every ccs.agent-performance.retry
            await().atMost(PATIENCE).until(() -> reportRequests(day).size() >= 2);

            HttpResponse<String> cancelled = cancelBackfill();

            assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
            JsonNode answer = json.readTree(cancelled.body());
            assertThat(answer.get("state").asText()).isEqualTo("cancelled");
            assertThat(answer.get("daysDone").asInt()).isZero();
            int asked = reportRequests(day).size();
            // a day under way when it was cancelled may still ask once
            await().during(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> reportRequests(day).size() <= asked + 1);
            JsonNode status = json.readTree(get("/api/v1/agents/performance/backfill", "X-Api-Key", KEY).body()).get("backfills").get(0);
            assertThat(status.get("state").asText()).isEqualTo("cancelled");
            HttpResponse<String> again = cancelBackfill();
            assertThat(again.statusCode()).isEqualTo(404);
            assertThat(json.readTree(again.body()).get("detail").asText()).isEqualTo("tenant demo has no agent performance backfill under way");
        } finally {
            simulator().clearFaults();
        }

        assertThat(backfill("{\"from\": \"" + day + "\", \"to\": \"" + day + "\"}").statusCode()).as("another may start").isEqualTo(202);
        AGENTS.forEach(agent -> delivered(crm, id(agent, day)));
        awaitBackfillDone();
    }

    private HttpResponse<String> cancelBackfill() throws Exception {
        return delete("/api/v1/agents/performance/backfill?tenant=demo", "X-Api-Key", KEY);
    }

    private static String id(String agent, LocalDate day) {
        return "demo:ccs.agent.performance:" + agent + ":" + day;
    }

    private List<ApiRequest> reportRequests(LocalDate day) {
        return simulator().requests("reportsAgentPerf").stream()
                .filter(r -> day.toString().equals(r.params().get("startdate")) && !r.params().containsKey("agent")).toList();
    }

    private void awaitBackfillDone() {
        await().atMost(PATIENCE).until(() -> {
            JsonNode status = json.readTree(get("/api/v1/agents/performance/backfill", "X-Api-Key", KEY).body()).get("backfills").get(0);
            return List.of("none", "done").contains(status.get("state").asText());
        });
    }

    private HttpResponse<String> backfill(String body) throws Exception {
        return post("/api/v1/agents/performance/backfill", "application/json", body, "X-Api-Key", KEY);
    }
}
