package ccs.connector.crm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

import ccs.connector.event.CloudEvent;
import ccs.connector.event.EventPage;
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
                .startsWith("GenericFileOperationFailedException: Cannot store file: ").endsWith(".part: Not a directory").contains(".json.");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/health?exposureLevel=full").body())
                .as("the health check crm-sink says what stands in the way").contains("crm-out is a file, not a directory"));

        Files.delete(outDir());
        assertThat(post("/api/v1/dead-letters/replay", "application/json", "").statusCode()).isEqualTo(202);
        Path file = outDir().resolve(event.getFileName());
        await().atMost(PATIENCE).until(() -> Files.exists(file));
        assertThat(Files.readString(file)).contains(event.getId());
        await().atMost(PATIENCE).until(() -> deadLetters().isEmpty());
    }

    /**
     * A file that cannot get its name (here a directory stands under it) is its event's failure, with the event's retries
     * and dead letter; the page's other events reach the CRM. Renamed when the page's transaction committed, one such file
     * failed the whole page again and again.
     */
    @Test
    void aFileThatCannotGetItsNameIsItsEventsDeadLetterThePagesOthersAreDelivered() throws Exception {
        List<CloudEvent> page = IntStream.range(0, 5).mapToObj(i -> events().cdr("demo",
                Map.of("callid", "file-unnamed-" + i, "calldate", "2026-11-30 10:00:00", "duration", "42"))).toList();
        CloudEvent blocked = page.get(2);
        Files.createDirectories(outDir().resolve(blocked.getFileName()).resolve("in-the-way"));

        try {
            template.sendBody("direct:crm-publish", EventPage.of(page));

            await().atMost(PATIENCE).until(() -> deadLetters().containsKey(blocked.getId()));
            // named by this process (replicas share the directory) and its delivering thread
            assertThat(deadLetters().get(blocked.getId()).get("reason").asText()).contains("could not rename")
                    .containsPattern(java.util.regex.Pattern.quote(blocked.getFileName()) + "\\.[0-9a-f]{8}-[0-9]+\\.part");
            await().atMost(PATIENCE).until(() -> page.stream().filter(event -> event != blocked)
                    .allMatch(event -> Files.isRegularFile(outDir().resolve(event.getFileName()))));

            // out of the way, its replay writes it
            deleteTree(outDir().resolve(blocked.getFileName()));
            assertThat(post("/api/v1/dead-letters/replay", "application/json", "").statusCode()).isEqualTo(202);
            await().atMost(PATIENCE).until(() -> Files.isRegularFile(outDir().resolve(blocked.getFileName())));
            await().atMost(PATIENCE).until(() -> deadLetters().isEmpty());
            try (java.util.stream.Stream<Path> files = Files.list(outDir())) {
                assertThat(files.map(path -> path.getFileName().toString()))
                        .as("the .part file of each attempt that could not rename it removed (another thread's attempt writes one of its own)")
                        .noneMatch(name -> name.endsWith(".part"));
            }
        } finally {
            // as the other case expects it: no directory
            deleteTree(outDir());
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
