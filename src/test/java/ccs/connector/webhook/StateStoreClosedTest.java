package ccs.connector.webhook;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import ccs.connector.state.Database;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.retry.FilePathRetryOnInterrupt;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * H2 closes its store for good when a write of it fails (the data volume full), under the sessions of every pooled
 * connection. The health check {@code database} says so while the volume is full, and once there is room again the
 * connector opens the store by itself: a hangup that came meanwhile reaches the CRM and the status answers, without a
 * restart. The volume is H2's {@code retry:} file system of the store (Database#h2), whose files cannot be opened while
 * it is full; the write that fails is the store's own panic with the error H2 raises then.
 */
class StateStoreClosedTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.health.cache", "1s");
    }

    @Test
    void aStoreClosedByAFailedWriteIsReportedDownAndOpensAgainOnceThereIsRoom() throws Exception {
        FilePath.register(new FullVolume());
        try {
            closeTheStoreAsAFailedWriteDoes();

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(databaseCheck().path("status").asText()).isEqualTo("DOWN"));
            // the outbox still keeps what comes in
            assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
            HttpResponse<String> hangup = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                    IvrGuideExamples.encode(IvrGuideExamples.hangup("store-closed-1")));
            assertThat(hangup.statusCode()).as(hangup.body()).isEqualTo(200);
            String id = json.readTree(hangup.body()).get("id").asText();

            FullVolume.FULL.set(false);

            await().atMost(PATIENCE).until(() -> writtenToTheCrm(id));
            await().atMost(PATIENCE).until(() -> get("/api/v1/status").statusCode() == 200);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(databaseCheck().path("status").asText()).isEqualTo("UP"));
        } finally {
            FilePath.register(new FilePathRetryOnInterrupt());
        }
    }

    /** What H2's file store does when a write fails: the store closes, and the write's exception is thrown. */
    private void closeTheStoreAsAFailedWriteDoes() throws Exception {
        Database store = stateStore();
        try (Connection connection = store.dataSource().getConnection()) {
            MVStore mvStore = ((SessionLocal) connection.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
            MVStoreException failedWrite = DataUtils.newMVStoreException(DataUtils.ERROR_WRITING_FAILED, "Writing to {0} failed; length {1} at {2}",
                    dataDir.resolve("db").resolve("connector.mv.db"), 4096, 0, new IOException(FullVolume.NO_SPACE));
            assertThatThrownBy(() -> mvStore.panic(failedWrite)).isSameAs(failedWrite);
        }
    }

    /** H2's {@code retry:} file system, whose files cannot be opened while the volume is full. */
    public static final class FullVolume extends FilePathRetryOnInterrupt {

        static final String NO_SPACE = "No space left on device";
        static final AtomicBoolean FULL = new AtomicBoolean(true);

        @Override
        public FileChannel open(String mode) throws IOException {
            if (FULL.get()) {
                throw new IOException(NO_SPACE);
            }
            return super.open(mode);
        }
    }

    /** The health check {@code database} as /observe/health shows it. */
    private JsonNode databaseCheck() throws Exception {
        JsonNode checks = json.readTree(get("/observe/health?exposureLevel=full").body()).get("checks");
        for (JsonNode check : checks) {
            if (check.path("name").asText().equals("database")) {
                return check;
            }
        }
        throw new AssertionError("no check database: " + checks);
    }

    private boolean writtenToTheCrm(String id) throws IOException {
        Path out = dataDir.resolve("crm-out");
        if (!Files.isDirectory(out)) {
            return false;
        }
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(file -> file.toString().endsWith(".json")).anyMatch(file -> {
                try {
                    return json.readTree(file.toFile()).path("id").asText().equals(id);
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }
}
