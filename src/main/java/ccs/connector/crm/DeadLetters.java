package ccs.connector.crm;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ccs.connector.api.ApiException;
import ccs.connector.api.NotFoundException;
import ccs.connector.api.RepeatedWarnings;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.RouteStartupCheck;
import ccs.connector.config.Secrets;
import ccs.connector.event.CloudEvent;
import ccs.connector.event.Events;
import ccs.connector.event.InvalidFieldException;
import ccs.connector.state.Database;
import ccs.connector.webhook.WebhookTokens;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters: events that could not be delivered within the retry budget, one row per event id
 * in table {@code DEAD_LETTER} of the state store (the H2 file of one node, or the PostgreSQL
 * database every replica shares), holding the letter (the event, the reason, the attempt count) as
 * JSON. Route {@code crm-dead-letter} keeps them through {@link #keep}; {@link #replayAll} marks
 * them for a replay (on any replica), and route {@code crm-dead-letter-replay} (the leader) sends
 * each marked one back into the outbox and deletes its row. The webhook intake keeps requests that
 * could not become an event here too ({@code ccs.connector.webhook.WebhookLetters}: a
 * {@code request} instead of an {@code event}); such a letter is replayed once its event can be
 * built, e.g. after a person added the missing call key to its {@code request}, and stays until then.
 * The events of webhooks that came while the outbox did not take them are held here (kind {@code webhook-event},
 * {@link #hold}) and replayed without a person, once the outbox takes messages ({@link #releaseHeld}).
 * CDR records that could not be read are kept here for a person as well (kind {@code cdr-record}), never replayed.
 */
public final class DeadLetters {

    static final String TABLE = "DEAD_LETTER";
    /** The kind of a webhook's event that the outbox did not take when the webhook came ({@link #hold}). */
    static final String HELD = "webhook-event";
    /** The letters a replay sends: neither CDR records that cannot be read (kept for a person) nor held webhook events. */
    private static final String WAITING = " FROM " + TABLE + " WHERE kind NOT IN ('cdr-record', '" + HELD + "')";
    private static final int REASON_LENGTH = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final ObjectMapper json = new ObjectMapper();
    /** An outbox away holds every webhook's event alike: one line a minute per reason, not one per webhook. */
    private final RepeatedWarnings held = new RepeatedWarnings(LOG, "held alike", Duration.ofMinutes(1), Ticker.systemTicker());
    private final Database database;
    private final Events events;
    private final Tenants tenants;
    private final WebhookTokens webhookTokens;

    public DeadLetters(Database database, Events events, Tenants tenants) {
        this(database, events, tenants, null);
    }

    /** @param webhookTokens the tokens that admit webhooks: a request letter is replayed only as its tenant's token admits it */
    public DeadLetters(Database database, Events events, Tenants tenants, WebhookTokens webhookTokens) {
        this.database = database;
        this.events = events;
        this.tenants = tenants;
        this.webhookTokens = webhookTokens;
    }

    /** The dead-letter record of a failed delivery of the event (its JSON text). */
    public String describe(Exchange exchange, String event, String sink) throws JsonProcessingException {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Integer redeliveries = exchange.getVariable(RedeliveryCounter.VARIABLE, Integer.class);
        return letter(event, sink, failure == null ? "unknown" : failure.getClass().getSimpleName() + ": " + failure(failure),
                1 + (redeliveries == null ? 0 : redeliveries));
    }

    /**
     * A failed delivery's message and, where it does not say it already, its innermost cause's: the file sink's
     * {@code Cannot store file: <name>} says which file, its cause why (a full disk, a lost permission, a file where
     * the directory was).
     */
    public static String failure(Throwable failure) {
        Throwable cause = RouteStartupCheck.rootCause(failure);
        // a file system's message repeats the file's name before its reason
        String root = cause instanceof FileSystemException e && e.getReason() != null ? e.getReason() : RouteStartupCheck.rootMessage(cause);
        return cause == failure || String.valueOf(failure.getMessage()).contains(root) ? failure.getMessage()
                : failure.getMessage() + ": " + root;
    }

    /**
     * The dead-letter record of an event whose message the broker gave up on after its delivery attempts on the
     * queue (route {@code crm-broker-dead-letter}), with one attempt: how often the CRM was sent it is not known.
     */
    public String givenUp(String event, String sink, String queue) throws JsonProcessingException {
        return letter(event, sink, "the broker gave up on its message on " + queue + " after its delivery attempts: the connector"
                + " could not finish it (the database or the broker was away); the CRM may have the event already", 1);
    }

    private String letter(String event, String sink, String reason, int attempts) throws JsonProcessingException {
        Map<String, Object> letter = new LinkedHashMap<>();
        Map<?, ?> parsed = json.readValue(event, Map.class);
        letter.put("eventId", parsed.get("id"));
        letter.put("type", parsed.get("type"));
        letter.put("sink", sink);
        letter.put("reason", Secrets.mask(reason));
        letter.put("attempts", attempts);
        letter.put("failedAt", Instant.now().toString());
        letter.put("event", parsed);
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(letter);
    }

    /**
     * Keeps the letter (JSON text with {@code reason} and, for an event, {@code attempts}) under the
     * id; a letter kept again under the same id replaces the earlier one. It is on the disk when this returns.
     */
    public void keep(String id, String kind, String letter) throws JsonProcessingException {
        database.merge(TABLE, List.of("id"), List.of("id", "kind", "reason", "attempts", "failed_at", "letter", "replay"), row(id, kind, letter));
        // once the caller goes on (its message acknowledged, its request answered), the letter is the only copy
        database.forceToDisk();
    }

    /** A letter's row of the table: its reason and attempts as the letter (JSON text) gives them, failed now, not being replayed. */
    private Object[] row(String id, String kind, String letter) throws JsonProcessingException {
        JsonNode read = json.readTree(letter);
        return new Object[] {id, kind, reasonColumn(read.path("reason").asText("unknown")), read.path("attempts").asInt(1),
                Timestamp.from(Instant.now()), letter, false};
    }

    /**
     * Keeps the event of a webhook that the outbox did not take (its broker down, or its volume full): the webhook is
     * answered 200 all the same, as the platform may never send it again. Route webhook-held-release marks such letters
     * for replay whenever it finds the outbox taking messages, until a replay puts them there. When the state store cannot
     * keep the event either, the outbox's failure is thrown (the webhook's 503), the store's added to it. A letter kept
     * under the event's id already (a repeat of the webhook, or the event refused by the CRM before) holds it: it stays as it is.
     * Answers the letter's reason.
     */
    public String hold(CloudEvent event, Exception outboxFailure) throws Exception {
        try {
            String reason = Secrets.mask("the outbox did not take the event when its webhook came (" + why(outboxFailure)
                    + "): it is put there once the outbox takes events again");
            database.insertNew("INSERT INTO " + TABLE + " (id, kind, reason, attempts, failed_at, letter, replay) VALUES (?, ?, ?, 0, ?, ?, FALSE)",
                    event.getId(), HELD, reasonColumn(reason),
                    Timestamp.from(Instant.now()), letter(event.toJson(), "outbox", reason, 0));
            database.forceToDisk();
            held.warn("Webhook events held in the state store: " + reason);
            return reason;
        } catch (Exception e) {
            outboxFailure.addSuppressed(e);
            throw outboxFailure;
        }
    }

    /** The reason as its column takes it: the letter itself keeps the whole of it. */
    private static String reasonColumn(String reason) {
        return reason.length() > REASON_LENGTH ? reason.substring(0, REASON_LENGTH) : reason;
    }

    /** A failure's message and its innermost cause's: Spring's JMS wrapper says no more than "Uncategorized exception occurred during JMS processing". */
    private static String why(Throwable failure) {
        String root = RouteStartupCheck.rootMessage(failure);
        return failure.getCause() == null ? root : failure.getMessage() + ": " + root;
    }

    /** Marks for replay the webhook events held while the outbox did not take them (see {@link #hold}); answers how many. */
    public int releaseHeld() {
        return database.update("UPDATE " + TABLE + " SET replay = TRUE WHERE replay = FALSE AND kind = '" + HELD + "'");
    }

    /**
     * GET /api/v1/dead-letters: at most {@code limit} (1 to {@value #PAGE_MAX}, {@value #PAGE_MAX} when absent) dead letters, oldest
     * first, of one {@code kind} and one {@code tenant} when given (the same with each page), after the cursor {@code after} (the {@code next} of
     * the page before, absent for the first page), as
     * {@code {"deadLetters": [...], "next": ...}}; {@code next} only while more follow. A night of a CRM refusing everything
     * leaves many thousands: listed in one answer, they did not fit into the heap. A limit, a kind, a tenant or a cursor that
     * cannot be read (a tenant this connector does not serve) throws {@link InvalidFieldException} naming it (400).
     */
    public Map<String, Object> page(String limit, String after, String kind, String tenant) {
        int size = pageSize(limit);
        List<Object> parameters = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        if (kind != null) {
            conditions.add("kind = ?");
            parameters.add(kind(kind));
        }
        if (tenant != null) {
            conditions.add(OF_TENANT);
            parameters.add(idsOf(tenant));
        }
        if (after != null) {
            Map.Entry<Timestamp, String> from = cursor(after);
            conditions.add("(failed_at > ? OR failed_at = ? AND id > ?)");
            parameters.addAll(List.of(from.getKey(), from.getKey(), from.getValue()));
        }
        List<Map<String, Object>> letters = database.list("SELECT id, kind, reason, attempts, failed_at, replay FROM " + TABLE
                + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                + " ORDER BY failed_at, id LIMIT " + (size + 1), DeadLetters::listed, parameters.toArray());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("deadLetters", letters.subList(0, Math.min(size, letters.size())));
        if (letters.size() > size) {
            Map<String, Object> last = letters.get(size - 1);
            answer.put("next", Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (last.get("failedAt") + "\n" + last.get("id")).getBytes(StandardCharsets.UTF_8)));
        }
        return answer;
    }

    /** The condition on a letter of one tenant: every letter's id begins with its tenant (<tenant>:<type>:...), in any letter case. */
    private static final String OF_TENANT = "LOWER(id) LIKE ? ESCAPE '!'";

    /** The pattern of {@link #OF_TENANT} for the tenant a request names. */
    private String idsOf(String tenant) {
        return Tenants.key(tenant(tenant)).replaceAll("[!%_]", "!$0") + ":%";
    }

    /** The tenant a listing or a replay asks for, as ccs.tenants spells it: one not served would list no letter as if it had none. */
    private String tenant(String tenant) {
        if (tenant.isBlank()) {
            throw new InvalidFieldException("tenant", "is empty: give one of ccs.tenants, or leave it out for every tenant");
        }
        return tenants.name(tenant);
    }

    /** The kinds of dead letter, as the listing names them. */
    private static final List<String> KINDS = List.of("event", "webhook-request", HELD, "cdr-record");

    /** The kind a listing asks for: one it would ignore would list every letter as if of that kind. */
    private static String kind(String kind) {
        if (KINDS.contains(kind.trim())) {
            return kind.trim();
        }
        throw new InvalidFieldException("kind", "is '" + (kind.length() > 20 ? kind.substring(0, 20) + "..." : kind)
                + "': give one of " + String.join(", ", KINDS) + ", or leave it out for every kind");
    }

    /** The most dead letters one answer of GET /api/v1/dead-letters holds. */
    public static final int PAGE_MAX = 1000;

    private static Map<String, Object> listed(java.sql.ResultSet row) throws java.sql.SQLException {
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("id", row.getString(1));
        letter.put("kind", row.getString(2));
        letter.put("reason", row.getString(3));
        letter.put("attempts", row.getInt(4));
        letter.put("failedAt", row.getTimestamp(5).toInstant().toString());
        letter.put("replaying", row.getBoolean(6));
        return letter;
    }

    private static int pageSize(String limit) {
        if (limit == null) {
            return PAGE_MAX;
        }
        try {
            int size = Integer.parseInt(limit.trim());
            if (size >= 1 && size <= PAGE_MAX) {
                return size;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new InvalidFieldException("limit", "is '" + (limit.length() > 20 ? limit.substring(0, 20) + "..." : limit)
                + "': give a number of dead letters from 1 to " + PAGE_MAX);
    }

    /** The failed_at and id of the last letter of the page before, from its {@code next}. */
    private static Map.Entry<Timestamp, String> cursor(String after) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(after.trim()), StandardCharsets.UTF_8);
            int split = text.indexOf('\n');
            if (split > 0) {
                return Map.entry(Timestamp.from(Instant.parse(text.substring(0, split))), text.substring(split + 1));
            }
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            // named below
        }
        throw new InvalidFieldException("after", "is not the next of a page of dead letters: give the next of the answer before, "
                + "or leave it out for the first page");
    }

    /**
     * The event of a dead-letter record, ready to be published again: the event it holds, or the
     * event built from the webhook request it holds (an {@link IllegalArgumentException} while
     * that request still cannot become one).
     */
    public CloudEvent event(String letter) throws JsonProcessingException {
        JsonNode record = json.readTree(letter);
        if (record.has("request")) {
            String tenant = record.path("tenant").asText(null);
            String admittedBy = record.path("admittedBy").asText(null);
            // kept for a tenant not served yet, a request the connector's token admitted; the tenant, added since with a token
            // of its own, would have refused it: one holding the connector's token would have forged the tenant's events
            String admitting = webhookTokens == null ? null : webhookTokens.admitting(tenants, tenant).key();
            if (admittedBy != null && admitting != null && !admittedBy.equals(admitting)) {
                throw new IllegalArgumentException("the request was admitted by " + admittedBy + ", not by " + admitting
                        + ", which admits the tenant's webhooks now");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> request = json.convertValue(record.get("request"), Map.class);
            return events.webhook(record.path("type").asText(), tenant, request);
        }
        if (!record.has("event")) {
            throw new IllegalArgumentException("the letter holds no event and no request it could be built from");
        }
        return CloudEvent.parse(record.get("event"));
    }

    /**
     * POST /api/v1/dead-letters/replay[?tenant=]: marks for replay every dead letter that holds an event (in one statement:
     * there may be many thousands), and every webhook request that can now become one (read one at a time), of one
     * tenant when given (400 naming it when it is not served, as for the listing); answers how many.
     */
    public int replay(String tenant) {
        String ofTenant = tenant == null ? "" : " AND " + OF_TENANT;
        Object[] parameters = tenant == null ? new Object[0] : new Object[] {idsOf(tenant)};
        int marked = database.update("UPDATE " + TABLE + " SET replay = TRUE WHERE replay = FALSE AND kind IN ('event', '" + HELD + "')"
                + ofTenant, parameters);
        List<String> requests = database.list("SELECT id FROM " + TABLE + " WHERE replay = FALSE AND kind = 'webhook-request'" + ofTenant,
                row -> row.getString(1), parameters);
        for (String id : requests) {
            if (database.one("SELECT letter FROM " + TABLE + " WHERE id = ?", row -> row.getString(1), id).filter(this::replayable).isPresent()) {
                marked += database.update("UPDATE " + TABLE + " SET replay = TRUE WHERE id = ? AND replay = FALSE", id);
            }
        }
        return marked;
    }

    /**
     * DELETE /api/v1/dead-letters/{id}: a person gives up on the letter (a CDR record seen to by hand, an event the CRM will
     * never take, a webhook request no event can be built from); without this only SQL removed one, and the letters waiting,
     * their gauge among them, never went back to zero. An event's id stays final in the dedupe store, as a dead-lettered id
     * is: a repeat of it is not delivered. A letter being replayed is not deleted (409): its event may be in the outbox
     * already; nor is a webhook event held for the outbox (409): it is no failure, and reaches the CRM once the outbox takes it.
     */
    public void discard(String id) {
        if (database.update("DELETE FROM " + TABLE + " WHERE id = ? AND replay = FALSE AND kind <> '" + HELD + "'", id) == 1) {
            return;
        }
        String kind = database.one("SELECT kind FROM " + TABLE + " WHERE id = ?", row -> row.getString(1), id)
                .orElseThrow(() -> new NotFoundException("no dead letter " + id + ": it was replayed or deleted, or never kept "
                        + "(GET /api/v1/dead-letters lists them; an id is percent-encoded in the path)"));
        throw new LetterNotDiscardedException(HELD.equals(kind) ? "dead letter " + id + " is a webhook event held while the outbox did"
                + " not take it: it reaches the CRM once the outbox takes events again" : "dead letter " + id + " is being replayed: once"
                + " the replay is done with it, it is gone from GET /api/v1/dead-letters or listed again with replaying false");
    }

    /** A letter that is not deleted: being replayed, or held for the outbox (409). */
    public static final class LetterNotDiscardedException extends ApiException {
        LetterNotDiscardedException(String message) {
            super(409, message);
        }
    }

    /**
     * The dead letters waiting for a person's replay (webhook requests included; neither CDR records kept for a person
     * nor webhook events held for the outbox, see {@link #held}), how many of them (and of them events) failed at or
     * after the instant, and why the latest failed.
     */
    public Waiting waiting(Instant since) {
        String waiting = WAITING;
        Timestamp from = Timestamp.from(since);
        long[] counts = database.one("SELECT COUNT(*), SUM(CASE WHEN failed_at >= ? THEN 1 ELSE 0 END),"
                        + " SUM(CASE WHEN failed_at >= ? AND kind = 'event' THEN 1 ELSE 0 END)" + waiting,
                row -> new long[] {row.getLong(1), row.getLong(2), row.getLong(3)}, from, from).orElseThrow();
        String latestReason = database.one("SELECT reason" + waiting + " ORDER BY failed_at DESC, id LIMIT 1", row -> row.getString(1))
                // the reason may quote what the CRM answered: no run of digits that could be a phone number
                .map(reason -> reason.replaceAll("\\d{5,}", "…")).orElse(null);
        return new Waiting(counts[0], counts[1], counts[2], latestReason);
    }

    /** How many letters wait for a replay (as {@link #waiting} counts them), are {@link #held} and {@link #unreadableCdrRecords}, in one query. */
    public Counts counts() {
        return database.one("SELECT SUM(CASE WHEN kind NOT IN ('cdr-record', '" + HELD + "') THEN 1 ELSE 0 END),"
                        + " SUM(CASE WHEN kind = '" + HELD + "' THEN 1 ELSE 0 END), SUM(CASE WHEN kind = 'cdr-record' THEN 1 ELSE 0 END) FROM " + TABLE,
                row -> new Counts(row.getLong(1), row.getLong(2), row.getLong(3))).orElseThrow();
    }

    /** The letters a replay sends, the webhook events held for the outbox, the CDR records kept for a person. */
    public record Counts(long waiting, long heldWebhookEvents, long unreadableCdrRecords) {
    }

    /** The webhook events held here while the outbox does not take them ({@link #hold}), which no person needs to replay. */
    public long held() {
        return database.one("SELECT COUNT(*) FROM " + TABLE + " WHERE kind = '" + HELD + "'", row -> row.getLong(1)).orElse(0L);
    }

    /**
     * The CDR records kept here because they could not be read (kind {@code cdr-record}): calls that are not in the CRM and
     * that no replay sends, until a person has seen to them (and deleted them, {@link #discard}).
     */
    public long unreadableCdrRecords() {
        return database.one("SELECT COUNT(*) FROM " + TABLE + " WHERE kind = 'cdr-record'", row -> row.getLong(1)).orElse(0L);
    }

    /**
     * How many dead letters wait, how many of those failed since a given instant (and of those how many are events, whose
     * ids the dedupe store holds: not webhook requests), and why the latest failed (null when none waits).
     */
    public record Waiting(long count, long since, long eventsSince, String latestReason) {
    }

    /** A letter from which no event can be built (yet) stays where it is, for a person. */
    private boolean replayable(String letter) {
        try {
            event(letter);
            return true;
        } catch (IllegalArgumentException | JsonProcessingException e) {
            return false;
        }
    }
}
