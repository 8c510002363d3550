package ccs.connector.crm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ccs.connector.config.Secrets;
import ccs.connector.event.CloudEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

/**
 * Dead letters: events that could not be delivered within the retry budget, one JSON file per
 * event id under {@code <connector.data-dir>/dead-letter/} holding the event, the reason and the
 * attempt count. The files are written by route {@code crm-dead-letter}; this bean describes them,
 * and for a replay moves them to {@code replay/}, where route {@code crm-dead-letter-replay} sends
 * each one back into the outbox.
 */
public final class DeadLetters {

    private final ObjectMapper json = new ObjectMapper();
    private final Path directory;

    public DeadLetters(Path directory) {
        this.directory = directory;
    }

    /** The dead-letter record of a failed delivery of the event (its JSON text). */
    public String describe(Exchange exchange, String event, String sink) throws JsonProcessingException {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Integer redeliveries = exchange.getVariable(RedeliveryCounter.VARIABLE, Integer.class);
        Map<String, Object> letter = new LinkedHashMap<>();
        Map<?, ?> parsed = json.readValue(event, Map.class);
        letter.put("eventId", parsed.get("id"));
        letter.put("type", parsed.get("type"));
        letter.put("sink", sink);
        letter.put("reason", failure == null ? "unknown" : Secrets.mask(failure.getClass().getSimpleName() + ": " + failure.getMessage()));
        letter.put("attempts", 1 + (redeliveries == null ? 0 : redeliveries));
        letter.put("failedAt", Instant.now().toString());
        letter.put("event", parsed);
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(letter);
    }

    /** The event of a dead-letter record, ready to be published again. */
    public CloudEvent event(String letter) throws JsonProcessingException {
        return CloudEvent.parse(json.readTree(letter).get("event"));
    }

    /** Moves every dead letter to the replay folder; answers how many. */
    public int replayAll() {
        Path replay = directory.resolve("replay");
        try {
            Files.createDirectories(replay);
            List<Path> letters;
            try (Stream<Path> files = Files.list(directory)) {
                letters = files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".json")).toList();
            }
            for (Path letter : letters) {
                Files.move(letter, replay.resolve(letter.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return letters.size();
        } catch (IOException e) {
            throw new UncheckedIOException("dead letters cannot be moved for replay", e);
        }
    }
}
