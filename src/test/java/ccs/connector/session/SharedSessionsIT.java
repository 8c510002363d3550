package ccs.connector.session;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import ccs.connector.ccs.AppTokens;
import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.state.Database;
import ccs.connector.support.PostgresServer;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Two replicas' agent sessions on one PostgreSQL (table AGENT_SESSION): no replica hands out a session older than the TTL. */
class SharedSessionsIT {

    private static final String AGENT = "ayse.yilmaz@demo.example";
    /** Long enough that a stall of the machine between the two replicas' first reads leaves session-1 within it. */
    private static final Duration TTL = Duration.ofSeconds(10);

    @Test
    void aSessionTakenFromAnotherReplicaLivesOnlyAsLongAsItHasLeft() throws Exception {
        AtomicInteger logins = new AtomicInteger();
        CamelContext camel = platformLoggingIn(logins);
        Tenants tenants = demoTenant();
        try (PostgresServer postgres = PostgresServer.start();
             Database database = Database.postgresql(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD, 4, Duration.ofSeconds(60))) {
            AgentSessions first = replica(camel, tenants, database);
            AgentSessions second = replica(camel, tenants, database);

            assertThat(first.session(null, AGENT)).isEqualTo("session-1");
            // session-1 was stored before this, however long the login took: from here it is older than the TTL by the end
            long stored = System.nanoTime();
            Thread.sleep(1000);
            assertThat(second.session(null, AGENT)).as("the first replica's, not a login of its own").isEqualTo("session-1");
            Thread.sleep(Math.max(0, TTL.plusSeconds(1).toMillis() - (System.nanoTime() - stored) / 1_000_000));
            assertThat(first.session(null, AGENT)).as("logged in again after the TTL").isEqualTo("session-2");
            assertThat(second.session(null, AGENT)).as("session-1 is older than the TTL: the second replica takes the new one")
                    .isEqualTo("session-2");
            assertThat(logins).hasValue(2);
        } finally {
            camel.stop();
        }
    }

    /**
     * The platform ends the agent's session while two replicas use it: each replica's calls are refused at once, and the
     * cluster logs the agent in once more, not once per replica (the platform limits live sessions per agent); every call
     * is repeated once with the new session.
     */
    @Test
    void aSessionRefusedOnTwoReplicasAtOnceIsRenewedOnceForTheCluster() throws Exception {
        AtomicInteger logins = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> live = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch refusedEverywhere = new java.util.concurrent.CountDownLatch(2);
        CamelContext camel = new DefaultCamelContext();
        // the platform: each login a new session, the only live one; a call with any other session is refused
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:ccs-api-call").process(exchange -> {
                    String function = exchange.getVariable(ccs.connector.ccs.CcsApi.FUNCTION, String.class);
                    if ("login".equals(function)) {
                        String session = "session-" + logins.incrementAndGet();
                        live.set(session);
                        exchange.getMessage().setBody(Map.of("login", true, "session", session));
                    } else if (exchange.getVariable(ccs.connector.ccs.CcsApi.SESSION, String.class).equals(live.get())) {
                        exchange.getMessage().setBody(Map.of("success", true));
                    } else {
                        // both replicas hold the refused session before either logs in again
                        refusedEverywhere.countDown();
                        refusedEverywhere.await(10, java.util.concurrent.TimeUnit.SECONDS);
                        exchange.getMessage().setBody(Map.of("login", false));
                    }
                });
            }
        });
        camel.start();
        Tenants tenants = demoTenant();
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (PostgresServer postgres = PostgresServer.start();
             Database database = Database.postgresql(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD, 4, Duration.ofSeconds(60))) {
            AgentSessions first = replica(camel, tenants, database, Duration.ofHours(8));
            AgentSessions second = replica(camel, tenants, database, Duration.ofHours(8));
            assertThat(first.call(null, AGENT, "click2call", Map.of())).containsEntry("success", true);
            assertThat(second.call(null, AGENT, "click2call", Map.of())).as("the first replica's session").containsEntry("success", true);
            assertThat(logins).hasValue(1);

            live.set("ended by the platform");
            var onFirst = callers.submit(() -> first.call(null, AGENT, "click2call", Map.of()));
            var onSecond = callers.submit(() -> second.call(null, AGENT, "click2call", Map.of()));
            assertThat(onFirst.get(30, java.util.concurrent.TimeUnit.SECONDS)).containsEntry("success", true);
            assertThat(onSecond.get(30, java.util.concurrent.TimeUnit.SECONDS)).containsEntry("success", true);
            assertThat(logins).as("one login again for the cluster").hasValue(2);
            assertThat(first.session(null, AGENT)).isEqualTo("session-2");
            assertThat(second.session(null, AGENT)).isEqualTo("session-2");
        } finally {
            callers.shutdownNow();
            camel.stop();
        }
    }

    /**
     * A row an earlier version stored in plain text (a rolling update) counts as no session: the agent logs in once, with
     * no error, and the row then holds the new session sealed, not as its text.
     */
    @Test
    void aPlainTextRowOfAnEarlierVersionIsNoSession() throws Exception {
        AtomicInteger logins = new AtomicInteger();
        CamelContext camel = platformLoggingIn(logins);
        Tenants tenants = demoTenant();
        try (PostgresServer postgres = PostgresServer.start();
             Database database = Database.postgresql(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD, 4, Duration.ofSeconds(60))) {
            database.merge("AGENT_SESSION", List.of("tenant", "agent_email"), List.of("tenant", "agent_email", "session", "expires_at_ms"),
                    "demo", AGENT, "session-of-an-earlier-version", System.currentTimeMillis() + Duration.ofHours(8).toMillis());

            assertThat(replica(camel, tenants, database, Duration.ofHours(8)).session(null, AGENT)).isEqualTo("session-1");
            assertThat(replica(camel, tenants, database, Duration.ofHours(8)).session(null, AGENT)).as("another replica takes it")
                    .isEqualTo("session-1");
            assertThat(logins).hasValue(1);
            String stored = database.one("SELECT session FROM AGENT_SESSION WHERE agent_email = ?", row -> row.getString(1), AGENT).orElseThrow();
            assertThat(stored).doesNotContain("session-1").doesNotContain("earlier");
        } finally {
            camel.stop();
        }
    }

    /** The platform: each login a new session. */
    private static CamelContext platformLoggingIn(AtomicInteger logins) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:ccs-api-call").process(exchange -> exchange.getMessage().setBody(
                        Map.of("login", true, "session", "session-" + logins.incrementAndGet())));
            }
        });
        camel.start();
        return camel;
    }

    private static Tenants demoTenant() {
        return new Tenants(List.of(new Tenant("demo", "http://127.0.0.1:9/api/", "app-token-123", ZoneId.of("Europe/Istanbul"))), "demo");
    }

    private static AgentSessions replica(CamelContext camel, Tenants tenants, Database database) {
        return replica(camel, tenants, database, TTL);
    }

    private static AgentSessions replica(CamelContext camel, Tenants tenants, Database database, Duration ttl) {
        return new AgentSessions(camel, tenants, new AppTokens(tenants, Duration.ofSeconds(30), Ticker.systemTicker()), ttl,
                Duration.ofSeconds(30), Ticker.systemTicker(), database);
    }
}
