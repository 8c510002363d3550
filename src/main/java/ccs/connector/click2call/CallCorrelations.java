package ccs.connector.click2call;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import ccs.connector.api.ApiException;
import ccs.connector.ccs.UpstreamException;
import ccs.connector.event.CloudEvent;
import ccs.connector.event.Events;
import ccs.connector.state.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers every click2call the connector dispatched (transaction id -> tenant, agent, number,
 * time, the CRM's own reference) in the connector's database, so that the hangup callback and
 * the CDR record of that call carry the CRM's transaction id and reference even when the
 * platform leaves them out. A hangup callback (its {@code transaction_id}) and a CDR record (its
 * {@code uniqueid}) name the transaction and link it to the call key; a callback without one, or a
 * CDR record not yet linked, is matched by tenant, agent e-mail, dialled number and time.
 * <p>
 * Each transaction id is carried out once: a click2call's (table {@code CLICK2CALL_CORRELATION}) and a call control's
 * (table {@code CALL_CONTROL_TRANSACTION}, apart: a CRM may give a call's hangup the id of its click2call).
 */
public final class CallCorrelations {

    private static final Logger LOG = LoggerFactory.getLogger(CallCorrelations.class);

    /** How far a call may start from the click2call that asked for it, and still be matched. */
    private static final Duration MATCH_WINDOW = Duration.ofMinutes(10);

    /**
     * The longest a transaction id shows as in flight: a dispatch whose end was never written (its replica crashed, the
     * database failed at that moment) counts as dispatched, its outcome unknown, after it. A dispatch makes at most
     * five calls to Call Center Studio (login, ping, the click2call or call control, a renewed login and its repeat), each
     * within {@code ccs.api.interactive-timeout} (8 s at most), plus a wait for another request's login of the agent and
     * its state store statements: well under a minute. Five minutes leave room for a slow store.
     */
    static final Duration IN_FLIGHT_BOUND = Duration.ofMinutes(5);

    /**
     * The {@code Retry-After} of a repeat while the first dispatch is in flight: most dispatches end within a second, a
     * slow one within a few of the platform's {@code ccs.api.interactive-timeout}s; a CRM asking every five seconds
     * learns the outcome soon after without crowding the connector.
     */
    static final int IN_FLIGHT_RETRY_AFTER_SECONDS = 5;

    /** The table of a kind of transaction and its rule, for the 409's detail. */
    private record Kind(String table, String rule, String again) {
    }

    private static final Kind CLICK2CALL = new Kind("CLICK2CALL_CORRELATION", "a click2call is dialled once per transaction id",
            "give a new one to call again");
    private static final Kind CALL_CONTROL = new Kind("CALL_CONTROL_TRANSACTION", "a call control is carried out once per transaction id",
            "give a new one to do it again");

    /** A remembered click2call: the CRM's transaction id and reference, and the agent it was dialled for. */
    private record Correlation(String transactionId, String reference, String agentEmail) {
    }

    private static final String CORRELATION_COLUMNS = "transaction_id, crm_reference, agent_email";
    private static final Database.Row<Correlation> CORRELATION = row -> new Correlation(row.getString(1), row.getString(2), row.getString(3));

    /** A click2call that may be a call's, by agent, number and time ({@link #byAgentNumberAndTime}), and when it was asked for. */
    private record Candidate(Correlation correlation, Instant requested) {
    }

    private static final Database.Row<Candidate> CANDIDATE = row -> new Candidate(CORRELATION.read(row), row.getTimestamp(4).toInstant());

    /** A taken transaction id: when it was dispatched, and until when it is in flight (null: its dispatch ended). */
    private record Taken(Instant requested, Instant inFlightUntil) {
        boolean inFlightAt(Instant now) {
            return inFlightUntil != null && now.isBefore(inFlightUntil);
        }
    }

    private static final Database.Row<Taken> TAKEN = row -> new Taken(row.getTimestamp(1).toInstant(),
            row.getTimestamp(2) == null ? null : row.getTimestamp(2).toInstant());

    private final Database database;

    public CallCorrelations(Database database) {
        this.database = database;
    }

    /**
     * A click2call is about to be dispatched. A transaction id is dialled once: one dispatched before (and remembered,
     * {@code connector.correlation.retention}) is a {@link DuplicateTransactionException} and nothing is dialled, so a
     * CRM's repeat, a file read again after a crash or a JMS message that comes again never calls the customer twice.
     * While the first dispatch of the id has not ended (its outcome not known yet: it may still fail and free the id) a
     * repeat is a {@link TransactionInFlightException}, never told that it was dispatched. The dispatch ends with
     * {@link #dispatchAccepted} or {@link #dispatchFailed}.
     */
    public void remember(String tenant, String transactionId, String agentEmail, String phoneNumber, String reference) {
        take(CLICK2CALL, tenant, transactionId, "agent_email, number_digits, crm_reference", lower(agentEmail), digits(phoneNumber), reference);
    }

    /** {@link #remember(String, String, String, String, String)} for a checked click2call (as routes call it). */
    public void remember(Click2call click2call) {
        remember(click2call.getTenant(), click2call.getTransactionId(), click2call.getAgentEmail(), click2call.getDialledNumber(),
                click2call.getReference());
    }

    /**
     * A call control is about to be dispatched; carried out once per transaction id as a click2call is dialled once
     * ({@link #remember}): repeated, a hangup would end the agent's next call.
     */
    public void rememberCallControl(CallControl control) {
        take(CALL_CONTROL, control.getTenant(), control.getTransactionId(), "action", control.getAction());
    }

    /**
     * Takes the transaction id in the kind's table, marked in flight for {@link #IN_FLIGHT_BOUND}: {@code columns} (after
     * tenant and transaction id) take the {@code values}. A row that a failed dispatch frees between the insert and the
     * look at it is taken once more.
     */
    private void take(Kind kind, String tenant, String transactionId, String columns, Object... values) {
        Instant now = Instant.now();
        Object[] row = new Object[values.length + 4];
        row[0] = tenant;
        row[1] = transactionId;
        System.arraycopy(values, 0, row, 2, values.length);
        row[values.length + 2] = Timestamp.from(now);
        row[values.length + 3] = Timestamp.from(now.plus(IN_FLIGHT_BOUND));
        String sql = "INSERT INTO " + kind.table() + " (tenant, transaction_id, " + columns + ", requested_at, in_flight_until) VALUES (?"
                + ", ?".repeat(row.length - 1) + ")";
        for (int attempt = 0; attempt < 2; attempt++) {
            if (database.insertNew(sql, row)) {
                // on the disk before the dial: a machine that lost power would otherwise forget the id, and dial it again
                // when the CRM sends it again or the inbox file comes back
                try {
                    database.forceToDisk();
                } catch (RuntimeException e) {
                    // not dialled: the id stays free for the CRM's repeat
                    database.update("DELETE FROM " + kind.table() + " WHERE tenant = ? AND transaction_id = ?", tenant, transactionId);
                    throw e;
                }
                return;
            }
            Optional<Taken> taken = database.one("SELECT requested_at, in_flight_until FROM " + kind.table() + " WHERE tenant = ? AND transaction_id = ?",
                    TAKEN, tenant, transactionId);
            if (taken.isPresent()) {
                throw taken.get().inFlightAt(now) ? new TransactionInFlightException(transactionId, taken.get().requested(), kind.rule())
                        : new DuplicateTransactionException(transactionId, taken.get().requested(), kind.rule() + "; " + kind.again());
            }
        }
        // freed and taken again meanwhile: another dispatch of the id has just begun
        throw new TransactionInFlightException(transactionId, now, kind.rule());
    }

    /** The click2call was accepted: its transaction id is no longer in flight, but dispatched. */
    public void dispatchAccepted(String tenant, String transactionId) {
        settle(CLICK2CALL, "click2call", tenant, transactionId, null);
    }

    public void dispatchAccepted(Click2call click2call) {
        dispatchAccepted(click2call.getTenant(), click2call.getTransactionId());
    }

    /** The call control was carried out: its transaction id is no longer in flight, but dispatched. */
    public void callControlAccepted(CallControl control) {
        settle(CALL_CONTROL, control.getFunction(), control.getTenant(), control.getTransactionId(), null);
    }

    /**
     * The dispatch of a click2call failed with {@code failure}: when the platform surely did not place the call (it was
     * down, refused it, or the request never got that far) its transaction id is forgotten, so that the CRM may send it
     * again; when it may have placed it (no answer to the click2call in time), the id stays taken, as dispatched. Throws
     * {@code failure} on, even when the id cannot be forgotten (the database away): the CRM learns why its click2call
     * failed, not why the cleanup did.
     */
    public void dispatchFailed(String tenant, String transactionId, Exception failure) throws Exception {
        settle(CLICK2CALL, "click2call", tenant, transactionId, failure);
        throw failure;
    }

    public void dispatchFailed(Click2call click2call, Exception failure) throws Exception {
        dispatchFailed(click2call.getTenant(), click2call.getTransactionId(), failure);
    }

    /** The dispatch of a call control failed with {@code failure}: its transaction id is forgotten as a click2call's is ({@link #dispatchFailed}). */
    public void callControlFailed(CallControl control, Exception failure) throws Exception {
        settle(CALL_CONTROL, control.getFunction(), control.getTenant(), control.getTransactionId(), failure);
        throw failure;
    }

    /**
     * The dispatch of a transaction id ended, accepted ({@code failure} null) or failed: one that surely did nothing frees
     * the id, any other is dispatched from now on. Where the database fails meanwhile the id stays as it was: in flight
     * until {@link #IN_FLIGHT_BOUND}, dispatched after it; the log says so and a failure carries it as suppressed.
     */
    private void settle(Kind kind, String function, String tenant, String transactionId, Exception failure) {
        boolean nothingDone = failure != null && !(failure instanceof UpstreamException upstream && upstream.mayHaveCarriedOut(function));
        try {
            database.update(nothingDone ? "DELETE FROM " + kind.table() + " WHERE tenant = ? AND transaction_id = ?"
                    : "UPDATE " + kind.table() + " SET in_flight_until = NULL WHERE tenant = ? AND transaction_id = ?", tenant, transactionId);
        } catch (RuntimeException e) {
            LOG.warn("Transaction {} of tenant {} stays taken, in flight for up to {} after it was taken and dispatched then, though its {} {}: {}",
                    transactionId, tenant, IN_FLIGHT_BOUND, function, nothingDone ? "was not carried out" : "ended", e.getMessage());
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }

    /** A click2call or call control refused for its transaction id (HTTP 409), which its problem names in {@code field}. */
    public abstract static class TransactionConflictException extends ApiException {
        TransactionConflictException(String message) {
            super(409, message);
        }

        @Override
        public String field() {
            return "transactionId";
        }
    }

    /** A click2call or call control with a transaction id dispatched before (HTTP 409). */
    public static final class DuplicateTransactionException extends TransactionConflictException {
        DuplicateTransactionException(String transactionId, Instant dispatched, String rule) {
            super("transactionId " + transactionId + " was dispatched at " + dispatched.truncatedTo(ChronoUnit.SECONDS) + ": " + rule);
        }
    }

    /**
     * A click2call or call control whose transaction id's first dispatch has not ended yet (HTTP 409 with a
     * {@code Retry-After}): whether it was dispatched is not known yet, and the CRM learns it by asking again.
     */
    public static final class TransactionInFlightException extends TransactionConflictException {
        TransactionInFlightException(String transactionId, Instant since, String rule) {
            super("transactionId " + transactionId + " is still being dispatched (since " + since.truncatedTo(ChronoUnit.SECONDS)
                    + ") and its outcome is not known yet: send it again after " + IN_FLIGHT_RETRY_AFTER_SECONDS
                    + " seconds (Retry-After) to learn it; " + rule);
        }

        @Override
        public int retryAfterSeconds() {
            return IN_FLIGHT_RETRY_AFTER_SECONDS;
        }
    }

    /**
     * The event with the CRM's transaction id and reference when it belongs to a remembered click2call, and with the agent the
     * click2call was dialled for where the event names none ({@code agentUsername} null: a hangup callback's agent_username
     * left empty, as in the vendor's sample, or a record that names its agent only by the platform's id).
     */
    public CloudEvent correlate(CloudEvent event) {
        String tenant = event.getTenant();
        Map<String, Object> data = event.getData();
        String callKey = event.getSubject();
        Optional<Correlation> found = switch (event.getType()) {
            case Events.HANGUP -> data.get("transactionId") instanceof String transactionId
                    ? byTransaction(tenant, transactionId)
                    : byCall(tenant, callKey).or(() -> byAgentNumberAndTime(tenant, data.get("agentUsername"), data.get("calledNumber"), data.get("startedAt")));
            // only a click2call's record can belong to one (the others, most of a window, cost no query): by its uniqueid when
            // that is the transaction id (the vendor does not say what a record's uniqueid holds, so another id finds nothing),
            // else by the call key its hangup linked, else by agent, number and time
            case Events.CDR -> ofClick2call(data)
                    ? byTransaction(tenant, Events.text(raw(data).get("uniqueid"))).or(() -> byCall(tenant, callKey))
                            .or(() -> byAgentNumberAndTime(tenant, data.get("agentUsername"), data.get("calledNumber"), data.get("startedAt")))
                    : Optional.empty();
            default -> Optional.empty();
        };
        if (found.isEmpty()) {
            return event;
        }
        Correlation correlation = found.get();
        LOG.debug("Event {} belongs to click2call transaction {}", event.getId(), correlation.transactionId());
        database.update("UPDATE CLICK2CALL_CORRELATION SET call_key = ? WHERE tenant = ? AND transaction_id = ?",
                callKey, tenant, correlation.transactionId());
        CloudEvent correlated = event.withData("transactionId", correlation.transactionId()).withData("crmReference", correlation.reference());
        // the vendor's sample hangup leaves agent_username empty, and the record fields it lists name the agent by the platform's
        // id only: the agent the click2call was dialled for is the call's agent (one the platform names stays)
        return data.get("agentUsername") == null && correlation.agentEmail() != null
                ? correlated.withData("agentUsername", correlation.agentEmail()) : correlated;
    }

    /**
     * The CDR event of a call whose hangup event passed {@link #correlate} first (the hangup's {@code data.cdr}): with the
     * transaction id and reference the hangup's correlation found, as {@link #correlate} would give the call's
     * {@code ccs.cdr} event, which finds the click2call the hangup linked, and with no query of its own (the agent too, where
     * the record names none by e-mail: the hangup's, itself the click2call's where the platform left it out). A hangup that
     * found no click2call, or a record that is not a click2call's, leaves it as it is (as {@link #correlate} does).
     */
    public static CloudEvent correlatedAs(CloudEvent cdr, CloudEvent hangup) {
        Map<String, Object> linked = hangup.getData();
        // only a correlation that found the click2call writes crmReference (null when the CRM gave none)
        if (!Events.CDR.equals(cdr.getType()) || !ofClick2call(cdr.getData()) || !linked.containsKey("crmReference")
                || !(linked.get("transactionId") instanceof String transactionId)) {
            return cdr;
        }
        CloudEvent correlated = cdr.withData("transactionId", transactionId).withData("crmReference", linked.get("crmReference"));
        return cdr.getData().get("agentUsername") == null && linked.get("agentUsername") instanceof String agent
                ? correlated.withData("agentUsername", agent) : correlated;
    }

    /** Whether a CDR event's record is a click2call's: only such a record can belong to one. */
    private static boolean ofClick2call(Map<String, Object> data) {
        return Boolean.TRUE.equals(Events.bool(raw(data).get("click2call")));
    }

    /** Forgets click2calls and call controls older than the retention; answers how many. */
    public int forgetOlderThan(Duration retention) {
        Timestamp oldest = Timestamp.from(Instant.now().minus(retention));
        return database.update("DELETE FROM " + CLICK2CALL.table() + " WHERE requested_at < ?", oldest)
                + database.update("DELETE FROM " + CALL_CONTROL.table() + " WHERE requested_at < ?", oldest);
    }

    private Optional<Correlation> byTransaction(String tenant, String transactionId) {
        if (transactionId == null) {
            return Optional.empty();
        }
        return database.one("SELECT " + CORRELATION_COLUMNS + " FROM CLICK2CALL_CORRELATION WHERE tenant = ? AND transaction_id = ?", CORRELATION,
                tenant, transactionId);
    }

    private Optional<Correlation> byCall(String tenant, String callKey) {
        return database.one("SELECT " + CORRELATION_COLUMNS + " FROM CLICK2CALL_CORRELATION WHERE tenant = ? AND call_key = ?", CORRELATION,
                tenant, callKey);
    }

    private Optional<Correlation> byAgentNumberAndTime(String tenant, Object agent, Object number, Object startedAt) {
        String digits = digits(number == null || startedAt == null ? null : String.valueOf(number));
        if (digits == null || digits.length() < 7) {
            return Optional.empty();
        }
        Instant started = Instant.parse(String.valueOf(startedAt));
        // the vendor's sample hangup callback leaves agent_username empty: then by number and time alone, and only when one
        // click2call fits, never one of two agents' calls to the same number
        List<Object> values = new ArrayList<>();
        values.add(tenant);
        if (agent != null) {
            values.add(lower(String.valueOf(agent)));
        }
        values.addAll(List.of("%" + digits.substring(digits.length() - 7), Timestamp.from(started.minus(MATCH_WINDOW)),
                Timestamp.from(started.plus(Duration.ofMinutes(1)))));
        List<Candidate> fitting = database.list("SELECT " + CORRELATION_COLUMNS + ", requested_at FROM CLICK2CALL_CORRELATION WHERE tenant = ? "
                + (agent == null ? "" : "AND agent_email = ? ") + "AND number_digits LIKE ? AND call_key IS NULL "
                + "AND requested_at BETWEEN ? AND ? ORDER BY requested_at LIMIT 10", CANDIDATE, values.toArray());
        if (fitting.isEmpty() || agent == null && fitting.size() > 1) {
            return Optional.empty();
        }
        // a call starts after its click2call was asked for (its start on the wire is to the second): the latest asked for by
        // then, so that an agent's redial of the number is never taken for the call before it; none (the platform's clock
        // behind the connector's): the first after it
        Candidate chosen = fitting.get(0);
        for (Candidate candidate : fitting) {
            if (candidate.requested().isBefore(started.plusSeconds(1))) {
                chosen = candidate;
            }
        }
        return Optional.of(chosen.correlation());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> raw(Map<String, Object> data) {
        return data.get("raw") instanceof Map<?, ?> raw ? (Map<String, Object>) raw : Map.of();
    }

    private static String digits(String number) {
        if (number == null) {
            return null;
        }
        String digits = number.replaceAll("\\D", "");
        return digits.isEmpty() ? null : digits;
    }

    private static String lower(String text) {
        return text == null ? null : text.trim().toLowerCase(Locale.ROOT);
    }
}
