package ccs.connector.crm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A file sink whose crm.file.dir cannot take a file (here a file stands where the directory was; a full disk and a lost
 * write permission fail the same way): the dead letter says why, not only which file, so does the health check
 * crm-sink, and a replay once the directory is back writes the event.
 */
class FileSinkFailureTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Override
    protected void settings(Properties settings) {
        crmRetries(settings, 1, "100ms");
        // no file can be written, so no event gets through: held past the budget this long, then dead-lettered
        settings.setProperty("crm.retry.while-away", "1s");
        settings.setProperty("connector.health.cache", "1s");
    }

    private Path outDir() {
        return dataDir.resolve("crm-out");
    }

    @Test
    void theDeadLetterOfAFileNotWrittenSaysWhyAndItsReplayWritesIt() throws Exception {
        Files.createDirectories(outDir());
        Files.delete(outDir());
        Files.writeString(outDir(), "a file where the directory was");
        CloudEvent event = hangupEvent("file-not-a-directory");
        publish(event);

        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(event.getId()));
        JsonNode letter = deadLetters().get(event.getId());
        assertThat(letter.get("reason").asText()).as("what the file system said, not only the file")
                .startsWith("GenericFileOperationFailedException: Cannot store file: ").endsWith(".json.part: Not a directory");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/health?exposureLevel=full").body())
                .as("the health check crm-sink says what stands in the way").contains("crm-out is a file, not a directory"));

        Files.delete(outDir());
        assertThat(post("/api/v1/dead-letters/replay", "application/json", "").statusCode()).isEqualTo(202);
        Path file = outDir().resolve(event.getFileName());
        await().atMost(PATIENCE).until(() -> Files.exists(file));
        assertThat(Files.readString(file)).contains(event.getId());
        await().atMost(PATIENCE).until(() -> deadLetters().isEmpty());
    }
}
