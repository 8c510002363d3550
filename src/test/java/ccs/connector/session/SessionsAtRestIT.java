package ccs.connector.session;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ccs.connector.simulator.CcsSimulator;
import ccs.connector.simulator.SimulatorSettings;
import ccs.connector.support.ConnectorProcess;
import ccs.connector.support.FreePorts;
import ccs.connector.support.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Agents' sessions at rest in the shared state store: the packaged connector on a real PostgreSQL logs an agent in for a
 * click2call over HTTP against the simulator, and table {@code AGENT_SESSION} holds no session the simulator issued; the
 * connector started again on the same store takes the stored session (no second login), and with the tenant's app token
 * changed it logs the agent in once more and the click2call goes through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionsAtRestIT {

    private static final String API_KEY = "it-api-key-0123456789abcdef";
    private static final String WEBHOOK_TOKEN = "it-webhook-token-0123456789";
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final SimulatorSettings platform = new SimulatorSettings().port(0).seedRecords(0);
    private final List<Path> logs = new ArrayList<>();
    private PostgresServer postgres;
    private CcsSimulator simulator;
    private Path work;

    @BeforeAll
    void startEngines() throws Exception {
        work = Files.createTempDirectory("ccs-sessions-at-rest-it");
        postgres = PostgresServer.start();
        simulator = CcsSimulator.start(platform);
    }

    @AfterAll
    void stopEngines() throws Exception {
        if (simulator != null) {
            simulator.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theStoredSessionIsNoSessionTextAndARestartTakesIt() throws Exception {
        String agent = simulator.agents().get(0);
        try (Connector first = start("restart", simulator.appToken())) {
            assertThat(first.click2call(agent).statusCode()).isEqualTo(200);
        }
        assertThat(logins(agent)).isEqualTo(1);
        List<String> stored = storedSessions(agent);
        assertThat(stored).hasSize(1);
        for (String issued : simulator.liveSessions()) {
            assertThat(stored.get(0)).as("the stored row holds no session the platform issued").doesNotContain(issued);
        }

        try (Connector again = start("restart", simulator.appToken())) {
            assertThat(again.click2call(agent).statusCode()).isEqualTo(200);
        }
        assertThat(logins(agent)).as("the restarted connector took the stored session").isEqualTo(1);
        assertNoSessionInTheLogs();
    }

    @Test
    void aChangedAppTokenLogsTheAgentInOnceMore() throws Exception {
        String agent = simulator.agents().get(1);
        String token = simulator.appToken();
        try (Connector before = start("rotation", token)) {
            assertThat(before.click2call(agent).statusCode()).isEqualTo(200);
        }
        assertThat(logins(agent)).isEqualTo(1);

        platform.appToken("rotated-app-token-0123456789");
        try (Connector after = start("rotation", "rotated-app-token-0123456789")) {
            HttpResponse<String> click2call = after.click2call(agent);
            assertThat(click2call.statusCode()).as(click2call.body()).isEqualTo(200);
            assertThat(after.click2call(agent).statusCode()).isEqualTo(200);
        } finally {
            platform.appToken(token);
        }
        assertThat(logins(agent)).as("one login with the new token, its session then reused").isEqualTo(2);
        assertNoSessionInTheLogs();
    }

    /** The packaged connector on the shared store and the simulator, its data dir {@code name} under the work directory. */
    private Connector start(String name, String appToken) throws Exception {
        int port = FreePorts.next();
        Path log = work.resolve(name + "-" + port + ".log");
        logs.add(log);
        Process process = ConnectorProcess.start(log, Map.of(),
                "@deploy/jvm-lean.options",
                "-Dcamel.server.port=" + port,
                "-Dconnector.data-dir=" + work.resolve(name),
                "-Dconnector.database.url=" + postgres.url(),
                "-Dconnector.database.username=" + PostgresServer.USER,
                "-Dconnector.database.password=" + PostgresServer.PASSWORD,
                "-Dconnector.api-key=" + API_KEY,
                "-Dconnector.webhook-token=" + WEBHOOK_TOKEN,
                "-Dccs.api-url=" + simulator.apiUrl(),
                "-Dccs.app-token=" + appToken,
                "-Dccs.cdr.enabled=false");
        Connector connector = new Connector(port, process);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).failFast("the connector stopped; see " + log, () -> !process.isAlive())
                .ignoreExceptions().until(connector::ready);
        return connector;
    }

    private final class Connector implements AutoCloseable {

        private final int port;
        private final Process process;

        Connector(int port, Process process) {
            this.port = port;
            this.process = process;
        }

        boolean ready() throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }

        HttpResponse<String> click2call(String agent) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/click2call"))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").header("X-Api-Key", API_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"agentEmail\": \"" + agent + "\", \"phoneNumber\": \"05321234567\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Stops it as an orchestrator does (SIGTERM), so the next start finds its data dir free. */
        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private long logins(String agent) {
        return simulator.requests("login").stream().filter(login -> agent.equals(login.params().get("email"))).count();
    }

    private List<String> storedSessions(String agent) throws Exception {
        List<String> sessions = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT agent_email, session FROM AGENT_SESSION")) {
            while (rows.next()) {
                if (agent.equals(rows.getString(1))) {
                    sessions.add(rows.getString(2));
                }
            }
        }
        return sessions;
    }

    private void assertNoSessionInTheLogs() throws Exception {
        for (Path log : logs) {
            String text = Files.readString(log);
            for (String issued : simulator.liveSessions()) {
                assertThat(text).as(log.toString()).doesNotContain(issued);
            }
        }
    }
}
