package ccs.connector.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.simulator.CcsSimulator;
import ccs.connector.simulator.Fault;
import ccs.connector.support.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.wallClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A leader that loses the leadership while it runs (here: the lock file under {@code connector.cluster.root} removed, as
 * a cleaned-up shared volume; on Kubernetes a Lease it could not renew in time) stops reading its CDR window after the
 * page in flight, instead of paging the rest of it (here 20 more pages) beside the new leader: one replica polls Call
 * Center Studio at a time. The new leader polls on from the checkpoint, and every record is read.
 */
class DeposedLeaderIT {

    private static final Duration PATIENCE = Duration.ofSeconds(150);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Replica> replicas = new ArrayList<>();
    private SharedEngines engines;

    private record Replica(String name, int port, Process process) {
    }

    @BeforeEach
    void startEngines() throws Exception {
        engines = SharedEngines.start("ccs-deposed-leader-it");
    }

    @AfterEach
    void stopAll() throws Exception {
        if (engines != null) {
            engines.close();
        }
    }

    @Test
    void aLeaderThatLosesTheLeadershipStopsPagingItsWindow() throws Exception {
        // a window of 21 pages, each a second and a half slow: the leader is deposed in the middle of it
        engines.simulator.generateCdrs(2050, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10)));
        engines.simulator.inject(Fault.delay("reportsCDRLogs", 1500, 60).onlyWith("startdate"));
        for (int i = 1; i <= 2; i++) {
            replicas.add(replica("replica-" + i));
        }
        for (Replica replica : replicas) {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> get(replica, "/observe/health/ready").statusCode() == 200);
        }
        await().atMost(PATIENCE).until(() -> pageRequests().size() >= 2);

        // the lock file goes: the leader loses the leadership, and a directory then takes the file's place, so that no
        // replica can take the leadership until the poll that was under way has ended, whichever way it ends (the deposed
        // leader would take it back within a second: then the file goes again)
        Path lock = engines.work.resolve("cluster").resolve("ccs-connector").resolve("leader");
        String pollBefore = lastPoll(replicas.get(0));
        boolean noLock = false;
        while (!noLock) {
            long lost = lostLeaderships();
            Files.deleteIfExists(lock);
            await().atMost(PATIENCE).until(() -> lostLeaderships() > lost);
            try {
                Files.createDirectory(lock);
                noLock = true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // taken back already: once more
            }
        }
        await().atMost(PATIENCE).ignoreExceptions().until(() -> !lastPoll(replicas.get(0)).equals(pollBefore));
        Files.delete(lock);
        // a window is read again from the checkpoint, by whichever replica leads now
        await().atMost(PATIENCE).until(() -> pageRequests().stream().filter(request -> !request.params().containsKey("cursor")).count() >= 2);
        List<CcsSimulator.ApiRequest> pages = pageRequests();
        int firstWindow = 1;
        while (pages.get(firstWindow).params().containsKey("cursor")) {
            firstWindow++;
        }
        assertThat(firstWindow).as("pages of the first window read before the next window began: the deposed leader stopped paging it")
                .isLessThan(21);
        for (Replica replica : replicas) {
            await().atMost(PATIENCE).ignoreExceptions().until(() -> checkpointReached(replica));
        }
    }

    /** How often the replicas logged that they lost the leadership. */
    private long lostLeaderships() throws java.io.IOException {
        long lost = 0;
        for (Replica replica : replicas) {
            lost += Files.readAllLines(engines.log(replica.name())).stream().filter(line -> line.contains("lost the leadership")).count();
        }
        return lost;
    }

    /** When the latest poll ended, as the status of the replica shows it (empty before the first). */
    private String lastPoll(Replica replica) throws Exception {
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + "/api/v1/status"))
                .timeout(Duration.ofSeconds(10)).header("X-Api-Key", SharedEngines.API_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        Matcher poll = Pattern.compile("\"lastPoll\":\\{[^}]*\"at\":\"([^\"]+)\"").matcher(status.body());
        return poll.find() ? poll.group(1) : "";
    }

    /** The CDR pollers' page requests (a window's dates), oldest first. */
    private List<CcsSimulator.ApiRequest> pageRequests() {
        return engines.simulator.requests("reportsCDRLogs").stream().filter(request -> request.params().containsKey("startdate")).toList();
    }

    private Replica replica(String name) throws Exception {
        int port = FreePorts.next();
        Process process = engines.startReplica(name, port,
                "-Dcrm.sink=jms",
                "-Dccs.cdr.interval=1s",
                "-Dccs.cdr.lag=1s",
                "-Dccs.cdr.start=" + wallClock(Duration.ofHours(1)));
        return new Replica(name, port, process);
    }

    /** The replica's status shows a checkpoint within a minute of now: the window of the records is read. */
    private boolean checkpointReached(Replica replica) throws Exception {
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + "/api/v1/status"))
                .timeout(Duration.ofSeconds(10)).header("X-Api-Key", SharedEngines.API_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher lag = Pattern.compile("\"lagSeconds\":([0-9]+)").matcher(status.body());
        return lag.find() && Long.parseLong(lag.group(1)) < 60;
    }

    private HttpResponse<String> get(Replica replica, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
