package ccs.connector.click2call;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import ccs.connector.event.CloudEvent;
import ccs.connector.event.Events;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers every click2call the connector dispatched (transaction id -> tenant, agent, number,
 * time, the CRM's own reference) in the connector's database, so that the hangup callback and
 * the CDR record of that call carry the CRM's transaction id and reference even when the
 * platform leaves them out. A hangup callback (its {@code transaction_id}) and a CDR record (its
 * {@code uniqueid}) name the transaction and link it to the call key; a callback without one, or a
 * CDR record not yet linked, is matched by tenant, agent e-mail, dialled number and time.
 */
public final class CallCorrelations {

    private static final Logger LOG = LoggerFactory.getLogger(CallCorrelations.class);

    /** How far a call may start from the click2call that asked for it, and still be matched. */
    private static final Duration MATCH_WINDOW = Duration.ofMinutes(10);

    private record Correlation(String transactionId, String reference) {
    }

    private final DataSource database;

    public CallCorrelations(DataSource database) {
        this.database = database;
        execute("CREATE TABLE IF NOT EXISTS CLICK2CALL_CORRELATION (tenant VARCHAR(200) NOT NULL, "
                + "transaction_id VARCHAR(500) NOT NULL, agent_email VARCHAR(320), number_digits VARCHAR(64), "
                + "crm_reference VARCHAR(1000), requested_at TIMESTAMP NOT NULL, call_key VARCHAR(500), "
                + "PRIMARY KEY (tenant, transaction_id))");
        execute("CREATE INDEX IF NOT EXISTS CLICK2CALL_CORRELATION_CALL ON CLICK2CALL_CORRELATION (tenant, call_key)");
        execute("CREATE INDEX IF NOT EXISTS CLICK2CALL_CORRELATION_TIME ON CLICK2CALL_CORRELATION (requested_at)");
    }

    /** A click2call was dispatched. */
    public void remember(String tenant, String transactionId, String agentEmail, String phoneNumber, String reference) {
        update("MERGE INTO CLICK2CALL_CORRELATION (tenant, transaction_id, agent_email, number_digits, crm_reference, requested_at) "
                        + "KEY (tenant, transaction_id) VALUES (?, ?, ?, ?, ?, ?)",
                tenant, transactionId, lower(agentEmail), digits(phoneNumber), reference, Timestamp.from(Instant.now()));
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
                    : Boolean.TRUE.equals(raw(data).get("click2call"))
                    ? byCall(tenant, callKey).or(() -> byAgentNumberAndTime(tenant, data.get("agentUsername"), data.get("calledNumber"), data.get("startedAt")))
                    : Optional.empty();
            default -> Optional.empty();
        };
        if (found.isEmpty()) {
            return event;
        }
        Correlation correlation = found.get();
        LOG.debug("Event {} belongs to click2call transaction {}", event.getId(), correlation.transactionId());
        update("UPDATE CLICK2CALL_CORRELATION SET call_key = ? WHERE tenant = ? AND transaction_id = ?",
                callKey, tenant, correlation.transactionId());
        return event.withData("transactionId", correlation.transactionId()).withData("crmReference", correlation.reference());
    }

    /** Forgets click2calls older than the retention; answers how many. */
    public int forgetOlderThan(Duration retention) {
        return update("DELETE FROM CLICK2CALL_CORRELATION WHERE requested_at < ?", Timestamp.from(Instant.now().minus(retention)));
    }

    private Optional<Correlation> byTransaction(String tenant, String transactionId) {
        return query("SELECT transaction_id, crm_reference FROM CLICK2CALL_CORRELATION WHERE tenant = ? AND transaction_id = ?",
                tenant, transactionId);
    }

    private Optional<Correlation> byCall(String tenant, String callKey) {
        return query("SELECT transaction_id, crm_reference FROM CLICK2CALL_CORRELATION WHERE tenant = ? AND call_key = ?",
                tenant, callKey);
    }

    private Optional<Correlation> byAgentNumberAndTime(String tenant, Object agent, Object number, Object startedAt) {
        String digits = digits(agent == null || number == null || startedAt == null ? null : String.valueOf(number));
        if (digits == null || digits.length() < 7) {
            return Optional.empty();
        }
        Instant started = Instant.parse(String.valueOf(startedAt));
        return query("SELECT transaction_id, crm_reference FROM CLICK2CALL_CORRELATION WHERE tenant = ? AND agent_email = ? "
                        + "AND number_digits LIKE ? AND call_key IS NULL AND requested_at BETWEEN ? AND ? ORDER BY requested_at DESC LIMIT 1",
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

    private Optional<Correlation> query(String sql, Object... parameters) {
        try (Connection connection = database.getConnection(); PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(new Correlation(rows.getString(1), rows.getString(2))) : Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("the click2call correlation store cannot be read", e);
        }
    }

    private int update(String sql, Object... parameters) {
        try (Connection connection = database.getConnection(); PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the click2call correlation store cannot be written", e);
        }
    }

    private void execute(String sql) {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("the click2call correlation store cannot be created", e);
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }
}
