package ccs.connector.agentpage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Set;

import ccs.connector.api.JsonBodies;
import ccs.connector.event.InvalidFieldException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads what the agent page forwards of a softphone {@code AgentStatus} message to its door
 * {@code POST /agent/status}: the JSON object
 * <pre>{"status": "available", "time": "2026-11-30T09:15:02.120Z", "agentEmail"?, "tenant"?}</pre>
 * {@code time} is the softphone's time of the change when its message carries one, else when the page
 * received it; a repeated forward of one change carries the same time, and so makes the same event.
 * Any other field, or one too long or of another shape, is refused naming the field (400): nothing the
 * softphone sent besides the status and its time (a session, say) ever reaches an event.
 */
public final class AgentStatuses {

    private static final Set<String> FIELDS = Set.of("status", "time", "agentEmail", "tenant");
    private static final int MAX_STATUS = 64;
    private static final int MAX_TIME = 40;
    private static final int MAX_AGENT = 254;
    private static final String EXAMPLE = "{\"status\": \"available\", \"time\": \"2026-11-30T09:15:02.120Z\"}";

    /** The earliest time taken: a softphone's clock before it is wrong, not a change of today. */
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** How far ahead of this connector's clock a softphone's may run. */
    private static final Duration CLOCK_SKEW = Duration.ofDays(1);

    private final ObjectMapper json = JsonBodies.mapper();
    private final Clock clock;

    public AgentStatuses(Clock clock) {
        this.clock = clock;
    }

    /** The forward, checked; the agent and tenant it names (if any) are still to be checked against the page's cookie. */
    public Forward read(String body) {
        JsonNode forward;
        try {
            forward = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            forward = null;
        }
        if (forward == null || !forward.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object such as " + EXAMPLE);
        }
        for (Iterator<String> names = forward.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                String problem = "is not a field of an agent status: send only status, time, and optionally agentEmail and tenant";
                throw name.matches("[A-Za-z0-9_.-]{1,40}") ? new InvalidFieldException(name, problem)
                        : new IllegalArgumentException("a field of the body " + problem);
            }
        }
        String status = text(forward, "status", MAX_STATUS, true);
        if (!status.matches("[\\p{L}\\p{N}][\\p{L}\\p{N} _.()/:,&+-]*")) {
            throw new InvalidFieldException("status", "must be the name of a status, such as available or lunch: letters, digits, "
                    + "spaces and _ . - / ( ) : , & +");
        }
        // no status, as a script writes a missing one; the route's bean call would read this text as no value too
        if (status.equals("null")) {
            throw new InvalidFieldException("status", "is 'null', the text of a missing status: send the name of the status, such as available");
        }
        return new Forward(status, bounded(time(text(forward, "time", MAX_TIME, true))), text(forward, "agentEmail", MAX_AGENT, false),
                text(forward, "tenant", MAX_AGENT, false));
    }

    /** A time a CRM can take as the latest status: none before 2000 or more than a day ahead (an event's time is RFC 3339 too). */
    private Instant bounded(Instant time) {
        if (time.isBefore(EARLIEST) || time.isAfter(clock.instant().plus(CLOCK_SKEW))) {
            throw new InvalidFieldException("time", "must lie between 2000 and a day from now: the softphone's clock is wrong");
        }
        return time;
    }

    private static Instant time(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            throw new InvalidFieldException("time", "must be an ISO-8601 time with its offset, such as 2026-11-30T09:15:02.120Z");
        }
    }

    private static String text(JsonNode forward, String field, int maxLength, boolean required) {
        JsonNode value = forward.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidFieldException(field, "is missing: " + EXAMPLE);
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidFieldException(field, "must be a string");
        }
        String text = value.asText().trim();
        if (text.length() > maxLength) {
            throw new InvalidFieldException(field, "is longer than " + maxLength + " characters");
        }
        if (text.isEmpty() && required) {
            throw new InvalidFieldException(field, "is empty: " + EXAMPLE);
        }
        return text.isEmpty() ? null : text;
    }

    /** A checked forward: the status, its time (UTC, milliseconds) and the agent and tenant the page named, or null. */
    public record Forward(String status, Instant time, String agentEmail, String tenant) {
    }
}
