package ccs.connector.crm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * connector.broker.memory-mb bounds the messages the embedded broker holds in memory: a backlog larger
 * than that (here the CRM queue, which nobody reads yet) goes to the broker's paging files, in page files
 * sized by it too, and every event is still delivered from there.
 */
class BrokerMemoryTest extends ConnectorTestSupport {

    private static final int EVENTS = 2000;

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("crm.sink", "jms");
        settings.setProperty("connector.broker.memory-mb", "1");
    }

    @Test
    void aBacklogBeyondTheBrokersMemoryIsPagedToDiskAndDeliveredWhole() throws Exception {
        List<CloudEvent> sent = IntStream.range(0, EVENTS).mapToObj(i -> hangupEvent("paged-" + i)).toList();
        sent.forEach(this::publish);

        Set<String> ids = new HashSet<>();
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageConsumer consumer = session.createConsumer(session.createQueue("crm.events"));
            // the publisher is done: the backlog waits in the broker, past its memory
            // in files of an eighth of its memory, at least 1 MiB (Artemis's own are 10 MiB): what a queue reads back
            // ahead of its consumers is bounded alike, so a queue nobody reads holds little of its backlog in the heap
            List<Path> pageFiles = crmQueuePageFiles();
            assertThat(pageFiles).as("page files of the CRM queue").hasSizeGreaterThan(1);
            for (Path file : pageFiles) {
                assertThat(Files.size(file)).as(file.toString()).isLessThanOrEqualTo(1024 * 1024 + 64 * 1024);
            }
            connection.start();
            for (int i = 0; i < EVENTS; i++) {
                TextMessage message = (TextMessage) consumer.receive(30_000);
                assertThat(message).as("event " + (i + 1)).isNotNull();
                ids.add(json.readTree(message.getText()).get("id").asText());
            }
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(sent.stream().map(CloudEvent::getId).toList());
    }

    /** The page files of the CRM queue's address (each address pages into a folder that names it in address.txt). */
    private List<Path> crmQueuePageFiles() throws Exception {
        Path paging = dataDir.resolve("broker").resolve("paging");
        if (!Files.isDirectory(paging)) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(paging)) {
            Path folder = folders.filter(dir -> readAddress(dir).equals("crm.events")).findFirst().orElse(null);
            if (folder == null) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(folder)) {
                return files.filter(file -> file.toString().endsWith(".page")).toList();
            }
        }
    }

    private static String readAddress(Path folder) {
        try {
            return Files.readString(folder.resolve("address.txt")).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
