package ccs.connector.crm;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The file sink (the shipped default) writing into crm.file.dir. */
class FileSinkTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private final ObjectMapper json = new ObjectMapper();

    private Path outDir() {
        return dataDir.resolve("crm-out");
    }

    @Test
    void anEventBecomesOneFileNamedFromItsId() throws Exception {
        CloudEvent event = hangupEvent("file-one/../x");
        publish(event);

        Path file = outDir().resolve(event.getFileName());
        await().atMost(PATIENCE).until(() -> Files.exists(file));
        assertThat(event.getFileName()).startsWith("demo_ccs.call.hangup_file-one_.._x.").endsWith(".json").doesNotContain("/");
        JsonNode written = json.readTree(file.toFile());
        assertThat(written.get("id").asText()).isEqualTo(event.getId());
        assertThat(written.get("specversion").asText()).isEqualTo("1.0");
    }

    @Test
    void aReaderNeverSeesAPartialFile() throws Exception {
        List<String> unreadable = new CopyOnWriteArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            while (writing.get()) {
                for (Path file : jsonFiles()) {
                    try {
                        json.readTree(file.toFile());
                    } catch (Exception e) {
                        if (Files.exists(file)) {
                            unreadable.add(file + ": " + e.getMessage());
                        }
                    }
                }
            }
        });
        reader.start();
        List<CloudEvent> sent = IntStream.range(0, 200).mapToObj(i -> hangupEvent("file-many-" + i)).toList();
        sent.forEach(this::publish);

        await().atMost(PATIENCE).until(() -> sent.stream().allMatch(e -> Files.exists(outDir().resolve(e.getFileName()))));
        writing.set(false);
        reader.join();
        assertThat(unreadable).isEmpty();
        try (Stream<Path> files = Files.list(outDir())) {
            assertThat(files.filter(f -> !f.toString().endsWith(".json"))).as("no temporary file is left").isEmpty();
        }
    }

    @Test
    void anEventAlreadyDeliveredIsNotDeliveredAgain() throws Exception {
        CloudEvent event = hangupEvent("file-twice");
        publish(event);
        Path file = outDir().resolve(event.getFileName());
        await().atMost(PATIENCE).until(() -> Files.exists(file));
        Files.delete(file);

        publish(event);
        CloudEvent after = hangupEvent("file-after-twice");
        publish(after);

        await().atMost(PATIENCE).until(() -> Files.exists(outDir().resolve(after.getFileName())));
        assertThat(file).doesNotExist();
    }

    /**
     * Each of a page's files is forced to the disk and renamed to its name as it is written, their directory when the
     * page's delivery commits: a CRM that takes each file the moment it appears (moves it away) takes each event once,
     * whole, and the page is delivered once.
     */
    @Test
    void aPageWhoseFilesTheCrmTakesAtOnceIsDeliveredOnceEachEvent() throws Exception {
        Path taken = dataDir.resolve("crm-taken");
        Files.createDirectories(taken);
        List<String> moves = new CopyOnWriteArrayList<>();
        AtomicBoolean taking = new AtomicBoolean(true);
        Thread crm = new Thread(() -> {
            while (taking.get()) {
                for (Path file : jsonFiles().stream().filter(f -> f.getFileName().toString().contains("file-taken-")).toList()) {
                    try {
                        Files.move(file, taken.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        moves.add(file.getFileName().toString());
                    } catch (java.io.IOException raced) {
                        // written again meanwhile, or gone: the next pass sees it
                    }
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        });
        crm.start();
        List<CloudEvent> events = IntStream.range(0, 100).mapToObj(i -> events().cdr("demo",
                java.util.Map.of("callid", "file-taken-" + i, "calldate", "2026-11-30 10:00:00", "duration", "42"))).toList();
        double deliveredBefore = deliveriesCounted("delivered");

        try {
            template.sendBody("direct:crm-publish", ccs.connector.event.EventPage.of(events));

            await().atMost(PATIENCE).until(() -> deliveriesCounted("delivered") - deliveredBefore >= events.size());
            await().atMost(PATIENCE).until(() -> moves.size() >= events.size());
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> moves.size() == events.size());
        } finally {
            taking.set(false);
            crm.join();
        }
        assertThat(moves).as("each event once").containsExactlyInAnyOrderElementsOf(events.stream().map(CloudEvent::getFileName).toList());
    }

    /** What a CRM that cuts text by UTF-16 units leaves of an emoji is no UTF-8: the file could never be written. */
    @Test
    void aTextHoldingHalfAnEmojiIsWrittenWithAReplacementCharacterInItsPlace() throws Exception {
        HttpResponse<String> answer = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/json",
                "{\"call_id\": \"file-half-emoji\", \"agent_username\": \"ay\u015fe \\ud83d\", \"note\": \"\\udc00 \\ud83d\\ude00\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

        Path file = outDir().resolve(hangupEvent("file-half-emoji").getFileName());
        await().atMost(PATIENCE).until(() -> Files.exists(file));
        JsonNode written = json.readTree(file.toFile());
        assertThat(written.at("/data/agentUsername").asText()).isEqualTo("ay\u015fe \uFFFD");
        assertThat(written.at("/data/raw/note").asText()).as("a whole emoji stays").isEqualTo("\uFFFD \uD83D\uDE00");
        assertThat(deadLetters()).doesNotContainKey("demo:ccs.call.hangup:file-half-emoji");
    }

    @Test
    void fileNameHeadersInAnyLetterCaseChangeNoDestination() {
        CloudEvent event = hangupEvent("file-inject");
        template.send("direct:crm-publish", exchange -> {
            exchange.getMessage().setBody(event);
            exchange.getMessage().setHeader("CamelFileName", "../../injected-1.json");
            exchange.getMessage().setHeader("camelfilename", "../../injected-2.json");
            exchange.getMessage().setHeader("CAMELOVERRULEFILENAME", "../../injected-3.json");
        });

        await().atMost(PATIENCE).until(() -> Files.exists(outDir().resolve(event.getFileName())));
        assertThat(Path.of("target")).isDirectoryNotContaining("glob:**/injected-*");
        assertThat(dataDir).isDirectoryNotContaining("glob:**/injected-*");
    }

    private List<Path> jsonFiles() {
        if (!Files.isDirectory(outDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outDir())) {
            return files.filter(f -> f.toString().endsWith(".json")).toList();
        } catch (Exception e) {
            return new ArrayList<>();
        }
    }
}
