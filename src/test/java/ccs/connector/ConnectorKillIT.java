package ccs.connector;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import ccs.connector.cdr.CdrWindow;
import ccs.connector.simulator.CcsSimulator;
import ccs.connector.simulator.SimulatorSettings;
import ccs.connector.support.ConnectorProcess;
import ccs.connector.support.FreePorts;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged connector killed with SIGKILL again and again while hangup callbacks (sent by this
 * test over HTTP) and CDR records (from a simulator that outlives it) flow to a REST CRM, and
 * started again on the same data directory after each kill (hangup events between the queue where they wait
 * for their CDR record and the outbox included). Afterwards every callback answered 200
 * and every CDR record has reached the CRM, no request was ever answered 404, and the only repeats
 * are deliveries that were in flight at a kill: the CRM had received them but the connector had not
 * recorded their ids yet. Each of the {@value #CONSUMERS} delivery consumers handles one outbox message
 * at a time: a single event, whose id it records before taking the next, or a page of CDR records,
 * whose delivered ids it records once the page is done. The tenant's CDR pages share one message group,
 * so one consumer at a time has them: a kill cuts off at most one page ({@link CdrWindow#FULL_PAGE}
 * events) and one event on each other consumer. (Before pages, every record was a message of its own
 * and the bound was one event per consumer.)
 */
class ConnectorKillIT {

    private static final int KILLS = 5;
    private static final int CONSUMERS = 4;
    private static final ZoneId ISTANBUL = ZoneId.of("Europe/Istanbul");
    private static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    /**
     * Where the CDR sync starts: the same for every run, as a restarted connector keeps its settings. Set anew at each
     * start (a minute before it), it could skip records no run had read: a first run killed before its first poll ended
     * (on a busy machine) left no checkpoint, and the next run's first window began a minute before that run, after the
     * older records; later, it cut the overlap short of records that appeared after the poll that passed their time.
     */
    private final String cdrStart = WIRE.format(LocalDateTime.now(ISTANBUL).minusMinutes(1)).replace(' ', 'T');

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final ExecutorService load = Executors.newFixedThreadPool(2);
    private final List<Process> connectors = new ArrayList<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<String> records = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Integer> answers = new ConcurrentHashMap<>();
    private volatile boolean flowing = true;
    private CcsSimulator simulator;
    private RecordingHttpServer crm;
    private int port;

    @AfterEach
    void stopAll() throws Exception {
        flowing = false;
        load.shutdownNow();
        for (Process connector : connectors) {
            connector.destroy();
            connector.waitFor(40, TimeUnit.SECONDS);
        }
        if (simulator != null) {
            simulator.close();
        }
        if (crm != null) {
            crm.close();
        }
    }

    @Test
    void killedAgainAndAgainUnderLoadItLosesNothingAcknowledgedRepeatsOnlyWhatWasInFlightAndNeverAnswers404() throws Exception {
        simulator = CcsSimulator.start(new SimulatorSettings().port(0).seedRecords(0));
        crm = new RecordingHttpServer();
        port = FreePorts.next();
        load.submit(this::sendCallbacks);
        load.submit(this::addCdrRecords);

        for (int run = 1; run <= KILLS + 1; run++) {
            Process connector = connector("run-" + run);
            int received = crm.received().size();
            // under load: the backlog of the last run, new callbacks and new records
            await().atMost(PATIENCE).failFast("the connector exited, see its log", () -> !connector.isAlive())
                    .until(() -> crm.received().size() >= received + 50);
            if (run <= KILLS) {
                connector.destroyForcibly();
                assertThat(connector.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        }
        flowing = false;
        load.shutdown();
        assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        Set<String> expected = ConcurrentHashMap.newKeySet();
        acknowledged.forEach(key -> expected.add("demo:ccs.call.hangup:" + key));
        records.forEach(key -> expected.add("demo:ccs.cdr:" + key));
        await().atMost(PATIENCE).until(() -> deliveries().keySet().containsAll(expected));

        long repeats = deliveries().values().stream().mapToLong(count -> count - 1).sum();
        System.out.printf("%d kills: %d callbacks acknowledged, %d CDR records, %d repeated deliveries, callback answers %s%n",
                KILLS, acknowledged.size(), records.size(), repeats, answers);
        assertThat(answers).as("answers to the callbacks, by status (-1: no answer)").doesNotContainKey(404).containsKey(200);
        assertThat(repeats).as("deliveries repeated after %d kills", KILLS)
                .isLessThanOrEqualTo((long) KILLS * (CdrWindow.FULL_PAGE + CONSUMERS - 1));
    }

    /** Hangup callbacks, one new call after the other, as the platform sends them; the keys of those answered 200 are kept. */
    private void sendCallbacks() {
        for (int call = 1; flowing; call++) {
            String key = "kill-" + call;
            String form = Map.of("call_id", key, "call_date", WIRE.format(LocalDateTime.now(ISTANBUL)), "duration", "42",
                            "disposition", "ANSWER", "caller_id", "901", "called_num", "05321234567").entrySet().stream()
                    .map(field -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            int status = post("/webhooks/ccs/hangup?token=it-webhook-token-0123456789", form);
            answers.merge(status, 1, Integer::sum);
            if (status == 200) {
                acknowledged.add(key);
            }
            pause(50);
        }
    }

    /** Two new CDR records every 200 ms, each a call that began two to three seconds ago. */
    private void addCdrRecords() {
        while (flowing) {
            LocalDateTime now = LocalDateTime.now(ISTANBUL).withNano(0);
            records.addAll(simulator.generateCdrs(2, now.minusSeconds(3), now.minusSeconds(2)));
            pause(200);
        }
    }

    private int post(String path, String form) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            flowing = false;
            return -1;
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            flowing = false;
        }
    }

    /** Successful deliveries at the CRM, per Idempotency-Key (the event id). */
    private Map<String, Long> deliveries() {
        return crm.received().stream().filter(Received::answeredOk).map(r -> r.header("Idempotency-Key"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** Starts the packaged connector on this test's port and data directory, against its simulator and CRM. */
    private Process connector(String run) throws Exception {
        Process connector = ConnectorProcess.start(Path.of("target", "it-kill-" + port + "-" + run + ".log"), Map.of(),
                "-Dcamel.server.port=" + port,
                "-Dconnector.data-dir=target/it-kill-" + port,
                "-Dccs.api-url=" + simulator.apiUrl(),
                "-Dccs.app-token=" + simulator.appToken(),
                "-Dconnector.webhook-token=it-webhook-token-0123456789",
                "-Dconnector.api-key=it-api-key-0123456789abcdef",
                // the hangups pass the enrichment stage too (their calls have no record: one lookup, one retry)
                "-Dconnector.webhook.enrich-with-cdr=true",
                "-Dconnector.webhook.enrich-timeout=1s",
                "-Dconnector.webhook.enrich-retries=1",
                "-Dconnector.webhook.enrich-retry-delay=200ms",
                "-Dcrm.sink=rest",
                "-Dcrm.rest.url=" + crm.url("/events"),
                "-Dcrm.delivery.consumers=" + CONSUMERS,
                "-Dccs.cdr.interval=200ms",
                "-Dccs.cdr.lag=1s",
                // more than the 3 s by which a record can come after the poll that passed its time, and short enough that a
                // record read once and lost afterwards (a page of the outbox lost at a kill) is not read again by a later window
                "-Dccs.cdr.overlap=10s",
                "-Dccs.cdr.start=" + cdrStart);
        connectors.add(connector);
        return connector;
    }
}
