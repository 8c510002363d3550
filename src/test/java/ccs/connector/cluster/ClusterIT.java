package ccs.connector.cluster;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ccs.connector.cdr.CdrWindow;
import ccs.connector.simulator.CcsSimulator;
import ccs.connector.simulator.Fault;
import ccs.connector.support.FreePorts;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.deliveries;
import static ccs.connector.cdr.CdrTestRecords.eventIds;
import static ccs.connector.cdr.CdrTestRecords.wallClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three replicas of the packaged connector ({@code connector.cluster=file}) on a real PostgreSQL
 * and a real standalone Artemis broker, behind which the simulator and a REST CRM outlive them.
 * Webhooks arrive round-robin while a CDR window is being read; the leader is killed (SIGKILL) in
 * the middle of the window, then a follower in the middle of deliveries. Before that, a click2call
 * for one agent on every replica at once logs the agent in once, and an event the CRM refused is
 * listed and replayed through a follower other than the one that took its webhook, and a backfill a follower takes runs on
 * the leader at once. Every acknowledged webhook
 * and every CDR record reaches the CRM, a few at most twice, one replica leads at a time, the new
 * leader polls within 30 s, and the live followers stay ready throughout.
 */
class ClusterIT {

    private static final Duration PATIENCE = Duration.ofSeconds(150);
    private static final int DELIVERY_CONSUMERS = 4;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Replica> replicas = new ArrayList<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<String> unready = new CopyOnWriteArrayList<>();
    private final List<String> twoLeaders = new CopyOnWriteArrayList<>();
    private final Set<Replica> killed = ConcurrentHashMap.newKeySet();
    private SharedEngines engines;
    private volatile boolean watching = true;

    /** One replica: its port, process and log. */
    private record Replica(String name, int port, Process process, Path log) {
    }

    @BeforeEach
    void startEngines() throws Exception {
        engines = SharedEngines.start("ccs-cluster-it");
    }

    @AfterEach
    void stopAll() throws Exception {
        watching = false;
        if (engines != null) {
            engines.close();
        }
    }

