package ccs.connector.state;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.PostgresServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shared PostgreSQL stops answering without closing its connections (its node lost, a partition, a frozen primary;
 * here its processes stopped with SIGSTOP): a statement in flight fails a few seconds after {@code connector.database.timeout}
 * instead of holding its request and its pooled connection for as long as the connection lives; the database, once it
 * goes on, cancels the statement rather than running it late; and the connector works again. A queued click2call whose
 * slot in the tenant's ceiling cannot be counted meanwhile waits out the retries of the state store away, as its dispatch
 * does, instead of failing at once.
 */
class StalledDatabaseIT extends ConnectorTestSupport {

    private static final String KEY = "crm-api-key-stalled-database";
    private static final String AGENT = "ayse.yilmaz@demo.example";

    // assigned in settings, which ConnectorTestSupport calls from its constructor: no initializer here
    private PostgresServer postgres;

    @Override
    protected void settings(Properties settings) {
        try {
            postgres = PostgresServer.start();
        } catch (Exception e) {
            throw new IllegalStateException("PostgreSQL did not start", e);
        }
        settings.setProperty("connector.database.url", postgres.url());
        settings.setProperty("connector.database.username", PostgresServer.USER);
        settings.setProperty("connector.database.password", PostgresServer.PASSWORD);
        settings.setProperty("connector.database.timeout", "5s");
        settings.setProperty("connector.api-key", KEY);
    }

    @AfterAll
    void stopConnectorThenPostgres() throws Exception {
        postgres.thaw();
        context.stop();
        postgres.close();
    }

    @Test
    void aStatementTheDatabaseStopsAnsweringIs503AndTheConnectorRecoversOnceItAnswers() throws Exception {
        assertThat(click2call("crm-before-stall").statusCode()).as("the agent's session and the pool are warm").isEqualTo(200);

        try (Connection holder = DriverManager.getConnection(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD);
             Statement statement = holder.createStatement()) {
            // the click2call's insert waits on the server for this lock: a statement in flight when the database stalls
            holder.setAutoCommit(false);
            statement.execute("LOCK TABLE click2call_correlation IN ACCESS EXCLUSIVE MODE");
            CompletableFuture<HttpResponse<String>> stalled = http.sendAsync(click2callRequest("crm-during-stall"),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(30)).until(() -> insertsWaiting(statement) == 1);
            postgres.freeze();
            try {
                HttpResponse<String> answer = stalled.get();
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                assertThat(new ObjectMapper().readTree(answer.body()).path("detail").asText())
                        .isEqualTo("the connector's database is away: try again later");
                assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
            } finally {
                postgres.thaw();
            }
            holder.rollback();
        }

        assertThat(click2call("crm-during-stall").statusCode()).as("nothing was dialled: the CRM sends it again").isEqualTo(200);
        assertThat(simulator().requests("click2call")).extracting(r -> r.params().get("transactionid"))
                .containsExactly("crm-before-stall", "crm-during-stall");
    }

    @Test
    void aQueuedClick2callWhoseSlotTheDatabaseCannotCountIsRetriedAndDialledOnceItCan() throws Exception {
        try (Connection holder = DriverManager.getConnection(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD);
             Connection watcher = DriverManager.getConnection(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD);
             Statement statement = holder.createStatement()) {
            // the tenant's count of this second waits on the server for this lock until connector.database.timeout fails it
            holder.setAutoCommit(false);
            statement.execute("LOCK TABLE click2call_slot IN ACCESS EXCLUSIVE MODE");
            Path inbox = dataDir.resolve("inbox").resolve("click2call");
            Files.createDirectories(inbox);
            Files.writeString(inbox.resolve("queued.json.part"), "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234568\", "
                    + "\"transactionId\": \"crm-queued-slot\"}");
            Files.move(inbox.resolve("queued.json.part"), inbox.resolve("queued.json"), StandardCopyOption.ATOMIC_MOVE);
            Timestamp waiting = await().atMost(Duration.ofSeconds(30)).until(() -> slotCountWaitingSince(watcher), Objects::nonNull);
            await().atMost(Duration.ofSeconds(30)).until(() -> !waiting.equals(slotCountWaitingSince(watcher)));
            holder.rollback();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> simulator().requests("click2call").stream()
                .anyMatch(r -> "crm-queued-slot".equals(r.params().get("transactionid"))));
    }

    /** When the statement counting a click2call's slot began waiting for a lock, or null when none waits. */
    private static Timestamp slotCountWaitingSince(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement();
             ResultSet waiting = statement.executeQuery("SELECT query_start FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                     + " AND query LIKE 'UPDATE CLICK2CALL_SLOT%'")) {
            return waiting.next() ? waiting.getTimestamp(1) : null;
        }
    }

    private static int insertsWaiting(Statement statement) throws Exception {
        try (ResultSet waiting = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE 'INSERT INTO CLICK2CALL_CORRELATION%'")) {
            waiting.next();
            return waiting.getInt(1);
        }
    }

    private HttpResponse<String> click2call(String transactionId) throws Exception {
        return http.send(click2callRequest(transactionId), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest click2callRequest(String transactionId) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/click2call")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("X-Api-Key", KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", "
                        + "\"transactionId\": \"" + transactionId + "\"}"))
                .build();
    }
}
