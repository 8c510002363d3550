package ccs.connector.state;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ccs.connector.agentpage.AgentPageRevocations;
import ccs.connector.agentperf.AgentPerformanceState;
import ccs.connector.api.TooManyRequestsException;
import ccs.connector.cdr.CdrState;
import ccs.connector.cdr.CdrState.Backfill;
import ccs.connector.click2call.CallCorrelations;
import ccs.connector.click2call.CallCorrelations.DuplicateTransactionException;
import ccs.connector.click2call.CallCorrelations.TransactionInFlightException;
import ccs.connector.click2call.Click2callCeiling;
import ccs.connector.crm.DeadLetters;
import ccs.connector.support.PostgresServer;
import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The state store on a real PostgreSQL, opened by three "replicas" at once (each its own pool, as
 * separate processes would): the schema is created without a race, a checkpoint only moves
 * forward, one backfill per tenant, the click2call ceiling counts for the whole cluster, a
 * dead letter kept by one is listed and marked for replay by another, an agent's pages revoked on one are refused by another,
 * and a click2call's transaction id taken on one is in flight, then dispatched or free, on another. A replica that starts
 * (a rolling update) on the current schema takes no table's lock, so it neither waits for the others' open writes nor
 * makes their statements wait behind it; one that upgrades an older schema waits for a table's lock only briefly at a
 * time, and tries again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedStateIT {

    private PostgresServer postgres;
    private final List<Database> replicas = new ArrayList<>();

    @BeforeAll
    void startPostgresAndThreeReplicasAtOnce() throws Exception {
        postgres = PostgresServer.start();
        ExecutorService starting = Executors.newFixedThreadPool(3);
        List<Future<Database>> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            started.add(starting.submit(() -> Database.postgresql(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD, 4, Duration.ofSeconds(60))));
        }
        for (Future<Database> database : started) {
            replicas.add(database.get());
        }
        starting.shutdown();
    }

    @AfterAll
    void stopPostgres() throws Exception {
        for (Database database : replicas) {
            database.close();
        }
        postgres.close();
    }

    @Test
    void aReplicaStartingOnTheCurrentSchemaNeitherWaitsForAnOpenWriteNorHoldsUpTheOthers() throws Exception {
        ExecutorService background = Executors.newFixedThreadPool(2);
        Future<Database> starting = null;
        try (Connection writer = connect(postgres.url())) {
            // a delivery on another replica: its dedupe insert, not committed yet
            writer.setAutoCommit(false);
            insertDeliveredId(writer, "held-open-by-a-writer");

            starting = background.submit(() -> Database.postgresql(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD, 2,
                    Duration.ofSeconds(60)));
            Future<Database> started = starting;
            // the start either ends, or queues for a lock behind the writer (and every other statement then behind it)
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> started.isDone() || !waitingLocks().isEmpty());
            assertThat(waitingLocks()).as("locks waited for while a replica starts and a write is open").isEmpty();
            assertThat(started).as("the replica started with the write still open").isDone();
            started.get().close();

            // a third replica's plain dedupe insert, the writer still open
            Future<Boolean> insert = background.submit(() -> replicas.get(0).insertNew(
                    "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, LOCALTIMESTAMP)",
                    "shared-state-it", "inserted-beside-a-writer"));
            assertThat(insert.get(30, TimeUnit.SECONDS)).isTrue();
            writer.commit();
        } finally {
            if (starting != null && !starting.isDone()) {
                // the writer is gone (rolled back): the start can go on; close what it opened
                starting.get(90, TimeUnit.SECONDS).close();
            }
            background.shutdownNow();
        }
    }

    @Test
    void aReplicaUpgradingAnOlderSchemaStepsOutOfTheLockQueueWhileAWriteHoldsTheTable() throws Exception {
        String url = postgres.url() + "?currentSchema=before_upgrade";
        try (Connection admin = connect(postgres.url()); Statement statement = admin.createStatement()) {
            statement.execute("CREATE SCHEMA before_upgrade");
        }
        try (Connection older = connect(url); Statement statement = older.createStatement()) {
            // the tables as an earlier version created them: without the later columns, the dedupe table without its index
            statement.execute("CREATE TABLE CAMEL_MESSAGEPROCESSED (processorName VARCHAR(255), messageId VARCHAR(1000), "
                    + "createdAt TIMESTAMP, PRIMARY KEY (processorName, messageId))");
            statement.execute("CREATE TABLE CDR_BACKFILL (tenant VARCHAR(200) PRIMARY KEY, range_from VARCHAR(32) NOT NULL, "
                    + "range_to VARCHAR(32) NOT NULL, next_start VARCHAR(32) NOT NULL, windows_done INTEGER NOT NULL, "
                    + "records BIGINT NOT NULL, finished BOOLEAN NOT NULL)");
            statement.execute("INSERT INTO CDR_BACKFILL VALUES ('acme', '2026-11-01T00:00', '2026-11-02T00:00', '2026-11-01T06:00', 6, 42, FALSE)");
        }
        ExecutorService background = Executors.newSingleThreadExecutor();
        Future<Database> starting = null;
        try (Connection writer = connect(url)) {
            // an earlier version's replica, still running, with a write open on the dedupe table
            writer.setAutoCommit(false);
            insertDeliveredId(writer, "held-open-during-an-upgrade");

            // a timeout shorter than the upgrade's wait for the table: the schema lock's transaction idles longer than it
            starting = background.submit(() -> Database.postgresql(url, PostgresServer.USER, PostgresServer.PASSWORD, 2, Duration.ofSeconds(3)));
            Future<Database> started = starting;
            await("the start queues for the dedupe table's lock").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !waitingLocks().isEmpty());
            await("the start gives the lock up, and the queue behind it goes on, while the write is still open")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> waitingLocks().isEmpty() && !started.isDone());
            writer.commit();

            try (Database upgraded = started.get(90, TimeUnit.SECONDS)) {
                // the earlier version's backfill, read with the columns added since
                assertThat(new CdrState(upgraded).backfillRun("acme")).hasValueSatisfying(run -> {
                    assertThat(run.backfill().windowsDone()).isEqualTo(6);
                    assertThat(run.outcome()).isEqualTo("interrupted");
                });
                assertThat(upgraded.one("SELECT COUNT(*) FROM pg_indexes WHERE schemaname = 'before_upgrade' "
                        + "AND indexname = 'camel_messageprocessed_created'", row -> row.getInt(1))).contains(1);
            }
        } finally {
            if (starting != null && !starting.isDone()) {
                starting.get(90, TimeUnit.SECONDS).close();
            }
            background.shutdownNow();
        }
    }

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, PostgresServer.USER, PostgresServer.PASSWORD);
    }

    private static void insertDeliveredId(Connection connection, String id) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES ('shared-state-it', '"
                    + id + "', LOCALTIMESTAMP)");
        }
    }

    /** The locks a session of the database waits for: the relation and mode of each. */
    private List<String> waitingLocks() throws SQLException {
        try (Connection connection = connect(postgres.url()); Statement statement = connection.createStatement();
             ResultSet locks = statement.executeQuery("SELECT COALESCE(relation::regclass::text, locktype), mode FROM pg_locks WHERE NOT granted")) {
            List<String> waiting = new ArrayList<>();
            while (locks.next()) {
                waiting.add(locks.getString(1) + " " + locks.getString(2));
            }
            return waiting;
        }
    }

    @Test
    void aReplicaLostWhileItHoldsAnAgentsLockHoldsItNoLongerThanItsDatabaseTimeout() throws Exception {
        CountDownLatch lost = new CountDownLatch(1);
        ExecutorService lostReplica = Executors.newSingleThreadExecutor();
        try (Database silent = Database.postgresql(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD, 2, Duration.ofSeconds(2))) {
            try {
                // the replica took the agent's lock and went silent in the middle of the login (its node lost): its
                // transaction stays open and idle, with nothing that would tell the database
                CountDownLatch locked = new CountDownLatch(1);
                lostReplica.submit(() -> silent.exclusively("agent-session:demo/lost@demo.example", () -> {
                    locked.countDown();
                    try {
                        return lost.await(5, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        return false;
                    }
                }));
                assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();

                // another replica's login for the agent gets the lock (its own wait is bound by its timeout, 60 s, which would fail it)
                assertThat(replicas.get(0).exclusively("agent-session:demo/lost@demo.example", () -> "taken")).isEqualTo("taken");
            } finally {
                lost.countDown();
            }
        } finally {
            lostReplica.shutdown();
        }
    }

    @Test
    void aCheckpointMovesOnlyForwardWhicheverReplicaWrites() {
        new CdrState(replicas.get(0)).saveCheckpoint("acme", Instant.parse("2026-11-02T07:00:00Z"), null);
        new CdrState(replicas.get(1)).saveCheckpoint("acme", Instant.parse("2026-11-02T07:05:00Z"), null);
        new CdrState(replicas.get(0)).saveCheckpoint("acme", Instant.parse("2026-11-02T07:01:00Z"), null);

        assertThat(new CdrState(replicas.get(2)).checkpoint("acme")).contains(Instant.parse("2026-11-02T07:05:00Z"));
    }

    @Test
    void aBackfillUnderWayOnOneReplicaRefusesASecondOnAnother() {
        Backfill backfill = new Backfill("acme", LocalDateTime.parse("2026-11-01T00:00"), LocalDateTime.parse("2026-11-02T00:00"),
                LocalDateTime.parse("2026-11-01T00:00"), 0, 0);
        Instant at = Instant.parse("2026-11-03T00:00:00Z");
        assertThat(new CdrState(replicas.get(0)).startBackfill(backfill, 24, at)).isTrue();
        assertThat(new CdrState(replicas.get(1)).startBackfill(backfill, 24, at)).isFalse();
        assertThat(new CdrState(replicas.get(2)).tenantsWithBackfill()).contains("acme");
        new CdrState(replicas.get(0)).runEnded("acme", at, "failed", "Call Center Studio tenant acme answered HTTP 500", at.plusSeconds(60));
        assertThat(new CdrState(replicas.get(2)).backfillRun("acme")).hasValueSatisfying(run -> {
            assertThat(run.outcome()).isEqualTo("failed");
            assertThat(run.reason()).contains("HTTP 500");
            assertThat(run.windows()).isEqualTo(24);
            assertThat(run.startedAt()).isEqualTo(at);
        });

        // replica 1 runs it again; replica 0, which ran it before, ends its run late: the running one stands
        new CdrState(replicas.get(1)).runStarted("acme", 0, at.plusSeconds(120));
        new CdrState(replicas.get(0)).runEnded("acme", at, "interrupted", null, at.plusSeconds(180));
        assertThat(new CdrState(replicas.get(2)).backfillRun("acme")).hasValueSatisfying(run -> assertThat(run.outcome()).isEqualTo("running"));

        // cancelled on another replica than the one that runs it: it runs no more, and a new one may start
        assertThat(new CdrState(replicas.get(2)).cancelBackfill("acme", at.plusSeconds(240))).isTrue();
        assertThat(new CdrState(replicas.get(1)).backfillRun("acme")).hasValueSatisfying(run -> assertThat(run.outcome()).isEqualTo("cancelled"));
        assertThat(new CdrState(replicas.get(1)).tenantsWithBackfill()).doesNotContain("acme");
        assertThat(new CdrState(replicas.get(0)).cancelBackfill("acme", at.plusSeconds(300))).as("once").isFalse();
        assertThat(new CdrState(replicas.get(0)).startBackfill(backfill, 24, at.plusSeconds(360))).isTrue();
    }

    @Test
    void agentPerformanceProgressIsSharedAndADayDoneTwiceCountsOnce() {
        LocalDate day = LocalDate.parse("2026-11-02");
        Instant at = Instant.parse("2026-11-03T00:00:00Z");
        new AgentPerformanceState(replicas.get(0)).dayDone("acme", AgentPerformanceState.DAILY, day, 3, at);
        new AgentPerformanceState(replicas.get(1)).dayDone("acme", AgentPerformanceState.DAILY, day, 3, at);
        assertThat(new AgentPerformanceState(replicas.get(2)).progress("acme", AgentPerformanceState.DAILY)).hasValueSatisfying(daily -> {
            assertThat(daily.next()).isEqualTo(day.plusDays(1));
            assertThat(daily.daysDone()).isEqualTo(1);
        });

        assertThat(new AgentPerformanceState(replicas.get(0)).startBackfill("acme", day, day.plusDays(1), at)).isTrue();
        assertThat(new AgentPerformanceState(replicas.get(1)).startBackfill("acme", day, day, at)).isFalse();
        new AgentPerformanceState(replicas.get(2)).failed("acme", AgentPerformanceState.BACKFILL, day, "HTTP 500", at);
        new AgentPerformanceState(replicas.get(0)).dayDone("acme", AgentPerformanceState.BACKFILL, day, 3, at);
        new AgentPerformanceState(replicas.get(1)).dayDone("acme", AgentPerformanceState.BACKFILL, day.plusDays(1), 2, at);
        assertThat(new AgentPerformanceState(replicas.get(2)).progress("acme", AgentPerformanceState.BACKFILL)).hasValueSatisfying(backfill -> {
            assertThat(backfill.finished()).isTrue();
            assertThat(backfill.outcome()).isEqualTo("done");
            assertThat(backfill.events()).isEqualTo(5);
        });
        assertThat(new AgentPerformanceState(replicas.get(1)).startBackfill("acme", day, day, at)).as("once done, another").isTrue();
    }

    @Test
    void aDeadLetterKeptOnOneReplicaIsListedAndMarkedForReplayOnAnother() throws Exception {
        String id = "demo:ccs.call.hangup:shared-1";
        new DeadLetters(replicas.get(0), null, null).keep(id, "event", """
                {"eventId":"%1$s","reason":"RejectedDeliveryException: CRM answered 400","attempts":2,
                 "event":{"specversion":"1.0","id":"%1$s","source":"ccs/demo","type":"ccs.call.hangup",
                          "time":"2026-11-02T07:00:42Z","subject":"shared-1","datacontenttype":"application/json",
                          "data":{"callKey":"shared-1"}}}""".formatted(id));

        assertThat(firstPage(new DeadLetters(replicas.get(1), null, null))).singleElement().satisfies(letter -> assertThat(letter)
                .containsEntry("id", id).containsEntry("kind", "event").containsEntry("attempts", 2).containsEntry("replaying", false)
                .containsEntry("reason", "RejectedDeliveryException: CRM answered 400"));
        assertThat(new DeadLetters(replicas.get(2), null, null).waiting(Instant.EPOCH))
                .isEqualTo(new DeadLetters.Waiting(1, 1, 1, "RejectedDeliveryException: CRM answered 400"));
        assertThat(new DeadLetters(replicas.get(1), null, null).replay(null)).isEqualTo(1);
        assertThat(firstPage(new DeadLetters(replicas.get(2), null, null))).singleElement()
                .satisfies(letter -> assertThat(letter).containsEntry("replaying", true));
    }

    @Test
    void anAgentsPagesRevokedOnOneReplicaAreRefusedOnAnother() {
        Instant opened = Instant.now().minusSeconds(60);
        new AgentPageRevocations(replicas.get(0), Duration.ofHours(8)).revoke("acme", "deniz@acme.example", Instant.now());
        // revoked again on a third replica: the agent's row is replaced, not doubled
        Instant revokedAgain = Instant.now().plusSeconds(5);
        new AgentPageRevocations(replicas.get(2), Duration.ofHours(8)).revoke("acme", "deniz@acme.example", revokedAgain);

        AgentPageRevocations another = new AgentPageRevocations(replicas.get(1), Duration.ofHours(8));
        assertThat(another.revoked("acme", "deniz@acme.example", opened)).isTrue();
        assertThat(another.revoked("acme", "deniz@acme.example", revokedAgain)).isTrue();
        assertThat(another.revoked("acme", "deniz@acme.example", revokedAgain.plusMillis(1))).as("opened after").isFalse();
        assertThat(another.revoked("acme", "ayse@acme.example", opened)).as("another agent").isFalse();
        assertThat(another.revoked("other-tenant", "deniz@acme.example", opened)).as("another tenant").isFalse();
    }

    @Test
    void anAgentLinkOpensThePageOnceOnAnyReplicaAndItsCookieServesOnEvery() {
        ccs.connector.ccs.Tenants tenants = new ccs.connector.ccs.Tenants(List.of(new ccs.connector.ccs.Tenant("acme",
                "https://acme.example/api/", "app-token-acme", java.time.ZoneId.of("Europe/Istanbul"))), "acme");
        String url = (String) agentLinks(replicas.get(0), tenants).link(Map.of("agentEmail", "selin@acme.example")).get("url");
        Map<String, String> link = new HashMap<>();
        for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
            String[] parts = pair.split("=", 2);
            link.put(parts[0], java.net.URLDecoder.decode(parts[1], java.nio.charset.StandardCharsets.UTF_8));
        }
        ccs.connector.agentpage.AgentLinks second = agentLinks(replicas.get(1), tenants);
        String cookie = second.open(link.get("agent"), link.get("tenant"), link.get("expires"), link.get("nonce"), link.get("signature"), null);
        assertThat(cookie).startsWith("ccs-agent=");

        assertThatThrownBy(() -> agentLinks(replicas.get(0), tenants).open(link.get("agent"), link.get("tenant"), link.get("expires"),
                link.get("nonce"), link.get("signature"), null)).as("the replica that made the link, after another opened it")
                .isInstanceOf(ccs.connector.agentpage.AgentLinkRefusedException.class).hasMessageContaining("opened already");
        assertThat(agentLinks(replicas.get(2), tenants).admit(cookie.split(";")[0], null))
                .as("the page's cookie on a third replica").isEqualTo(new ccs.connector.agentpage.AgentPass("selin@acme.example", "acme"));
    }

    private static ccs.connector.agentpage.AgentLinks agentLinks(Database replica, ccs.connector.ccs.Tenants tenants) {
        return new ccs.connector.agentpage.AgentLinks("shared-agent-page-secret-0123456789abcdef", tenants, "https://agents.acme.example/agent",
                Duration.ofMinutes(2), Duration.ofHours(8), new AgentPageRevocations(replica, Duration.ofHours(8)),
                new ccs.connector.agentpage.AgentLinkOpenings(replica), java.time.Clock.systemUTC());
    }

    @Test
    void aTransactionIdInFlightOnOneReplicaIsNeitherDialledNorCalledDispatchedOnAnother() throws Exception {
        CallCorrelations one = new CallCorrelations(replicas.get(0));
        CallCorrelations another = new CallCorrelations(replicas.get(1));
        one.remember("acme", "tx-shared-failed", "deniz@acme.example", "05321234567", null);
        assertThatThrownBy(() -> another.remember("acme", "tx-shared-failed", "deniz@acme.example", "05321234567", null))
                .isInstanceOf(TransactionInFlightException.class).hasMessageContaining("its outcome is not known yet");
        assertThatThrownBy(() -> one.dispatchFailed("acme", "tx-shared-failed", new IllegalStateException("Call Center Studio down")))
                .hasMessage("Call Center Studio down");
        another.remember("acme", "tx-shared-failed", "deniz@acme.example", "05321234567", null);
        another.dispatchAccepted("acme", "tx-shared-failed");
        assertThatThrownBy(() -> one.remember("acme", "tx-shared-failed", "deniz@acme.example", "05321234567", null))
                .isInstanceOf(DuplicateTransactionException.class).hasMessageContaining("was dispatched at");

        // a replica that crashed in the middle of the dispatch never ended it: once the bound is over it counts as dispatched
        one.remember("acme", "tx-shared-crashed", "deniz@acme.example", "05321234567", null);
        replicas.get(2).update("UPDATE CLICK2CALL_CORRELATION SET in_flight_until = ? WHERE transaction_id = 'tx-shared-crashed'",
                java.sql.Timestamp.from(Instant.now().minusSeconds(1)));
        assertThatThrownBy(() -> another.remember("acme", "tx-shared-crashed", "deniz@acme.example", "05321234567", null))
                .isInstanceOf(DuplicateTransactionException.class);
    }

    @Test
    void theClick2callCeilingHoldsForTheTenantAcrossReplicas() throws Exception {
        List<Click2callCeiling> ceilings = replicas.stream().map(database -> new Click2callCeiling(3, Ticker.systemTicker(), database)).toList();
        List<Callable<long[]>> attempts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Click2callCeiling ceiling = ceilings.get(i % ceilings.size());
            attempts.add(() -> {
                long before = System.currentTimeMillis() / 1000;
                boolean granted;
                try {
                    ceiling.take("ceiling-tenant");
                    granted = true;
                } catch (TooManyRequestsException e) {
                    granted = false;
                }
                return new long[] {before, System.currentTimeMillis() / 1000, granted ? 1 : 0};
            });
        }
        ExecutorService callers = Executors.newFixedThreadPool(6);
        Map<Long, Integer> grantedPerSecond = new HashMap<>();
        int refused = 0;
        for (Future<long[]> attempt : callers.invokeAll(attempts)) {
            long[] outcome = attempt.get();
            if (outcome[2] == 0) {
                refused++;
            } else if (outcome[0] == outcome[1]) {
                // granted within one second of the wall clock: counted against that second
                grantedPerSecond.merge(outcome[0], 1, Integer::sum);
            }
        }
        callers.shutdown();
        assertThat(refused).as("thirty requests at once on three replicas, ceiling 3 per second").isPositive();
        assertThat(grantedPerSecond.values()).allSatisfy(granted -> assertThat(granted).isLessThanOrEqualTo(3));
    }

    /** The first page of GET /api/v1/dead-letters, as the bean answers it. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> firstPage(DeadLetters deadLetters) {
        return (List<Map<String, Object>>) deadLetters.page(null, null, null, null).get("deadLetters");
    }
}