    @Test
    void killingTheLeaderMidWindowAndThenAFollowerMidDeliveriesLosesNothing() throws Exception {
        List<String> records = eventIds(engines.simulator.generateCdrs(250, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10))));
        // the first leader reads the window's first page, then hangs on the second until it is killed
        // (page requests only: a hangup's CDR lookup by activecallkey must not use these faults up)
        engines.simulator.inject(Fault.delay("reportsCDRLogs", 0, 1).onlyWith("startdate"));
        engines.simulator.inject(Fault.delay("reportsCDRLogs", 120_000, 1).onlyWith("startdate"));
        for (int i = 1; i <= 3; i++) {
            replicas.add(replica("replica-" + i));
        }
        for (Replica replica : replicas) {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> ready(replica));
        }
        Thread watcher = new Thread(this::watchReadinessAndLeadership, "cluster-watcher");
        watcher.setDaemon(true);
        watcher.start();

        // one login per agent for the cluster, however many replicas ask at once
        String agent = engines.simulator.agents().get(0);
        List<CompletableFuture<HttpResponse<String>>> calls = replicas.stream().map(replica -> http.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + replica.port() + "/api/v1/click2call")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Api-Key", SharedEngines.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"agentEmail\": \"" + agent + "\", \"phoneNumber\": \"05321234567\"}")).build(),
                HttpResponse.BodyHandlers.ofString())).toList();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertThat(call.get().statusCode()).as(call.get().body()).isEqualTo(200);
        }
        assertThat(engines.simulator.requests("login").stream().filter(login -> agent.equals(login.params().get("email")))).hasSize(1);

        Replica leader = await().atMost(PATIENCE).ignoreExceptions().until(this::leader, found -> found != null);
        // each replica's status names the replica that answered (what it shows of the CRM is what that replica met); only the
        // leader knows who leads, a follower of a file lock is never told
        Set<String> answeredBy = new HashSet<>();
        for (Replica replica : replicas) {
            JsonNode cluster = new ObjectMapper().readTree(api(replica, "GET", "/api/v1/status").body()).get("cluster");
            assertThat(cluster.get("thisReplicaLeads").asBoolean()).isEqualTo(replica == leader);
            answeredBy.add(cluster.get("replica").asText());
            if (replica == leader) {
                assertThat(cluster.get("leader").asText()).isEqualTo(cluster.get("replica").asText());
            }
        }
        assertThat(answeredBy).hasSize(3).allMatch(id -> id.matches(".+-[0-9]+"));
        // a screen pop on one follower reads a call's custom variables; the call's hangup comes to the other follower and
        // carries them. The CRM refuses it: a dead letter kept by the replica that delivered it is listed by any, replayed
        // through a follower, put back by the leader
        List<Replica> followers = replicas.stream().filter(r -> r != leader).toList();
        CcsSimulator.ActiveCall rung = engines.simulator.ring(agent, "05337654321");
        assertThat(api(followers.get(1), "GET", "/api/v1/screen-pop?activecallkey=" + rung.key() + "&agentEmail="
                + URLEncoder.encode(agent, StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
        String refused = "demo:ccs.call.hangup:" + rung.key();
        engines.crm.answerWhen(received -> refused.equals(received.header("Idempotency-Key")), RecordingHttpServer.Answer.status(400));
        assertThat(hangup(followers.get(0), rung.key()).statusCode()).isEqualTo(200);
        await().atMost(PATIENCE).until(() -> api(followers.get(1), "GET", "/api/v1/dead-letters").body().contains(refused));
        engines.crm.clearRules();
        assertThat(api(followers.get(1), "POST", "/api/v1/dead-letters/replay").body()).isEqualTo("{\"replaying\":1}");
        await().atMost(PATIENCE).until(() -> engines.crm.received().stream().anyMatch(r -> refused.equals(r.header("Idempotency-Key")) && r.answeredOk()));
        String replayed = engines.crm.received().stream().filter(r -> refused.equals(r.header("Idempotency-Key")) && r.answeredOk()).findFirst().orElseThrow().body();
        assertThat(new ObjectMapper().readTree(replayed).at("/data/customVariables/ivr_choice").asText()).isEqualTo("2");
        await().atMost(PATIENCE).until(() -> api(followers.get(0), "GET", "/api/v1/dead-letters").body().equals("{\"deadLetters\":[]}"));
        assertThat(Files.readString(leader.log())).contains("Dead letter " + refused + " is on its way back to the outbox, through the CDR lookup");

        await().atMost(PATIENCE).until(() -> pageRequests().count() >= 2);
        await().atMost(PATIENCE).until(() -> deliveries(engines.crm).keySet().stream().filter(records::contains).count() == 100);

        // a backfill a follower takes runs on the leader at once, not at its next resume (an hour away here); an empty
        // range, before the records, once the poll's page faults are used up
        HttpResponse<String> backfill = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + followers.get(0).port()
                        + "/api/v1/cdr/backfill")).timeout(Duration.ofSeconds(10)).header("X-Api-Key", SharedEngines.API_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"from\": \""
                        + wallClock(Duration.ofHours(3)) + "\", \"to\": \"" + wallClock(Duration.ofHours(2)) + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(backfill.statusCode()).as(backfill.body()).isEqualTo(202);
        await().atMost(PATIENCE).until(() -> api(followers.get(1), "GET", "/api/v1/cdr/backfill").body().contains("\"state\":\"done\""));
        sendWebhooks(0, 30);

        Thread.sleep(1000);
        Instant killed = Instant.now();
        kill(leader);
        sendWebhooks(30, 60);
        Replica newLeader = await().atMost(PATIENCE).ignoreExceptions().until(this::leader, found -> found != null && found != leader);
        Instant firstPollAfter = await().atMost(PATIENCE).until(() -> pageRequests()
                .map(CcsSimulator.ApiRequest::at).filter(at -> at.isAfter(killed)).findFirst().orElse(null), at -> at != null);
        assertThat(Duration.between(killed, firstPollAfter)).as("the new leader's first poll after the kill -9")
                .isLessThan(Duration.ofSeconds(30));

        // deliveries take a while now, so the follower dies with some of them in flight
        engines.crm.answerWhen(received -> true, RecordingHttpServer.Answer.status(200).after(Duration.ofMillis(200)));
        Replica follower = replicas.stream().filter(r -> alive(r) && r != newLeader).findFirst().orElseThrow();
        sendWebhooks(60, 100);
        kill(follower);
        engines.crm.clearRules();
        sendWebhooks(100, 120);

        await().atMost(PATIENCE).until(() -> deliveries(engines.crm).keySet().containsAll(records)
                && deliveries(engines.crm).keySet().containsAll(acknowledged));
        Map<String, Long> deliveries = deliveries(engines.crm);
        assertThat(acknowledged).as("webhooks acknowledged while two replicas went down").hasSizeGreaterThan(100);
        long duplicates = deliveries.values().stream().mapToLong(count -> count - 1).sum();
        // a delivery consumer repeats at most one event, or a CDR page (its ids are recorded once it is done):
        // since CDR records go as pages, a replica killed with a page in flight may repeat all of it
        assertThat(duplicates).as("at most every delivery consumer of each killed replica repeats one event or a page")
                .isLessThanOrEqualTo(2L * (CdrWindow.FULL_PAGE + DELIVERY_CONSUMERS - 1));
        assertThat(twoLeaders).as("one leader at a time, so the pollers never overlap").isEmpty();
        assertThat(unready).as("the live replicas stayed ready").isEmpty();
        long leadershipsTaken = 0;
        for (Replica replica : replicas) {
            leadershipsTaken += Files.readAllLines(replica.log()).stream().filter(line -> line.contains("took the leadership")).count();
        }
        assertThat(leadershipsTaken).as("the first leader, then the one after the kill").isEqualTo(2);
    }

    private Replica replica(String name) throws Exception {
        int port = FreePorts.next();
        Path log = engines.log(name);
        Process process = engines.startReplica(name, port,
                // hangup events wait for their CDR record on the shared broker, where any replica takes them (no record: one retry)
                "-Dconnector.webhook.enrich-with-cdr=true",
                "-Dconnector.webhook.enrich-timeout=1s",
                "-Dconnector.webhook.enrich-retries=1",
                "-Dconnector.webhook.enrich-retry-delay=200ms",
                "-Dcrm.sink=rest",
                "-Dcrm.rest.url=" + engines.crm.url("/events"),
                "-Dcrm.delivery.consumers=" + DELIVERY_CONSUMERS,
                "-Dccs.cdr.interval=1s",
                // a backfill taken by a follower must reach the leader without its resume timer
                "-Dccs.cdr.backfill.retry=1h",
                "-Dccs.cdr.lag=1s",
                "-Dccs.cdr.start=" + wallClock(Duration.ofHours(1)));
        return new Replica(name, port, process, log);
    }

    /** Hangup callbacks number from to to-1, each to the next live replica; the acknowledged ones are remembered. */
    private void sendWebhooks(int from, int to) {
        for (int i = from; i < to; i++) {
            List<Replica> live = replicas.stream().filter(this::alive).toList();
            String callKey = "cluster-call-" + i;
            try {
                HttpResponse<String> answer = hangup(live.get(i % live.size()), callKey);
                if (answer.statusCode() == 200) {
                    acknowledged.add("demo:ccs.call.hangup:" + callKey);
                }
            } catch (Exception e) {
                // not acknowledged: the platform would send it again; nothing is owed for it
            }
        }
    }

    private HttpResponse<String> hangup(Replica target, String callKey) throws Exception {
        String form = "call_id=" + callKey + "&call_date=2026-11-02+10%3A00%3A00&disposition=ANSWER&duration=9"
                + "&called_num=05071303066&caller_id=901&agent_username=";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + "/webhooks/ccs/hangup?token=" + SharedEngines.WEBHOOK_TOKEN))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A call of /api/v1 with the API key and no body. */
    private HttpResponse<String> api(Replica target, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + path)).timeout(Duration.ofSeconds(10))
                .header("X-Api-Key", SharedEngines.API_KEY).method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every 300 ms: each live replica is ready, and at most one of them leads. */
    private void watchReadinessAndLeadership() {
        while (watching) {
            int leaders = 0;
            for (Replica replica : replicas) {
                try {
                    boolean ready = ready(replica);
                    if (alive(replica) && !ready) {
                        unready.add(replica.name() + " at " + Instant.now());
                    }
                    leaders += leads(replica) ? 1 : 0;
                } catch (Exception e) {
                    if (alive(replica)) {
                        unready.add(replica.name() + " at " + Instant.now() + ": " + e);
                    }
                }
            }
            if (leaders > 1) {
                twoLeaders.add(leaders + " leaders at " + Instant.now());
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The CDR pollers' page requests (a window's dates), not the hangups' CDR lookups by activecallkey. */
    private Stream<CcsSimulator.ApiRequest> pageRequests() {
        return engines.simulator.requests("reportsCDRLogs").stream().filter(request -> request.params().containsKey("startdate"));
    }

    private Replica leader() throws Exception {
        Replica found = null;
        for (Replica replica : replicas) {
            if (alive(replica) && leads(replica)) {
                found = replica;
            }
        }
        return found;
    }

    private boolean leads(Replica replica) throws Exception {
        Matcher gauge = Pattern.compile("(?m)^ccs_cluster_leader(\\{[^}]*})? ([0-9.]+)").matcher(get(replica, "/observe/metrics").body());
        return gauge.find() && Double.parseDouble(gauge.group(2)) == 1.0;
    }

    private boolean ready(Replica replica) throws Exception {
        return get(replica, "/observe/health/ready").statusCode() == 200;
    }

    private HttpResponse<String> get(Replica replica, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private boolean alive(Replica replica) {
        return !killed.contains(replica);
    }

    private void kill(Replica replica) throws Exception {
        killed.add(replica);
        replica.process().destroyForcibly();
        assertThat(replica.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
}
