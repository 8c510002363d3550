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
import ccs.connector.event.Events;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

/**
 * Dead letters: events that could not be delivered within the retry budget, one JSON file per
 * event id under {@code <connector.data-dir>/dead-letter/} holding the event, the reason and the
 * attempt count. The files are written by route {@code crm-dead-letter}; this bean describes them,
 * and for a replay moves them to {@code replay/}, where route {@code crm-dead-letter-replay} sends
 * each one back into the outbox. The webhook intake keeps requests that could not become an event
 * here too ({@code ccs.connector.webhook.WebhookLetters}: a {@code request} instead of an
 * {@code event}); such a letter is replayed once its event can be built, e.g. after a person added
 * the missing call key to its {@code request}, and stays where it is until then.
 */
public final class DeadLetters {

    private final ObjectMapper json = new ObjectMapper();
    private final Path directory;
    private final Events events;

    public DeadLetters(Path directory, Events events) {
        this.directory = directory;
        this.events = events;
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

    /**
     * The event of a dead-letter record, ready to be published again: the event it holds, or the
     * event built from the webhook request it holds (an {@link IllegalArgumentException} while
     * that request still cannot become one).
     */
    public CloudEvent event(String letter) throws JsonProcessingException {
        JsonNode record = json.readTree(letter);
        if (record.has("request")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> request = json.convertValue(record.get("request"), Map.class);
            return events.webhook(record.path("type").asText(), record.path("tenant").asText(null), request);
        }
        return CloudEvent.parse(record.get("event"));
    }

    /** Moves every dead letter that holds an event, or a request that can now become one, to the replay folder; answers how many. */
    public int replayAll() {
        Path replay = directory.resolve("replay");
        try {
            Files.createDirectories(replay);
            List<Path> letters;
            try (Stream<Path> files = Files.list(directory)) {
                letters = files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".json") && replayable(f)).toList();
            }
            for (Path letter : letters) {
                Files.move(letter, replay.resolve(letter.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return letters.size();
        } catch (IOException e) {
            throw new UncheckedIOException("dead letters cannot be moved for replay", e);
        }
    }

    /**
     * The dead letters waiting for a replay (webhook requests included), and how many of them failed
     * at or after the instant.
     */
    public Waiting waiting(Instant since) {
        if (!Files.isDirectory(directory)) {
            return new Waiting(0, 0, null);
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> letters = files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".json")).toList();
            long recent = 0;
            Instant latestAt = null;
            String latestReason = null;
            for (Path letter : letters) {
                JsonNode record = read(letter);
                Instant at = failedAt(letter, record);
                if (!at.isBefore(since)) {
                    recent++;
                }
                if (latestAt == null || at.isAfter(latestAt)) {
                    latestAt = at;
                    latestReason = record.path("reason").asText("unknown");
                }
            }
            // the reason may quote what the CRM answered: no run of digits that could be a phone number
            return new Waiting(letters.size(), recent, latestReason == null ? null : latestReason.replaceAll("\\d{5,}", "…"));
        } catch (IOException e) {
            throw new UncheckedIOException("the dead letters cannot be listed", e);
        }
    }

    /** How many dead letters wait, how many of those failed since a given instant, and why the latest failed (null when none waits). */
    public record Waiting(long count, long since, String latestReason) {
    }

    /** A letter as JSON; an empty object for one that cannot be read (a person may be editing it). */
    private JsonNode read(Path letter) {
        try {
            return json.readTree(letter.toFile());
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    /** When the letter's event failed: its {@code failedAt}, else when the file was written. */
    private static Instant failedAt(Path letter, JsonNode record) {
        try {
            return Instant.parse(record.path("failedAt").asText(""));
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return Files.getLastModifiedTime(letter).toInstant();
            } catch (IOException gone) {
                return Instant.EPOCH;
            }
        }
    }

    /** A letter from which no event can be built (yet) stays where it is, for a person. */
    private boolean replayable(Path letter) {
        try {
            event(Files.readString(letter));
            return true;
        } catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }
}
