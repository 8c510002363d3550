package ccs.connector.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One event to the CRM: a CloudEvents 1.0 event in structured JSON mode. Built only by
 * {@link Events}; its {@code id} is deterministic ({@code <tenant>:<type>:<key>}, and
 * {@code :<step>} for an event of one step of a call), so a redelivered call or record carries the same id.
 */
public final class CloudEvent {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Half of a UTF-16 pair without its other half: what a CRM that cuts text by UTF-16 units leaves of an emoji. */
    private static final Pattern LONE_SURROGATE = Pattern.compile("[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]");
    /** Longer than any date and time: a start the platform wrote as something else keys its event by id alone. */
    private static final int MAX_START_IN_KEY = 40;

    private final String id;
    private final String source;
    private final String type;
    private final Instant time;
    private final String subject;
    private final Map<String, Object> data;

    CloudEvent(String tenant, String type, String key, Instant time, Map<String, Object> data) {
        this(tenant, type, key, null, time, data);
    }

    /** {@code step}, when not null, tells apart several events of one call (its steps). */
    CloudEvent(String tenant, String type, String key, String step, Instant time, Map<String, Object> data) {
        this(tenant + ":" + type + ":" + key + (step == null ? "" : ":" + step), "ccs/" + tenant, type,
                time.truncatedTo(ChronoUnit.SECONDS), key, data);
    }

    private CloudEvent(String id, String source, String type, Instant time, String subject, Map<String, Object> data) {
        this.id = id;
        this.source = source;
        this.type = type;
        this.time = time;
        this.subject = subject;
        this.data = data;
    }

    /** An event read back from its JSON (a dead letter being replayed). */
    public static CloudEvent parse(JsonNode event) {
        requireIdAndType(event);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = JSON.convertValue(event.get("data"), Map.class);
        return new CloudEvent(event.get("id").asText(), event.path("source").asText(), event.get("type").asText(),
                Instant.parse(event.path("time").asText(Instant.now().toString())), event.path("subject").asText(null), data);
    }

    /** Refuses JSON that is not an event: one without an id or a type. */
    public static void requireIdAndType(JsonNode event) {
        if (event == null || !event.hasNonNull("id") || !event.hasNonNull("type")) {
            throw new IllegalArgumentException("not a CloudEvent: it has no id or type");
        }
    }

    public String getId() {
        return id;
    }

    /** The tenant the event belongs to (its id starts with it). */
    public String getTenant() {
        return id.substring(0, id.indexOf(':'));
    }

    public String getType() {
        return type;
    }

    public String getSubject() {
        return subject;
    }

    public Instant getTime() {
        return time;
    }

    /** The normalized fields, with {@code raw} (the fields as received). */
    public Map<String, Object> getData() {
        return data;
    }

    /** The same event with one more (or a replaced) data field, e.g. a correlated transaction id. */
    public CloudEvent withData(String field, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(data);
        changed.put(field, value);
        return new CloudEvent(id, source, type, time, subject, changed);
    }

    /**
     * The outbox message group of this event: the events of one call (its subject, in its tenant) share a group, so
     * the broker hands them to one consumer at a time, in the order they came: the steps of a call's IVR
     * notifications reach the CRM in order, and events with one id are seen by the dedupe in order; a bounded number
     * of groups keeps the broker's group table small. A CDR record's event is in its tenant's CDR
     * stream ({@code <tenant>:ccs.cdr}), alone (a replayed dead letter) or in a page
     * ({@link EventPage}): a tenant's CDR pages are delivered one at a time and in order, so an
     * overlap read again never races the page that holds the same records.
     */
    public String getGroup() {
        if (Events.CDR.equals(type)) {
            return getTenant() + ":" + Events.CDR;
        }
        return "events-" + Math.floorMod((subject == null ? id : getTenant() + ":" + subject).hashCode(), 16);
    }

