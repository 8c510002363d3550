package ccs.connector.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import ccs.connector.support.FreePorts;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.deliveries;
import static ccs.connector.cdr.CdrTestRecords.eventIds;
import static ccs.connector.cdr.CdrTestRecords.wallClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas of the packaged connector on a real PostgreSQL and a real standalone Artemis, under load (hangup
 * callbacks to both, CDR records appearing, a CRM that takes its time), while the shared broker is restarted and then
 * the shared database (a fast shutdown: every connection ended): every acknowledged callback and every CDR record
 * reaches the CRM, and both replicas are ready again, with no restart of theirs.
 */
class EnginesRestartIT {

    private static final Duration PATIENCE = Duration.ofSeconds(150);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Replica> replicas = new ArrayList<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<String> records = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private SharedEngines engines;
    private volatile boolean loading = true;

    private record Replica(int port, Process process) {
    }

    @BeforeEach
    void startEngines() throws Exception {
        engines = SharedEngines.start("ccs-engines-restart-it");
        engines.crm.answerWhen(received -> true, RecordingHttpServer.Answer.status(200).after(Duration.ofMillis(20)));
    }

    @AfterEach
    void stopAll() throws Exception {
        loading = false;
        if (engines != null) {
            engines.close();
        }
    }

    @Test
    void theSharedBrokerAndDatabaseRestartedUnderLoadLoseNothing() throws Exception {
        for (int i = 1; i <= 2; i++) {
            replicas.add(replica("replica-" + i));
        }
        for (Replica replica : replicas) {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> ready(replica));
        }
        Thread load = new Thread(this::load, "load");
        load.setDaemon(true);
        load.start();
        await().atMost(PATIENCE).until(() -> deliveries(engines.crm).size() >= 20);

        engines.broker.restart();
        int afterBroker = acknowledged.size();
        await().atMost(PATIENCE).until(() -> acknowledged.size() >= afterBroker + 20);
        engines.postgres.restart();
        int afterDatabase = acknowledged.size();
        await().atMost(PATIENCE).until(() -> acknowledged.size() >= afterDatabase + 20);
        loading = false;
        load.join();

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(deliveries(engines.crm).keySet()).containsAll(acknowledged).containsAll(records));
        for (Replica replica : replicas) {
            await().atMost(PATIENCE).ignoreExceptions().until(() -> ready(replica));
            assertThat(replica.process().isAlive()).isTrue();
        }
        System.out.println("acknowledged " + acknowledged.size() + ", records " + records.size() + ", refused " + refused.get()
                + ", repeats " + deliveries(engines.crm).values().stream().mapToLong(count -> count - 1).sum());
    }

    /** Hangup callbacks to both replicas by turns, and a CDR record every tenth of them, until told to stop. */
    private void load() {
        for (int i = 0; loading; i++) {
            Replica target = replicas.get(i % replicas.size());
            String callKey = "restart-call-" + i;
            try {
                HttpResponse<String> answer = hangup(target, callKey);
                if (answer.statusCode() == 200) {
                    acknowledged.add("demo:ccs.call.hangup:" + callKey);
                } else {
                    refused.incrementAndGet();
                }
            } catch (Exception e) {
                refused.incrementAndGet();
            }
            if (i % 10 == 0) {
                records.addAll(eventIds(engines.simulator.generateCdrs(1, wallClock(Duration.ofMinutes(2)), wallClock(Duration.ofMinutes(1)))));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Replica replica(String name) throws Exception {
        int port = FreePorts.next();
        Process process = engines.startReplica(name, port,
                "-Dconnector.webhook.enrich-timeout=1s",
                "-Dconnector.webhook.enrich-retries=1",
                "-Dconnector.webhook.enrich-retry-delay=200ms",
                "-Dcrm.sink=rest",
                "-Dcrm.rest.url=" + engines.crm.url("/events"),
                "-Dccs.cdr.interval=1s",
                "-Dccs.cdr.lag=1s",
                "-Dccs.cdr.start=" + wallClock(Duration.ofMinutes(10)));
        return new Replica(port, process);
    }

    private HttpResponse<String> hangup(Replica target, String callKey) throws Exception {
        String form = "call_id=" + callKey + "&call_date=2026-11-02+10%3A00%3A00&disposition=ANSWER&duration=9"
                + "&called_num=05071303066&caller_id=901&agent_username=";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + "/webhooks/ccs/hangup?token=" + SharedEngines.WEBHOOK_TOKEN))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private boolean ready(Replica replica) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + "/observe/health/ready"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    }
}
