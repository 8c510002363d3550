package ccs.connector.cdr;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.simulator.CcsSimulator.ApiRequest;
import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.ISTANBUL;
import static ccs.connector.cdr.CdrTestRecords.eventFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** POST /api/v1/cdr/backfill against the simulator, through the real outbox and file sink. */
class CdrBackfillTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("ccs.simulator.records", "0");
        settings.setProperty("ccs.cdr.backfill.window", "1h");
        settings.setProperty("ccs.cdr.backfill.retry", "500ms");
    }

    @BeforeAll
    void captureLogs() {
        LogCapture.install();
    }

    @BeforeEach
    void freshUpstream() {
        simulator().clearCdrs();
        simulator().clearFaults();
        simulator().clearRequests();
    }

    @Test
    void aBackfillOver5000RecordsReportsItsProgressAndDeliversThemAll() throws Exception {
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(3);
        // off the seconds that windows share (the hours), so that each window holds 500 records of its own
        List<String> keys = simulator().generateCdrs(5000, day.atTime(8, 0, 1), day.atTime(18, 0, 1));
        int logBefore = LogCapture.text().length();

        HttpResponse<String> answer = post("/api/v1/cdr/backfill", "{\"from\": \"" + day + "T08:00:00\", \"to\": \"" + day + " 17:59:59\"}");

        assertThat(answer.statusCode()).isEqualTo(202);
        JsonNode started = json.readTree(answer.body());
        assertThat(started.get("tenant").asText()).isEqualTo("demo");
        assertThat(started.get("from").asText()).isEqualTo(day + "T08:00");
        assertThat(started.get("windows").asInt()).isEqualTo(10);
        await().atMost(PATIENCE).until(() -> keys.stream().allMatch(key -> Files.exists(eventFile(dataDir, key))));
        await().atMost(PATIENCE).until(() -> LogCapture.text().substring(logBefore).contains("is done: 5000 records in 10 windows"));

        String log = LogCapture.text().substring(logBefore);
        Matcher windows = Pattern.compile("CDR backfill of tenant demo: window (\\S+ \\S+) to \\S+ \\S+ done \\((\\d+) records in \\d+ pages\\), (\\d+)% done").matcher(log);
        int count = 0;
        int lastPercent = -1;
        while (windows.find()) {
            count++;
            assertThat(Integer.parseInt(windows.group(3))).isGreaterThan(lastPercent);
            lastPercent = Integer.parseInt(windows.group(3));
            assertThat(Integer.parseInt(windows.group(2))).isEqualTo(500);
        }
        assertThat(count).isEqualTo(10);
        assertThat(lastPercent).isEqualTo(100);
        assertThat(simulator().requests("reportsCDRLogs")).hasSize(10 * 6);
        // read every connector.health.cache, never at a scrape
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/metrics").body().contains("ccs_cdr_backfill_progress_percent{tenant=\"demo\"} 100.0"));
        String metrics = get("/observe/metrics").body();
        assertThat(metrics).containsPattern("ccs_cdr_records_total\\{[^}]*source=\"backfill\",tenant=\"demo\"} 5000\\.0");
        assertThat(backfillUnderWay()).as("a finished backfill is not taken up again").isFalse();
        JsonNode status = json.readTree(get("/api/v1/cdr/backfill?tenant=demo").body()).get("backfills").get(0);
        assertThat(status.get("state").asText()).isEqualTo("done");
        assertThat(status.get("windowsDone").asInt()).isEqualTo(10);
        assertThat(status.get("windows").asInt()).isEqualTo(10);
        assertThat(status.get("records").asLong()).isEqualTo(5000);
        assertThat(status.get("percent").asDouble()).isEqualTo(100.0);
        assertThat(status.has("endedAt")).isTrue();
    }

    @Test
    void aSecondBackfillOfTheTenantIsRefusedWhileTheFirstRuns() throws Exception {
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(2);
        List<String> keys = simulator().generateCdrs(300, day.atTime(9, 0), day.atTime(11, 0));
        simulator().inject(Fault.delay("reportsCDRLogs", 2000, 1));
        String body = "{\"from\": \"" + day + "T09:00:00\", \"to\": \"" + day + "T11:00:00\"}";

        assertThat(post("/api/v1/cdr/backfill", body).statusCode()).isEqualTo(202);
        HttpResponse<String> second = post("/api/v1/cdr/backfill", body);

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json.readTree(second.body()).get("detail").asText()).startsWith("a CDR backfill of tenant demo from").contains("under way");
        await().atMost(PATIENCE).until(() -> keys.stream().allMatch(key -> Files.exists(eventFile(dataDir, key))));
        await().atMost(PATIENCE).until(() -> !backfillUnderWay());
        assertThat(post("/api/v1/cdr/backfill", body).statusCode()).as("once done, another may start").isEqualTo(202);
    }

    @Test
    void aBackfillThatAnUpstreamFaultPausedGoesOnByItself() throws Exception {
        await().atMost(PATIENCE).until(() -> !backfillUnderWay());
        int logBefore = LogCapture.text().length();
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(4);
        List<String> keys = simulator().generateCdrs(250, day.atTime(9, 0), day.atTime(12, 0));
        simulator().inject(Fault.status("reportsCDRLogs", 500, 1));

        assertThat(post("/api/v1/cdr/backfill", "{\"from\": \"" + day + "\", \"to\": \"" + day + "T12:00:00\"}").statusCode()).isEqualTo(202);

        await().atMost(PATIENCE).until(() -> keys.stream().allMatch(key -> Files.exists(eventFile(dataDir, key))));
        assertThat(LogCapture.text().substring(logBefore)).contains("CDR backfill of tenant demo paused (Call Center Studio tenant demo answered HTTP 500)");
    }

    @Test
    void aBackfillThatCallCenterStudioThrottledGoesOnNoSoonerThanItsRetryAfter() throws Exception {
        await().atMost(PATIENCE).until(() -> !backfillUnderWay());
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(6);
        List<String> keys = simulator().generateCdrs(20, day.atTime(9, 0), day.atTime(10, 0));
        // far longer than ccs.cdr.backfill.retry (500ms)
        simulator().inject(Fault.throttle("reportsCDRLogs", 3, 1));

        assertThat(post("/api/v1/cdr/backfill", "{\"from\": \"" + day + "T09:00:00\", \"to\": \"" + day + "T10:00:00\"}").statusCode()).isEqualTo(202);

        await().atMost(PATIENCE).until(() -> keys.stream().allMatch(key -> Files.exists(eventFile(dataDir, key))));
        // this backfill's pages only: the last page of the test before may be recorded after the requests were cleared
        List<ApiRequest> pages = simulator().requests("reportsCDRLogs").stream()
                .filter(request -> String.valueOf(request.params().get("startdate")).startsWith(day.toString())).toList();
        assertThat(Duration.between(pages.get(0).at(), pages.get(1).at())).as("the platform's Retry-After: 3").isGreaterThanOrEqualTo(Duration.ofMillis(2900));
    }

    @Test
    void aReplicaThatLosesTheLeadershipStopsItsBackfillAfterTheWindowItReadsAndTheLeaderGoesOn() throws Exception {
        await().atMost(PATIENCE).until(() -> !backfillUnderWay());
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(5);
        List<String> keys = simulator().generateCdrs(400, day.atTime(9, 0), day.atTime(13, 0));
        backfillFromNineLosingTheLeadAtItsFirstPage(day, "T12:59:59");
        try {
            await().atMost(PATIENCE).until(() -> backfillStatus().get("windowsDone").asInt() == 1);
            await().during(Duration.ofSeconds(3)).atMost(PATIENCE).until(() -> backfillStatus().get("windowsDone").asInt() == 1);
        } finally {
            leadHere();
        }
        await().atMost(PATIENCE).until(() -> keys.stream().allMatch(key -> Files.exists(eventFile(dataDir, key))));
        await().atMost(PATIENCE).until(() -> "done".equals(backfillStatus().get("state").asText()));
        assertThat(backfillStatus().get("windowsDone").asInt()).isEqualTo(4);
    }

    @Test
    void aBackfillCancelledMidWayReadsNoWindowAfterTheOneUnderWayAndAnotherMayStart() throws Exception {
        await().atMost(PATIENCE).until(() -> !backfillUnderWay());
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(6);
        simulator().generateCdrs(600, day.atTime(9, 0), day.atTime(15, 0));
        simulator().inject(Fault.delay("reportsCDRLogs", 3000, 1));
        int logBefore = LogCapture.text().length();
        assertThat(post("/api/v1/cdr/backfill", "{\"from\": \"" + day + "T09:00:00\", \"to\": \"" + day + "T14:59:59\"}").statusCode())
                .isEqualTo(202);
        // the first window's page is slow in coming: the backfill is cancelled while it is read
        await().atMost(PATIENCE).until(() -> !simulator().requests("reportsCDRLogs").isEmpty());

        HttpResponse<String> cancelled = delete("/api/v1/cdr/backfill?tenant=demo");

        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        JsonNode answer = json.readTree(cancelled.body());
        assertThat(answer.get("tenant").asText()).isEqualTo("demo");
        assertThat(answer.get("state").asText()).isEqualTo("cancelled");
        assertThat(answer.has("endedAt")).isTrue();
        assertThat(answer.has("resumesBy")).as("nothing resumes it").isFalse();
        await().atMost(PATIENCE).until(() -> LogCapture.text().substring(logBefore).contains("CDR backfill of tenant demo from " + day
                + "T09:00 to " + day + "T14:59:59 stops: it was cancelled"));
        int requests = simulator().requests("reportsCDRLogs").size();
        // the resume runs every 500 ms here: a cancelled backfill would be taken up again within these seconds
        await().during(Duration.ofSeconds(3)).atMost(PATIENCE).until(() -> simulator().requests("reportsCDRLogs").size() == requests);
        assertThat(simulator().requests("reportsCDRLogs")).as("the first window's pages only").hasSize(2);
        assertThat(backfillStatus().get("state").asText()).isEqualTo("cancelled");

        HttpResponse<String> again = delete("/api/v1/cdr/backfill?tenant=demo");
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(json.readTree(again.body()).get("detail").asText()).isEqualTo("tenant demo has no CDR backfill under way");
        assertThat(post("/api/v1/cdr/backfill", "{\"from\": \"" + day.minusDays(1) + "T09:00:00\", \"to\": \"" + day.minusDays(1)
                + "T09:59:59\"}").statusCode()).as("another may start").isEqualTo(202);
    }

    @Test
    void aDayAsToMeansAllOfThatDay() throws Exception {
        await().atMost(PATIENCE).until(() -> !backfillUnderWay());
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(5);
        List<String> keys = simulator().generateCdrs(30, day.atTime(20, 0), day.atTime(23, 59, 50));

        HttpResponse<String> answer = post("/api/v1/cdr/backfill", "{\"from\": \"" + day + "\", \"to\": \"" + day + "\"}");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(json.readTree(answer.body()).get("to").asText()).isEqualTo(day + "T23:59:59");
        await().atMost(PATIENCE).until(() -> keys.stream().allMatch(key -> Files.exists(eventFile(dataDir, key))));
    }

    @Test
    void aRecordWhoseCalldateHasATAndAFractionOfASecondIsDeliveredAtItsSecondNotDeadLettered() throws Exception {
        await().atMost(PATIENCE).until(() -> !backfillUnderWay());
        String key = "fraction-" + System.nanoTime();
        // filed by the platform under its second
        simulator().addCdrEntry(key, "2026-11-02 10:00:00", json.writeValueAsString(Map.of("callid", key, "calldate", "2026-11-02T10:00:00.250",
                "hangupdate", "2026-11-02T10:03:00.999")));

        assertThat(post("/api/v1/cdr/backfill", "{\"from\": \"2026-11-02T09:00:00\", \"to\": \"2026-11-02T11:00:00\"}").statusCode()).isEqualTo(202);

        String letter = "demo:ccs.cdr.invalid:" + key + ":2026-11-02T10:00:00.250";
        await().atMost(PATIENCE).until(() -> Files.exists(eventFile(dataDir, key)) || deadLetters().containsKey(letter));
        assertThat(deadLetters()).doesNotContainKey(letter);
        JsonNode data = json.readTree(eventFile(dataDir, key).toFile()).get("data");
        assertThat(data.get("startedAt").asText()).isEqualTo("2026-11-02T07:00:00Z");
        assertThat(data.get("endedAt").asText()).isEqualTo("2026-11-02T07:03:00Z");
        assertThat(data.has("unreadable")).isFalse();
    }

    @Test
    void inputThatCannotBeReadIsAnswered400() throws Exception {
        for (String body : List.of("not json", "{\"to\": \"2026-11-02T00:00:00\"}", "{\"from\": \"yesterday\", \"to\": \"today\"}",
                "{\"from\": \"2026-11-02\", \"to\": \"2026-11-01\"}", "{\"from\": \"2026-11-01\", \"to\": \"2026-11-02\", \"tenant\": \"acme\"}",
                // read leniently, the first object would start a backfill, a field given twice be taken at its last
                "{\"from\": \"2026-11-01\", \"to\": \"2026-11-02\"} {\"from\": \"2026-11-03\", \"to\": \"2026-11-04\"}",
                "{\"from\": \"2026-11-01\", \"to\": \"2026-11-02\"} garbage", "{\"from\": \"2026-11-03\", \"to\": \"2026-11-02\", \"from\": \"2026-11-01\"}")) {
            HttpResponse<String> answer = post("/api/v1/cdr/backfill", body);
            assertThat(answer.statusCode()).as(body).isEqualTo(400);
            assertThat(json.readTree(answer.body()).get("detail").asText()).as(body).isNotBlank().doesNotContain("Failed to invoke", "Exception");
        }
        assertThat(backfillUnderWay()).isFalse();
        HttpResponse<String> unknown = get("/api/v1/cdr/backfill?tenant=acme");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json.readTree(unknown.body()).get("detail").asText()).contains("tenant 'acme' is not served");
    }

    @Test
    void aTimeBefore2000OrAYearNotOfFourDigitsIsA400NamingTheFieldAndNothingIsAskedUpstream() throws Exception {
        await().atMost(PATIENCE).until(() -> !backfillUnderWay());
        simulator().clearRequests();
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(2);
        // LocalDateTime.parse alone takes a sign and more digits: 0001-01-01 was 48 windows asked of Call Center Studio,
        // and +12026-12-01T00:00 as from was answered with a problem of to
        for (String bodyField : List.of("{\"from\": \"0001-01-01\", \"to\": \"0001-01-02\"} from",
                "{\"from\": \"1999-12-31T23:00:00\", \"to\": \"2000-01-01T01:00:00\"} from",
                "{\"from\": \"1999-12-31\", \"to\": \"" + day + "\"} from",
                "{\"from\": \"+12026-12-01T00:00\", \"to\": \"" + day + "T01:00:00\"} from",
                "{\"from\": \"+2026-11-01T00:00:00\", \"to\": \"" + day + "T01:00:00\"} from",
                "{\"from\": \"-0001-01-01\", \"to\": \"" + day + "\"} from",
                "{\"from\": \"12025-01-01 00:00:00\", \"to\": \"" + day + "\"} from",
                "{\"from\": \"" + day + "T00:00:00\", \"to\": \"+12026-12-01T00:00\"} to",
                "{\"from\": \"" + day + "T00:00:00\", \"to\": \"" + day + "T1:00:00\"} to")) {
            String body = bodyField.substring(0, bodyField.lastIndexOf(' '));
            String field = bodyField.substring(bodyField.lastIndexOf(' ') + 1);
            HttpResponse<String> answer = post("/api/v1/cdr/backfill", body);
            assertThat(answer.statusCode()).as(body + ": " + answer.body()).isEqualTo(400);
            JsonNode problem = json.readTree(answer.body());
            assertThat(problem.get("field").asText()).as(body + ": " + answer.body()).isEqualTo(field);
            assertThat(problem.get("detail").asText()).as(body).startsWith(field + " ").doesNotContain("Exception");
        }
        assertThat(backfillUnderWay()).isFalse();
        assertThat(simulator().requests("reportsCDRLogs")).as("no CDR request for a refused backfill").isEmpty();
        // the earliest time there is, written each way the README gives, is a backfill (refused here only as too long a range)
        for (String from : List.of("2000-01-01", "2000-01-01T00:00:00", "2000-01-01 00:00:00", "2000-01-01T00:00")) {
            HttpResponse<String> answer = post("/api/v1/cdr/backfill", "{\"from\": \"" + from + "\", \"to\": \"" + day + "\"}");
            assertThat(answer.statusCode()).as(from + ": " + answer.body()).isEqualTo(400);
            assertThat(json.readTree(answer.body()).get("detail").asText()).as(from).contains("days after from");
        }
    }

    @Test
    void aFormPostIsAnswered415() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/cdr/backfill"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("from=2026-11-01&to=2026-11-02")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(415);
        assertThat(json.readTree(answer.body()).get("detail").asText()).contains("application/json");
    }

    @Test
    void aRunQueuedWhileThisReplicaLedIsNotTakenUpOnceItNoLongerLeads() throws Exception {
        await().atMost(PATIENCE).until(() -> !backfillUnderWay());
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(6);
        List<String> keys = simulator().generateCdrs(300, day.atTime(9, 0, 1), day.atTime(12, 0));
        // this replica's run stops after its first window
        backfillFromNineLosingTheLeadAtItsFirstPage(day, "T12:00:00");
        try {
            await().atMost(PATIENCE).until(() -> "interrupted".equals(backfillStatus().get("state").asText()));
            int logBefore = LogCapture.text().length();
            // an entry of the run queue from the time this replica led: the run, and its state, are the new leader's
            template.sendBody("seda:cdr-backfill", "demo");
            await().during(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> "interrupted".equals(backfillStatus().get("state").asText()));
            assertThat(LogCapture.text().substring(logBefore)).doesNotContain("resumes at");
        } finally {
            leadHere();
        }
        await().atMost(PATIENCE).until(() -> keys.stream().allMatch(key -> Files.exists(eventFile(dataDir, key))));
    }

    /**
     * Starts a backfill of the day from 09:00 to {@code to} whose first page is slow in coming: once it is asked for,
     * another replica takes the lead ({@link #leadHere()} gives it back).
     */
    private void backfillFromNineLosingTheLeadAtItsFirstPage(LocalDate day, String to) throws Exception {
        simulator().inject(Fault.delay("reportsCDRLogs", 3000, 1));
        assertThat(post("/api/v1/cdr/backfill", "{\"from\": \"" + day + "T09:00:00\", \"to\": \"" + day + to + "\"}").statusCode())
                .isEqualTo(202);
        await().atMost(PATIENCE).until(() -> !simulator().requests("reportsCDRLogs").isEmpty());
        leadElsewhere();
    }

    private JsonNode backfillStatus() throws Exception {
        return json.readTree(get("/api/v1/cdr/backfill?tenant=demo").body()).get("backfills").get(0);
    }

    private boolean backfillUnderWay() {
        return context.getRegistry().lookupByNameAndType("cdrState", CdrState.class).tenantsWithBackfill().contains("demo");
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

}
