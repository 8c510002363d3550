package ccs.connector.status;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import ccs.connector.api.Problem;
import ccs.connector.event.CloudEvent;
import ccs.connector.simulator.Fault;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import static ccs.connector.cdr.CdrTestRecords.ISTANBUL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status page (/status) in headless Chromium against the simulator, a backfill under way and a
 * real CRM (a local HTTP server), and its data (GET /api/v1/status) behind the API key.
 */
class StatusPageBrowserTest extends StatusPageBrowserSupport {

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.api-key", KEY);
        settings.setProperty("ccs.simulator.records", "0");
        // the page's CDR rows (lag, last poll, settle sweep) are there only with the poller on
        settings.setProperty("ccs.cdr.enabled", "true");
        settings.setProperty("ccs.cdr.backfill.window", "10m");
        settings.setProperty("crm.retry.max-retries", "0");
        settings.setProperty("ccs.agent-performance.check-interval", "300ms");
        settings.setProperty("ccs.agent-performance.retry", "300ms");
    }

    @Test
    void withoutTheKeyThereIsNoData() throws Exception {
        HttpResponse<String> answer = get("/api/v1/status");
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).doesNotContain("demo", "lagSeconds");

        browser.get(baseUrl() + "/status");
        assertThat(browser.findElement(By.id("status")).isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector("section.tenant"))).isEmpty();
        signIn("not-the-key");
        wait.until(page -> page.findElement(By.id("key-problem")).isDisplayed());
        assertThat(textOf(By.id("key-problem"))).isEqualTo("The key was refused.");
        assertThat(browser.findElements(By.cssSelector("section.tenant"))).isEmpty();
        assertThat(browser.getCurrentUrl()).doesNotContain("not-the-key");
    }

    @Test
    void theProgressBarOfARunningBackfillMovesWithoutAReload() throws Exception {
        startASlowBackfillOf(LocalDate.now(ISTANBUL).minusDays(2));

        openWithTheKey();
        double first = wait.until(page -> {
            double percent = progress();
            return percent > 0 && percent < 100 ? percent : null;
        });
        String url = browser.getCurrentUrl();
        wait.until(page -> progress() > first);
        assertThat(browser.getCurrentUrl()).isEqualTo(url);
        String running = wait.until(page -> backfillText());
        assertThat(running).contains("records").containsPattern("window \\d+ of 60");
        wait.until(page -> backfillText().startsWith("done"));
    }

    @Test
    void aCancelledBackfillShowsWhereItStopped() throws Exception {
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(3);
        startASlowBackfillOf(day);
        openWithTheKey();
        wait.until(page -> progress() > 0);

        assertThat(delete("/api/v1/cdr/backfill", "X-Api-Key", KEY).statusCode()).isEqualTo(200);

        String cancelled = wait.until(page -> backfillText().startsWith("cancelled") ? backfillText() : null);
        assertThat(cancelled).containsPattern("cancelled at [\\d.]+ % of " + day + " 08:00 to " + day + " 17:59:59: \\d+ records, ");
        assertThat(progress()).as("no progress bar").isEqualTo(-1);
    }

    @Test
    void aDeadLetterDisappearsAfterTheReplayButtonIsPressed() throws Exception {
        CloudEvent event = hangupEvent("status-dead-1");
        crm.answerWhen(request -> event.getId().equals(request.header("Idempotency-Key")), Answer.status(400));
        publish(event);

        openWithTheKey();
        wait.until(page -> page.findElement(By.id("dead-letters")).getText().startsWith("1 waiting"));
        assertThat(textOf(By.id("summary"))).isNotEqualTo("All is well");
        assertThat(textOf(By.id("last-hour"))).contains("1 dead-lettered");
        assertThat(textOf(By.id("problems"))).contains("1 dead letter waits for a replay");
        assertThat(textOf(By.id("dead-letters"))).contains("the latest failed with: ").contains("400");
        assertThat(browser.getPageSource()).doesNotContain("05321234567", KEY);

        crm.clearRules();
        long deliveredBefore = status().at("/lastHour/delivered").asLong();
        browser.findElement(By.id("replay")).click();
        wait.until(page -> page.findElement(By.id("dead-letters")).getText().startsWith("0 waiting"));
        assertThat(delivered(crm, event.getId()).get("id").asText()).isEqualTo(event.getId());
        assertThat(status().at("/deadLetters/waiting").asLong()).isZero();
        // the replayed event counts as delivered once its key is in the dedupe store, just after the CRM has it
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status().at("/lastHour/delivered").asLong()).isGreaterThan(deliveredBefore));
    }

    @Test
    void anAgentPerformanceBackfillThatFailsIsAProblemNotAllIsWell() throws Exception {
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(4);
        simulator().inject(Fault.status("reportsAgentPerf", 500, 100_000));
        try {
            assertThat(post("/api/v1/agents/performance/backfill", "application/json", "{\"from\": \"" + day + "\", \"to\": \"" + day + "\"}",
                    "X-Api-Key", KEY).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).until(() -> status().at("/tenants/0/agentPerformance/backfill/state").asText().equals("failed"));

            openWithTheKey();

            String problems = problemsNaming("agent performance");
            assertThat(problems).contains("The agent performance backfill of tenant demo failed: ").contains("answered HTTP 500");
            assertThat(textOf(By.id("summary"))).isNotEqualTo("All is well");
            assertThat(browser.findElement(By.cssSelector("section.tenant[data-tenant=demo]")).getText()).contains("Agent performance");
        } finally {
            simulator().clearFaults();
            delete("/api/v1/agents/performance/backfill", "X-Api-Key", KEY);
        }
    }

    @Test
    void aFailedSettleSweepIsAProblemNotAllIsWell() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> status().at("/tenants/0/checkpoint").isTextual());
        simulator().inject(Fault.status("reportsCDRLogs", 500, 100_000));
        try {
            // asked until one has read: a sweep asked for while another of the tenant still reads is skipped
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                template.sendBody("direct:cdr-settle", null);
                return !status().at("/tenants/0/lastSettle/ok").asBoolean(true);
            });

            openWithTheKey();

            String problems = problemsNaming("settle sweep");
            // why, as the sweep's row says: not a fixed text
            assertThat(problems).contains("The last settle sweep of tenant demo failed: ").contains("HTTP 500");
            assertThat(textOf(By.id("summary"))).isNotEqualTo("All is well");
        } finally {
            simulator().clearFaults();
            template.sendBody("direct:cdr-settle", null);
        }
    }

    @Test
    void aConnectorThatStopsAnsweringIsTheProblemAndItsLastFiguresStayMarkedStale() throws Exception {
        try (Door door = new Door()) {
            openWithTheKey(door.url("/status"));
            waitForFigures();

            door.close();

            // the page's summary kept All is well, and only the small updated line said the connector did not answer
            wait.until(page -> page.findElement(By.id("summary")).getText().equals("The connector does not answer"));
            assertThat(browser.findElement(By.id("summary")).getDomAttribute("class")).isEqualTo("bad");
            assertThat(textOf(By.id("problems"))).startsWith("The connector did not answer (").contains("Its last answer was at ");
            assertThat(textOf(By.id("stale"))).contains("last answer").contains("may be stale");
            assertThat(browser.findElement(By.cssSelector("section.tenant[data-tenant=demo]")).isDisplayed()).as("the last figures stay")
                    .isTrue();
        }
    }

    @Test
    void aStatusAnsweredWithAnErrorOrNotInTimeIsTheProblemUntilTheConnectorAnswersAgain() throws Exception {
        try (Door door = new Door()) {
            openWithTheKey(door.url("/status"));
            waitForFigures();

            door.answer(Door.Status.STARTING);
            wait.until(page -> page.findElement(By.id("summary")).getText().equals("The connector answers no status"));
            assertThat(textOf(By.id("problems")))
                    .startsWith("The connector answered HTTP 503: the connector is starting: send the request again in a moment.");
            assertThat(textOf(By.id("stale"))).contains("may be stale");

            door.answer(Door.Status.HANGS);
            wait.until(page -> page.findElement(By.id("problems")).getText().startsWith("The connector did not answer within "));
            assertThat(textOf(By.id("summary"))).isEqualTo("The connector does not answer");

            door.answer(Door.Status.FORWARDED);
            wait.until(page -> page.findElement(By.id("updated")).getText().startsWith("Updated"));
            assertThat(textOf(By.id("summary"))).isNotIn("The connector does not answer", "The connector answers no status");
            assertThat(browser.findElement(By.id("problems")).getText()).doesNotContain("The connector");
            assertThat(browser.findElement(By.id("stale")).isDisplayed()).as("the figures are fresh again").isFalse();
        }
    }

    @Test
    void aKeyRefusedWhileThePageIsOpenIsTheProblemAndNoFigureStays() throws Exception {
        try (Door door = new Door()) {
            openWithTheKey(door.url("/status"));
            waitForFigures();

            // the connector itself answers 401, as once connector.api-key was changed
            door.answer(Door.Status.WITH_ANOTHER_KEY);

            wait.until(page -> page.findElement(By.id("summary")).getText().equals("The connector refused the API key"));
            assertThat(textOf(By.id("problems"))).contains("HTTP 401").contains("connector.api-key");
            assertThat(textOf(By.id("key-problem"))).isEqualTo("The key was refused.");
            assertThat(browser.findElement(By.id("key-form")).isDisplayed()).isTrue();
            assertThat(browser.findElements(By.cssSelector("section.tenant"))).as("no figure without a key").isEmpty();
            assertThat(browser.findElement(By.id("figures")).isDisplayed()).isFalse();
            assertThat(browser.getPageSource()).doesNotContain(KEY);
        }
    }

    /** A proxy that serves the connector under a path of its own: the page asks for its status there, not at the site's /api. */
    @Test
    void behindAProxyThatServesItUnderAPrefixThePageAsksThroughThePrefix() throws Exception {
        try (Door door = new Door("/ccs")) {
            openWithTheKey(door.url("/ccs/status"));
            waitForFigures();
            assertThat(textOf(By.id("replica"))).isEqualTo("this connector");
        }
    }

    /**
     * Between the browser and the connector: forwards every request, or answers GET /api/v1/status as the connector does
     * when it starts (503), when its key has changed (401, the connector's own answer to another key) or when it hangs;
     * closed, nothing answers at its address, as when the connector stops.
     */
    private final class Door implements AutoCloseable {

        enum Status { FORWARDED, STARTING, WITH_ANOTHER_KEY, HANGS }

        private static final List<String> NOT_FORWARDED = List.of("content-length", "transfer-encoding", "connection", "date");

        private final HttpServer server;
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final AtomicReference<Status> status = new AtomicReference<>(Status.FORWARDED);
        private final String prefix;
        private boolean closed;

        Door() throws IOException {
            this("");
        }

        /** One that serves the connector under {@code prefix} only, and answers 404 elsewhere. */
        Door(String prefix) throws IOException {
            this.prefix = prefix;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.setExecutor(threads);
            server.createContext("/", this::handle);
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        void answer(Status answer) {
            status.set(answer);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String path = exchange.getRequestURI().getRawPath();
                if (!path.startsWith(prefix + "/")) {
                    send(exchange, 404, "not served here".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                path = path.substring(prefix.length());
                Status answer = path.equals("/api/v1/status") ? status.get() : Status.FORWARDED;
                if (answer == Status.HANGS) {
                    Instant giveUp = Instant.now().plusSeconds(60);
                    while (status.get() == Status.HANGS && Instant.now().isBefore(giveUp)) {
                        Thread.sleep(100);
                    }
                    return;
                }
                if (answer == Status.STARTING) {
                    // what ccs.connector.health.StartingGate answers until every route has started
                    send(exchange, 503, Problem.json(503, "the connector is starting: send the request again in a moment", null)
                            .getBytes(StandardCharsets.UTF_8), "Content-Type", Problem.MEDIA_TYPE, "Retry-After", "1");
                    return;
                }
                byte[] body = exchange.getRequestBody().readAllBytes();
                String query = exchange.getRequestURI().getRawQuery();
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path + (query == null ? "" : "?" + query)))
                        .timeout(Duration.ofSeconds(30))
                        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                String key = answer == Status.WITH_ANOTHER_KEY ? "the-key-before-it-changed" : exchange.getRequestHeaders().getFirst("X-Api-Key");
                if (key != null) {
                    request.header("X-Api-Key", key);
                }
                String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
                if (contentType != null) {
                    request.header("Content-Type", contentType);
                }
                HttpResponse<byte[]> forwarded = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                forwarded.headers().map().forEach((name, values) -> {
                    if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                        exchange.getResponseHeaders().put(name, values);
                    }
                });
                send(exchange, forwarded.statusCode(), forwarded.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void send(HttpExchange exchange, int status, byte[] body, String... headers) throws IOException {
            for (int i = 0; i < headers.length; i += 2) {
                exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
            }
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                status.set(Status.FORWARDED);
                server.stop(0);
                threads.shutdownNow();
            }
        }
    }

    /** The page showing the connector's answer: a tenant's figures, updated. */
    private void waitForFigures() {
        wait.until(page -> !page.findElements(By.cssSelector("section.tenant[data-tenant=demo]")).isEmpty()
                && page.findElement(By.id("updated")).getText().startsWith("Updated"));
    }

    /** A backfill of the day from 08:00 to 17:59:59: 60 windows of 10 minutes, each page slowed down, so it takes a while. */
    private void startASlowBackfillOf(LocalDate day) throws Exception {
        simulator().generateCdrs(600, day.atTime(8, 0), day.atTime(18, 0));
        simulator().inject(Fault.delay("reportsCDRLogs", 300, 60));
        assertThat(post("/api/v1/cdr/backfill", "application/json", "{\"from\": \"" + day + "T08:00:00\", \"to\": \"" + day + "T17:59:59\"}",
                "X-Api-Key", KEY).statusCode()).isEqualTo(202);
    }

    private JsonNode status() throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/status")).header("X-Api-Key", KEY)
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The value of the demo tenant's backfill progress bar, -1 while there is none. */
    private double progress() {
        return browser.findElements(By.cssSelector("section.tenant[data-tenant=demo] progress")).stream()
                .mapToDouble(bar -> Double.parseDouble(bar.getDomProperty("value"))).findFirst().orElse(-1);
    }

    private String backfillText() {
        return browser.findElements(By.cssSelector("section.tenant[data-tenant=demo] .backfill")).stream()
                .map(WebElement::getText).findFirst().orElse("");
    }
}
