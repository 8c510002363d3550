package ccs.connector.crm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import ccs.connector.event.CloudEvent;
import ccs.connector.event.EventPage;
import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The file sink with crm.file.sync=false: each file renamed to its name at once, nothing forced to the disk. */
class FileSinkUnsyncedTest extends ConnectorTestSupport {

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("crm.file.sync", "false");
    }

    @Test
    void aPagesFilesAndASingleEventsFileGetTheirNamesNoPartFileLeft() throws Exception {
        Path out = dataDir.resolve("crm-out");
        List<CloudEvent> page = IntStream.range(0, 20).mapToObj(i -> events().cdr("demo",
                Map.of("callid", "unsynced-" + i, "calldate", "2026-11-30 10:00:00", "duration", "42"))).toList();
        CloudEvent single = hangupEvent("unsynced-hangup");

        template.sendBody("direct:crm-publish", EventPage.of(page));
        publish(single);

        await().atMost(Duration.ofSeconds(30)).until(() -> Stream.concat(page.stream(), Stream.of(single))
                .allMatch(event -> Files.exists(out.resolve(event.getFileName()))));
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(Path::toString)).noneMatch(name -> name.endsWith(".part"));
        }
    }
}
