package ccs.connector.cdr;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.simulator.CcsSimulator;
import ccs.connector.simulator.Fault;
import ccs.connector.simulator.SimulatorSettings;
import ccs.connector.state.Database;
import ccs.connector.support.ConnectorProcess;
import ccs.connector.support.FreePorts;
import ccs.connector.support.PostgresServer;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.ISTANBUL;
import static ccs.connector.cdr.CdrTestRecords.deliveries;
import static ccs.connector.cdr.CdrTestRecords.eventIds;
import static ccs.connector.cdr.CdrTestRecords.wallClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged connector killed (SIGKILL) in the middle of a CDR window or a backfill and started
 * again on the same data dir, against a simulator and a REST CRM that outlive it: every record
 * reaches the CRM, none twice (each delivery is a POST with the event id as Idempotency-Key).
 */
class CdrRestartIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String API_KEY = "it-api-key-0123456789abcdef";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final List<Process> connectors = new ArrayList<>();
    private CcsSimulator simulator;
    private RecordingHttpServer crm;
    private int port;
    private Path dataDir;

    @BeforeEach
    void startPeers() throws Exception {
        simulator = CcsSimulator.start(new SimulatorSettings().port(0).seedRecords(0));
        crm = new RecordingHttpServer();
        port = FreePorts.next();
        dataDir = Path.of("target", "it-cdr-" + port);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process connector : connectors) {
            connector.destroyForcibly();
            connector.waitFor(30, TimeUnit.SECONDS);
        }
        simulator.close();
        crm.close();
    }

    @Test
    void aCrashInTheMiddleOfAWindowLeavesNoGapAndNoSecondDelivery() throws Exception {
        List<String> ids = eventIds(simulator.generateCdrs(250, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10))));
        // the first page is answered at once, the second not before the connector is gone
        simulator.inject(Fault.delay("reportsCDRLogs", 0, 1));
        simulator.inject(Fault.delay("reportsCDRLogs", 120_000, 1));

        Process first = connector("first");
        await().atMost(PATIENCE).until(() -> simulator.requests("reportsCDRLogs").size() >= 2);
        await().atMost(PATIENCE).until(() -> deliveries(crm).size() == 100);
        crash(first);

        assertThat(checkpoint()).as("the window was not finished").isEmpty();
        Process second = connector("second");
        await().atMost(PATIENCE).until(() -> deliveries(crm).keySet().containsAll(ids));
        // later polls read the same records again through the overlap
        int requests = simulator.requests("reportsCDRLogs").size();
        await().atMost(PATIENCE).until(() -> simulator.requests("reportsCDRLogs").size() >= requests + 10);

        Map<String, Long> deliveries = deliveries(crm);
        assertThat(deliveries).hasSize(250);
        assertThat(ids).allSatisfy(id -> assertThat(deliveries.get(id)).as(id).isEqualTo(1));
        crash(second);
        assertThat(checkpoint()).isPresent();
    }

    @Test
    void aBackfillInterruptedByACrashGoesOnFromItsLastWindowAfterTheRestart() throws Exception {
        LocalDate day = LocalDate.now(ISTANBUL).minusDays(3);
        // off the seconds that windows share (the hours), so that each window holds 150 records of its own
        List<String> ids = eventIds(simulator.generateCdrs(900, day.atTime(8, 0, 1), day.atTime(14, 0, 1)));
        // three windows of two pages each are answered at once, the fourth window hangs
        simulator.inject(Fault.delay("reportsCDRLogs", 0, 6));
        simulator.inject(Fault.delay("reportsCDRLogs", 120_000, 1));

        Process first = connector("first", "-Dccs.cdr.enabled=false");
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/cdr/backfill"))
                .header("X-Api-Key", API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\": \"" + day + "T08:00:00\", \"to\": \"" + day + "T13:59:59\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> simulator.requests("reportsCDRLogs").size() >= 7);
        await().atMost(PATIENCE).until(() -> Math.round(backfillPercentDone()) == 50);
        await().atMost(PATIENCE).until(() -> deliveries(crm).size() == 450);
        crash(first);

        connector("second", "-Dccs.cdr.enabled=false");
        await().atMost(PATIENCE).until(() -> deliveries(crm).keySet().containsAll(ids));
        await().atMost(PATIENCE).until(() -> backfillPercentDone() == 100.0);

        Map<String, Long> deliveries = deliveries(crm);
        assertThat(ids).allSatisfy(id -> assertThat(deliveries.get(id)).as(id).isEqualTo(1));
        String secondLog = Files.readString(log("second"));
        assertThat(secondLog).doesNotContain("window " + day + " 08:00:00 to")
                .contains("resumes at " + day + "T11:00 (50% done)")
                .contains("window " + day + " 11:00:00 to " + day + " 12:00:00 done (150 records in 2 pages), 67% done")
                .contains("is done: 900 records in 6 windows");
    }

    /**
     * One node switched over to a shared PostgreSQL, as the README's drain steps say, its state copied there at the start:
     * nothing it delivered is delivered again, and a record that appears only after the switch, of a call begun before
     * the node's checkpoint, is read through the overlap.
     */
    @Test
    void aNodeSwitchedToPostgresqlWithItsStateCopiedDeliversNoRecordTwiceAndReadsTheLateOnes() throws Exception {
        List<String> ids = new ArrayList<>(eventIds(simulator.generateCdrs(150, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10)))));
        Process node = connector("node");
        await().atMost(PATIENCE).until(() -> deliveries(crm).keySet().containsAll(ids));
        Thread.sleep(2000);
        node.destroy();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Instant nodeCheckpoint = checkpoint().orElseThrow();
        // calls that began before the checkpoint and ended after the node stopped
        ids.addAll(eventIds(simulator.generateCdrs(20, wallClock(Duration.ofMinutes(4)), wallClock(Duration.ofMinutes(3)))));

        try (PostgresServer postgres = PostgresServer.start()) {
            String[] onPostgresql = {"-Dconnector.database.url=" + postgres.url(), "-Dconnector.database.username=" + PostgresServer.USER,
                    "-Dconnector.database.password=" + PostgresServer.PASSWORD, "-Dconnector.database.copy-from=" + dataDir,
                    "-Dconnector.data-dir=" + dataDir + "-replica"};
            Process replica = connector("replica", onPostgresql);
            await().atMost(PATIENCE).until(() -> deliveries(crm).keySet().containsAll(ids));
            int requests = simulator.requests("reportsCDRLogs").size();
            await().atMost(PATIENCE).until(() -> simulator.requests("reportsCDRLogs").size() >= requests + 10);
            crash(replica);
            // started again with the setting left in: the shared database holds state, nothing is copied over it
            crash(connector("replica-again", onPostgresql));

            Map<String, Long> deliveries = deliveries(crm);
            assertThat(deliveries).hasSize(170);
            assertThat(ids).allSatisfy(id -> assertThat(deliveries.get(id)).as(id).isEqualTo(1));
            assertThat(Files.readString(log("replica"))).contains("Copied the state of the node's store under " + dataDir
                    + " into the shared database: {CAMEL_MESSAGEPROCESSED=").contains("CDR_CHECKPOINT=1,");
            assertThat(Files.readString(log("replica-again"))).contains("The shared database holds state already: nothing copied");
            try (Database shared = Database.postgresql(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD, 2, Duration.ofSeconds(60))) {
                assertThat(new CdrState(shared).checkpoint("demo").orElseThrow()).isAfterOrEqualTo(nodeCheckpoint);
            }
        }
    }

    /** The checkpoint in the connector's database, read while no connector holds it open. */
    private Optional<Instant> checkpoint() throws Exception {
        try (Database database = Database.h2(dataDir)) {
            return new CdrState(database).checkpoint("demo");
        }
    }

    /** The gauge of the backfill's progress, as any replica shows it. */
    private double backfillPercentDone() throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher gauge = Pattern.compile("ccs_cdr_backfill_progress_percent\\{tenant=\"demo\"} ([0-9.]+)").matcher(metrics);
        return gauge.find() ? Double.parseDouble(gauge.group(1)) : -1;
    }

    /** Starts the packaged connector against this test's simulator and CRM, and waits until it is ready. */
    private Process connector(String run, String... extra) throws Exception {
        List<String> options = new ArrayList<>(List.of(
                "-Dcamel.server.port=" + port,
                "-Dconnector.data-dir=" + dataDir,
                "-Dccs.api-url=" + simulator.apiUrl(),
                "-Dccs.app-token=" + simulator.appToken(),
                "-Dconnector.webhook-token=it-webhook-token-0123456789",
                "-Dconnector.api-key=" + API_KEY,
                "-Dcrm.sink=rest",
                "-Dcrm.rest.url=" + crm.url("/events"),
                "-Dccs.cdr.interval=200ms",
                "-Dccs.cdr.lag=1s",
                "-Dccs.cdr.start=" + wallClock(Duration.ofHours(1)),
                "-Dccs.cdr.backfill.retry=500ms"));
        options.addAll(List.of(extra));
        Process connector = ConnectorProcess.start(log(run), Map.of(), options.toArray(String[]::new));
        connectors.add(connector);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/observe/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        return connector;
    }

    /**
     * Kills the connector the hard way. Before that, the deliveries the CRM has just answered finish (their ids recorded,
     * their outbox messages acknowledged: both outbox queues empty): a delivery cut off between the CRM's answer and that
     * record is repeated after the restart, and these tests count exactly one delivery per record. A fixed pause left
     * that to a busy machine's speed.
     */
    private void crash(Process connector) throws Exception {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            JsonNode outbox = json.readTree(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/status"))
                    .header("X-Api-Key", API_KEY).build(), HttpResponse.BodyHandlers.ofString()).body()).get("outbox");
            return outbox.get("depth").asLong() == 0 && outbox.get("bulk").asLong() == 0;
        });
        connector.destroyForcibly();
        assertThat(connector.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private Path log(String run) {
        return Path.of("target", "it-cdr-" + port + "-" + run + ".log");
    }
}
