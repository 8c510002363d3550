package ccs.connector.click2call;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ccs.connector.support.ConnectorProcess;
import ccs.connector.support.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An inbox file the connector's user may not read (a CRM that writes over SFTP as another user with umask 077), against the
 * packaged connector: Camel lists it all the same, and reading it failed the exchange, with an ERROR line and a stack
 * trace, at every poll, the file never moved nor answered. Root reads any file: run as root, the connector is started
 * without the capabilities that let it (setpriv), and the file is another user's with permissions rw-------.
 */
class Click2callUnreadableFileIT {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    /** What lets root read and search what its permissions do not let it. */
    private static final String DAC = "-dac_override,-dac_read_search";

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void anUnreadableFileIsRefusedToFailedWithItsReasonAndAnsweredOnceTheSameWhenItComesBack() throws Exception {
        int port = FreePorts.next();
        Path data = Path.of("target", "it-unreadable-file-" + port);
        Path inbox = Files.createDirectories(data.resolve("inbox").resolve("click2call"));
        Path unreadable = Files.writeString(inbox.resolve("unreadable.json"),
                "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05421234590\", \"transactionId\": \"crm-file-unreadable\"}");
        List<String> launcher = ROOT ? List.of("setpriv", "--inh-caps=" + DAC, "--bounding-set=" + DAC) : List.of();
        if (ROOT) {
            Files.setOwner(unreadable, unreadable.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        }
        // a file of its own is read by its owner unless its permissions say not
        String permissions = ROOT ? "rw-------" : "---------";
        Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString(permissions));
        Assumptions.assumeTrue(exitCode(launcher, "true") == 0 && exitCode(launcher, "cat", unreadable.toString()) != 0,
                "the connector's user can be kept from reading the file (as root: setpriv may drop capabilities)");

        Path log = Path.of("target", "it-unreadable-file-" + port + ".log");
        Process connector = ConnectorProcess.startBy(launcher, Path.of("."), log, Map.of(), "-Dcamel.server.port=" + port,
                "-Dconnector.data-dir=" + data, "-Dccs.simulator.demo=false", "-Dccs.cdr.enabled=false");
        try {
            Path reason = inbox.resolve("failed/unreadable.json.reason.txt");
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(inbox.resolve("failed/unreadable.json")) && Files.exists(reason));
            // polls go on meanwhile (twice a second)
            Thread.sleep(3_000);

            assertThat(Files.readString(reason)).startsWith("the file cannot be read by the connector's user (")
                    .contains((ROOT ? "it is owned by nobody" : "") + " with permissions " + permissions);
            List<JsonNode> failed = await().atMost(Duration.ofSeconds(30)).until(() -> failedEvents(data.resolve("crm-out")), events -> !events.isEmpty());
            assertThat(failed).singleElement().satisfies(event -> assertThat(event.at("/data/error").asText()).isEqualTo(Files.readString(reason)));
            List<String> lines = Files.readAllLines(log);
            assertThat(lines).noneMatch(line -> line.contains(" ERROR ") || line.startsWith("\tat ") || line.contains("Rollback file strategy"));
            assertThat(lines).filteredOn(line -> line.contains(" WARN ") && line.contains("click2call file unreadable")).singleElement().asString()
                    .contains("click2call file unreadable.json moved to failed/, published as " + failed.get(0).get("id").asText());

            // the connector died after the event and before the move: the file is found again (a copy, with its owner, permissions
            // and time: the one handled, moved back, is left in the inbox as one whose move failed) and answered the same
            Path kept = inbox.resolve("failed/unreadable.json");
            Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rw-------"));
            Path part = Files.copy(kept, inbox.resolve("unreadable.json.part"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(part, PosixFilePermissions.fromString(permissions));
            Files.move(part, unreadable, StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inbox.resolve("failed/unreadable-2.json")));
            Thread.sleep(1_000);
            assertThat(Files.readAllLines(log)).filteredOn(line -> line.contains(" WARN ") && line.contains("click2call file unreadable")).hasSize(2)
                    .allMatch(line -> line.contains("moved to failed/, published as " + failed.get(0).get("id").asText() + ": "));
            assertThat(failedEvents(data.resolve("crm-out"))).hasSize(1);
        } finally {
            connector.destroy();
            assertThat(connector.waitFor(40, TimeUnit.SECONDS)).as("stops within the shutdown timeout").isTrue();
        }
    }

    private static int exitCode(List<String> launcher, String... command) throws Exception {
        List<String> line = new ArrayList<>(launcher);
        line.addAll(List.of(command));
        return new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    /** The ccs.click2call.failed events the file sink wrote. */
    private List<JsonNode> failedEvents(Path crmOut) throws Exception {
        List<JsonNode> failed = new ArrayList<>();
        if (!Files.isDirectory(crmOut)) {
            return failed;
        }
        try (Stream<Path> files = Files.list(crmOut)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode event = json.readTree(file.toFile());
                if ("ccs.click2call.failed".equals(event.path("type").asText())) {
                    failed.add(event);
                }
            }
        }
        return failed;
    }
}