    /**
     * Whether this event goes to the outbox's bulk queue ({@code connector.outbox.bulk-queue}) rather than its live one
     * ({@code connector.outbox.queue}): the kinds that come in backlogs (a CDR record, alone or in an {@link EventPage};
     * an agent's performance of a day), so that a backlog paged to disk never holds a live event behind it. The queue
     * follows from the type, and so from the id: two copies of an event are always on one queue, in one message group.
     */
    public boolean isBulk() {
        return Events.CDR.equals(type) || Events.AGENT_PERFORMANCE.equals(type);
    }

    /**
     * The key of this event in the dedupe store. A CDR record's key starts with its {@code calldate}, a hangup's
     * with its {@code call_date}, as the platform wrote it ({@code data.raw}, whatever the tenant's zone): keys
     * in call order fall into the last pages of the store's index, which each commit writes anyway, where
     * random ids alone make every commit write pages all over it. Any other event's key is its id, and so is
     * the key of an event whose start is missing or longer than a date and time (a key has room for 1,000 characters).
     */
    public String getDedupeKey() {
        String field = startField(type);
        return field != null && data != null && data.get("raw") instanceof Map<?, ?> raw ? dedupeKey(id, raw.get(field)) : id;
    }

    /** {@link #getDedupeKey()} of an event as JSON, read without building the event. */
    public static String dedupeKey(JsonNode event) {
        String id = event.get("id").asText();
        String field = startField(event.get("type").asText());
        JsonNode start = field == null ? null : event.path("data").path("raw").path(field);
        return start != null && start.isTextual() ? dedupeKey(id, start.asText()) : id;
    }

    /** The raw field that holds the start of the call: a CDR record's, a hangup callback's; null for the other types. */
    private static String startField(String type) {
        return switch (type) {
            case Events.CDR -> "calldate";
            case Events.HANGUP -> "call_date";
            default -> null;
        };
    }

    private static String dedupeKey(String id, Object start) {
        return start instanceof String text && text.length() <= MAX_START_IN_KEY ? text + "|" + id : id;
    }

    /**
     * The id as an HTTP header carries it ({@code Idempotency-Key}): a header is ASCII, so every byte of the id's UTF-8
     * that is not a visible ASCII character, and {@code %} itself, is percent-encoded ({@code %C4%9F} for {@code ğ}).
     * One id, one key, and two ids never share one; an id of the platform's usual call keys is its own key.
     */
    public static String headerValue(String id) {
        if (id.chars().allMatch(c -> c > 0x20 && c < 0x7F && c != '%')) {
            return id;
        }
        StringBuilder key = new StringBuilder(id.length() * 3);
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            if (b > 0x20 && b < 0x7F && b != '%') {
                key.append((char) b);
            } else {
                key.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return key.toString();
    }

    /** A file name derived from the id alone: safe characters, and a short hash so distinct ids never collide. */
    public String getFileName() {
        return fileName(id);
    }

    public static String fileName(String id) {
        String safe = id.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > 150) {
            safe = safe.substring(0, 150);
        }
        return safe + "." + sha256(id, 4) + ".json";
    }

    /** A short digest of fields, whatever their order: equal for equal fields, different otherwise. */
    public static String digest(Map<String, ?> fields) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(fields).forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        return sha256(text.toString(), 6);
    }

    private static String sha256(String text, int bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String toJson() {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", id);
        event.put("source", source);
        event.put("type", type);
        event.put("time", time.toString());
        event.put("subject", subject);
        event.put("datacontenttype", "application/json");
        event.put("data", data);
        try {
            return wellFormed(JSON.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + id + " cannot be written as JSON", e);
        }
    }

    /**
     * The JSON with each lone surrogate as U+FFFD: such a text is no UTF-8, so the file sink could never write the event
     * (nine attempts, then a dead letter that no replay delivers) and the REST sink would send a '?' in its place.
     */
    private static String wellFormed(String json) {
        for (int i = 0; i < json.length(); i++) {
            if (Character.isSurrogate(json.charAt(i))) {
                return LONE_SURROGATE.matcher(json).replaceAll("\uFFFD");
            }
        }
        return json;
    }

    @Override
    public String toString() {
        return "CloudEvent[" + id + "]";
    }
}
