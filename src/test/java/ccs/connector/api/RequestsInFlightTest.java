package ccs.connector.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests that wait on Call Center Studio hold the HTTP server's workers: beyond connector.api.max-in-flight they are
 * refused at once, so that the health probes and the platform's webhooks, which need the same workers, are still answered.
 * Those that read reports are bounded apart (connector.api.max-reports-in-flight), so that they never hold a click2call's place.
 */
class RequestsInFlightTest extends ConnectorTestSupport {

    private static final List<String> AGENTS = List.of("first@demo.example", "second@demo.example", "third@demo.example");

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.api.max-in-flight", "2");
        settings.setProperty("connector.api.max-reports-in-flight", "1");
        settings.setProperty("ccs.api.interactive-timeout", "8s");
        settings.setProperty("ccs.simulator.agents", String.join(",", AGENTS));
        // the CDR pages asked for are a backfill's alone
        settings.setProperty("ccs.cdr.enabled", "false");
    }

    @BeforeEach
    void freshUpstream() {
        simulator().clearFaults();
        simulator().clearRequests();
    }

    @Test
    void requestsOverTheBoundAre503AtOnceWhileProbesAndWebhooksAreServed() throws Exception {
        // a platform that takes its time: both click2calls wait on it until released (within their 8 s timeout)
        simulator().inject(Fault.hold("click2call", 7_000, 2));
        List<CompletableFuture<HttpResponse<String>>> waiting = AGENTS.subList(0, 2).stream().map(this::click2call).toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> simulator().requests("click2call").size() == 2);

        HttpResponse<String> third = click2call(AGENTS.get(2)).get();
        assertThat(third.statusCode()).as(third.body()).isEqualTo(503);
        assertThat(json.readTree(third.body()).get("detail").asText()).contains("connector.api.max-in-flight");
        assertThat(third.headers().firstValue("Retry-After")).hasValue("5");
        // the agent page too (it reads the state store): its own path, /agent, and the doors under it
        for (String page : List.of("/agent", "/agent/softphone-url")) {
            HttpResponse<String> refused = get(page);
            assertThat(refused.statusCode()).as(page + ": " + refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
        }
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> hangup = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                "call_id=in-flight-bound-1&disposition=ANSWER");
        assertThat(hangup.statusCode()).as(hangup.body()).isEqualTo(200);
        assertThat(waiting).as("the two are still waiting on the platform").noneMatch(CompletableFuture::isDone);

        simulator().releaseHeld();
        for (CompletableFuture<HttpResponse<String>> answer : waiting) {
            assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
        }
        HttpResponse<String> again = click2call(AGENTS.get(2)).get();
        assertThat(again.statusCode()).as("their places are free again: " + again.body()).isEqualTo(200);
        assertThat(simulator().requests("click2call")).as("the refused one was not dialled").hasSize(3);
    }

    @Test
    void slowReportsFillTheirOwnBoundAndLeaveClick2callsAndScreenPopsTheRestOfTheirs() throws Exception {
        // a report platform that takes its time: an agent performance request waits on it until released (within ccs.api.cdr-timeout)
        simulator().inject(Fault.hold("reportsAgentPerf", 20_000, 1));
        String day = LocalDate.now(ZoneId.of("Europe/Istanbul")).minusDays(2).toString();
        List<CompletableFuture<HttpResponse<String>>> waiting = List.of(performance(day));
        await().atMost(Duration.ofSeconds(30)).until(() -> simulator().requests("reportsAgentPerf").size() == 1);

        // each door that reads reports is refused over the bound: agent performance, a call's CDR record, its recording
        for (String report : List.of("/api/v1/agents/performance?from=" + day, "/api/v1/calls/in-flight-report-1",
                "/api/v1/calls/in-flight-report-1/recording")) {
            HttpResponse<String> second = get(report);
            assertThat(second.statusCode()).as(report + ": " + second.body()).isEqualTo(503);
            assertThat(json.readTree(second.body()).get("detail").asText()).contains("connector.api.max-reports-in-flight");
            assertThat(second.headers().firstValue("Retry-After")).hasValue("5");
        }
        HttpResponse<String> dialled = click2call(AGENTS.get(0)).get();
        assertThat(dialled.statusCode()).as("the reports hold no more than their own bound of the places: " + dialled.body()).isEqualTo(200);
        HttpResponse<String> screenPop = get("/api/v1/screen-pop?phone=05321234567");
        assertThat(screenPop.statusCode()).as(screenPop.body()).isEqualTo(200);
        assertThat(waiting).as("the report is still waiting on the platform").noneMatch(CompletableFuture::isDone);
        assertThat(simulator().requests("reportsAgentPerf")).as("the refused ones were not asked").hasSize(1);
        assertThat(simulator().requests("recordinginfo")).isEmpty();

        simulator().releaseHeld();
        for (CompletableFuture<HttpResponse<String>> answer : waiting) {
            assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
        }
        HttpResponse<String> again = performance(day).get();
        assertThat(again.statusCode()).as("their places are free again: " + again.body()).isEqualTo(200);
    }

    @Test
    void aBackfillAnswered202GivesItsPlaceBackWhileItRunsOn() throws Exception {
        // the backfill's first page waits on the platform until released: the run goes on long after its 202
        simulator().inject(Fault.hold("reportsCDRLogs", 20_000, 1).onlyWith("startdate"));
        String day = LocalDate.now(ZoneId.of("Europe/Istanbul")).minusDays(1).toString();
        HttpResponse<String> accepted = post("/api/v1/cdr/backfill", "application/json",
                "{\"from\": \"" + day + "T09:00:00\", \"to\": \"" + day + "T09:59:59\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        // a hangup's CDR lookup asks too (by call key): the backfill's page is the one asked by dates
        await().atMost(Duration.ofSeconds(30)).until(() -> simulator().requests("reportsCDRLogs").stream()
                .anyMatch(page -> page.params().containsKey("startdate")));

        // both places are free: before, the run held the request's place until its end (Camel handed it to the run's exchange)
        simulator().inject(Fault.hold("click2call", 7_000, 2));
        List<CompletableFuture<HttpResponse<String>>> waiting = AGENTS.subList(0, 2).stream().map(this::click2call).toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> simulator().requests("click2call").size() == 2
                || waiting.stream().anyMatch(CompletableFuture::isDone));
        simulator().releaseHeld();
        for (CompletableFuture<HttpResponse<String>> answer : waiting) {
            assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/api/v1/cdr/backfill").body().contains("\"done\""));
    }

    private CompletableFuture<HttpResponse<String>> performance(String day) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/agents/performance?from=" + day + "&to=" + day)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> click2call(String agent) {
        String body = "{\"agentEmail\": \"" + agent + "\", \"phoneNumber\": \"05321234567\"}";
        return http.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/click2call")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
