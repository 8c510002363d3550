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
    private static final String CDR = "ccs.cdr";

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
     * The outbox message group of this event: events with one id always share a group, so the
     * broker hands them to one consumer at a time and dedupe sees them in order; a bounded number
     * of groups keeps the broker's group table small. A CDR record's event is in its tenant's CDR
     * stream ({@code <tenant>:ccs.cdr}), alone (a replayed dead letter) or in a page
     * ({@link EventPage}): a tenant's CDR pages are delivered one at a time and in order, so an
     * overlap read again never races the page that holds the same records.
     */
    public String getGroup() {
        return CDR.equals(type) ? getTenant() + ":" + CDR : "events-" + Math.floorMod(id.hashCode(), 16);
    }

    /**
     * The key of this event in the dedupe store. A CDR record's key starts with its {@code calldate} as the
     * platform wrote it ({@code data.raw}, whatever the tenant's zone): the records of a page, in call order,
     * then fall into a few pages of the store's index, where their ids alone, random, scattered the commit of
     * a page over some hundred pages of it. Any other event's key is its id.
     */
    public String getDedupeKey() {
        return data != null && data.get("raw") instanceof Map<?, ?> raw ? dedupeKey(id, type, raw.get("calldate")) : id;
    }

    /** {@link #getDedupeKey()} of an event as JSON, read without building the event. */
    public static String dedupeKey(JsonNode event) {
        JsonNode calldate = event.path("data").path("raw").path("calldate");
        return dedupeKey(event.get("id").asText(), event.get("type").asText(), calldate.isTextual() ? calldate.asText() : null);
    }

    private static String dedupeKey(String id, String type, Object calldate) {
        return CDR.equals(type) && calldate instanceof String start ? start + "|" + id : id;
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
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + id + " cannot be written as JSON", e);
        }
    }

    @Override
    public String toString() {
        return "CloudEvent[" + id + "]";
    }
}
