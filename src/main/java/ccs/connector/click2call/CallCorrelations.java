package ccs.connector.click2call;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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

    private static final String CLICK2CALLS = "CLICK2CALL_CORRELATION";
    private static final String CALL_CONTROLS = "CALL_CONTROL_TRANSACTION";

    private record Correlation(String transactionId, String reference) {
    }

    private static final Database.Row<Correlation> CORRELATION = row -> new Correlation(row.getString(1), row.getString(2));

    private final Database database;

    public CallCorrelations(Database database) {
        this.database = database;
    }

    /**
     * A click2call is about to be dispatched. A transaction id is dialled once: one dispatched before (and remembered,
     * {@code connector.correlation.retention}) is a {@link DuplicateTransactionException} and nothing is dialled, so a
     * CRM's repeat, a file read again after a crash or a JMS message that comes again never calls the customer twice.
     */
    public void remember(String tenant, String transactionId, String agentEmail, String phoneNumber, String reference) {
        Timestamp now = Timestamp.from(Instant.now());
        if (!database.insertNew("INSERT INTO " + CLICK2CALLS + " (tenant, transaction_id, agent_email, number_digits, crm_reference, requested_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)", tenant, transactionId, lower(agentEmail), digits(phoneNumber), reference, now)) {
            throw duplicate(CLICK2CALLS, tenant, transactionId, now, "a click2call is dialled once per transaction id; give a new one to call again");
        }
    }

    /**
     * A call control is about to be dispatched; carried out once per transaction id as a click2call is dialled once
     * ({@link #remember}): repeated, a hangup would end the agent's next call.
     */
    public void rememberCallControl(CallControl control) {
        Timestamp now = Timestamp.from(Instant.now());
        if (!database.insertNew("INSERT INTO " + CALL_CONTROLS + " (tenant, transaction_id, action, requested_at) VALUES (?, ?, ?, ?)",
                control.getTenant(), control.getTransactionId(), control.getAction(), now)) {
            throw duplicate(CALL_CONTROLS, control.getTenant(), control.getTransactionId(), now,
                    "a call control is carried out once per transaction id; give a new one to do it again");
        }
    }

    private DuplicateTransactionException duplicate(String table, String tenant, String transactionId, Timestamp now, String rule) {
        Instant dispatched = database.one("SELECT requested_at FROM " + table + " WHERE tenant = ? AND transaction_id = ?",
                row -> row.getTimestamp(1).toInstant(), tenant, transactionId).orElse(now.toInstant());
        return new DuplicateTransactionException(transactionId, dispatched, rule);
    }

    /**
     * The dispatch of a click2call failed with {@code failure}: when the platform surely did not place the call (it was
     * down, refused it, or the request never got that far) its transaction id is forgotten, so that the CRM may send it
     * again; when it may have placed it (no answer to the click2call in time), the id stays taken. Throws {@code failure} on,
     * even when the id cannot be forgotten (the database away): the CRM learns why its click2call failed, not why the cleanup did.
     */
    public void dispatchFailed(String tenant, String transactionId, Exception failure) throws Exception {
        forgetUnlessCarriedOut(CLICK2CALLS, "click2call", tenant, transactionId, failure);
    }

    /** The dispatch of a call control failed with {@code failure}: its transaction id is forgotten as a click2call's is ({@link #dispatchFailed}). */
    public void callControlFailed(CallControl control, Exception failure) throws Exception {
        forgetUnlessCarriedOut(CALL_CONTROLS, control.getFunction(), control.getTenant(), control.getTransactionId(), failure);
    }

    private void forgetUnlessCarriedOut(String table, String function, String tenant, String transactionId, Exception failure) throws Exception {
        if (!(failure instanceof UpstreamException upstream && upstream.mayHaveCarriedOut(function))) {
            try {
                database.update("DELETE FROM " + table + " WHERE tenant = ? AND transaction_id = ?", tenant, transactionId);
            } catch (RuntimeException e) {
                LOG.warn("Transaction {} of tenant {} stays taken, though its {} was not carried out: {}", transactionId, tenant, function, e.getMessage());
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    /** A click2call or call control with a transaction id dispatched before (HTTP 409). */
    public static final class DuplicateTransactionException extends ApiException {
        DuplicateTransactionException(String transactionId, Instant dispatched, String rule) {
            super(409, "transactionId " + transactionId + " was dispatched at " + dispatched.truncatedTo(ChronoUnit.SECONDS) + ": " + rule);
        }
    }

    /** The event with the CRM's transaction id and reference when it belongs to a remembered click2call. */
    public CloudEvent correlate(CloudEvent event) {
        String tenant = event.getTenant();
        Map<String, Object> data = event.getData();
        String callKey = event.getSubject();
        Optional<Correlation> found = switch (event.getType()) {
            case Events.HANGUP -> data.get("transactionId") instanceof String transactionId
                    ? byTransaction(tenant, transactionId)
                    : byCall(tenant, callKey).or(() -> byAgentNumberAndTime(tenant, data.get("agentUsername"), data.get("calledNumber"), data.get("startedAt")));
            // a click2call's row names its transaction (uniqueid); without one, only a click2call's record can
            // belong to one: the others (most of a window) cost no query
            case Events.CDR -> data.get("transactionId") instanceof String transactionId
                    ? byTransaction(tenant, transactionId)
                    : Boolean.TRUE.equals(Events.bool(raw(data).get("click2call")))
                    ? byCall(tenant, callKey).or(() -> byAgentNumberAndTime(tenant, data.get("agentUsername"), data.get("calledNumber"), data.get("startedAt")))
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
        return event.withData("transactionId", correlation.transactionId()).withData("crmReference", correlation.reference());
    }

    /** Forgets click2calls and call controls older than the retention; answers how many. */
    public int forgetOlderThan(Duration retention) {
        Timestamp oldest = Timestamp.from(Instant.now().minus(retention));
        return database.update("DELETE FROM " + CLICK2CALLS + " WHERE requested_at < ?", oldest)
                + database.update("DELETE FROM " + CALL_CONTROLS + " WHERE requested_at < ?", oldest);
    }

    private Optional<Correlation> byTransaction(String tenant, String transactionId) {
        return database.one("SELECT transaction_id, crm_reference FROM CLICK2CALL_CORRELATION WHERE tenant = ? AND transaction_id = ?", CORRELATION,
                tenant, transactionId);
    }

    private Optional<Correlation> byCall(String tenant, String callKey) {
        return database.one("SELECT transaction_id, crm_reference FROM CLICK2CALL_CORRELATION WHERE tenant = ? AND call_key = ?", CORRELATION,
                tenant, callKey);
    }

    private Optional<Correlation> byAgentNumberAndTime(String tenant, Object agent, Object number, Object startedAt) {
        String digits = digits(agent == null || number == null || startedAt == null ? null : String.valueOf(number));
        if (digits == null || digits.length() < 7) {
            return Optional.empty();
        }
        Instant started = Instant.parse(String.valueOf(startedAt));
        return database.one("SELECT transaction_id, crm_reference FROM CLICK2CALL_CORRELATION WHERE tenant = ? AND agent_email = ? "
                        + "AND number_digits LIKE ? AND call_key IS NULL AND requested_at BETWEEN ? AND ? ORDER BY requested_at DESC LIMIT 1", CORRELATION,
                tenant, lower(String.valueOf(agent)), "%" + digits.substring(digits.length() - 7),
                Timestamp.from(started.minus(MATCH_WINDOW)), Timestamp.from(started.plus(Duration.ofMinutes(1))));
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
        return text == null ? null : text.trim().toLowerCase();
    }
}
