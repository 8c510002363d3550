package ccs.connector.ccs;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import ccs.connector.config.Secrets;
import ccs.connector.event.CloudEvent;
import ccs.connector.state.Database;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code customvariables} of live calls (what the IVR collected), read from {@code getactivecall}
 * when a screen pop asks for the call, and remembered so that the call's hangup event carries them
 * too ({@code data.customVariables}, scrubbed of secrets as everything the platform sends into an event).
 * Kept in table {@code TENANT_CALL_VARIABLES} of the state store by tenant and call key (a call key is the platform's, and
 * tenants may be on different platforms), so that a hangup that another replica takes in
 * (or replays, or that comes after a restart) finds them; forgotten after
 * {@code connector.correlation.retention} (route {@code ccs-correlation-retention}).
 */
public final class CallVariables {

    private static final Logger LOG = LoggerFactory.getLogger(CallVariables.class);
    private static final String TABLE = "TENANT_CALL_VARIABLES";

    private final ObjectMapper json = new ObjectMapper();
    private final Database database;
    private final Tenants tenants;
    private final Duration retention;
    private final Secrets secrets;

    public CallVariables(Database database, Tenants tenants, Duration retention, Secrets secrets) {
        this.database = database;
        this.tenants = tenants;
        this.retention = retention;
        this.secrets = secrets;
    }

    /**
     * The custom variables of a {@code getactivecall} answer, remembered for the call; null when it has none. A
     * database that fails is logged, not thrown: the screen pop answers anyway.
     */
    public Map<?, ?> fromActiveCall(@Body Map<String, Object> answer, @Variable("tenant") String tenant, @Variable("activecallkey") String callKey)
            throws JsonProcessingException {
        Map<?, ?> call = CallAnswers.activeCall(answer);
        if (call == null || !(call.get("customvariables") instanceof Map<?, ?> variables) || variables.isEmpty()) {
            return null;
        }
        try {
            database.merge(TABLE, List.of("tenant", "call_key"), List.of("tenant", "call_key", "variables", "read_at"),
                    tenants.get(tenant).name(), callKey, json.writeValueAsString(variables), Timestamp.from(Instant.now()));
        } catch (IllegalStateException e) {
            // the agent still gets the screen pop (its session is cached) while the database is away; only the hangup misses them
            LOG.warn("The custom variables of call {} are not remembered for its hangup event: {}", callKey, Secrets.mask(e.getMessage()));
        }
        return variables;
    }

    /** The hangup event with {@code data.customVariables} when a screen pop saw its call's. */
    public CloudEvent withCustomVariables(@Body CloudEvent event) throws JsonProcessingException {
        String variables = event.getSubject() == null ? null
                : database.one("SELECT variables FROM " + TABLE + " WHERE tenant = ? AND call_key = ?", row -> row.getString(1),
                        event.getTenant(), event.getSubject()).orElse(null);
        return variables == null ? event : event.withData("customVariables", secrets.scrub(json.readValue(variables, Map.class)));
    }

    /**
     * Forgets the variables of calls read longer than the retention ago, also those earlier versions kept by call key alone
     * (table {@code CALL_VARIABLES}); answers how many.
     */
    public int forgetExpired() {
        Timestamp expired = Timestamp.from(Instant.now().minus(retention));
        return database.update("DELETE FROM " + TABLE + " WHERE read_at < ?", expired)
                + database.update("DELETE FROM CALL_VARIABLES WHERE read_at < ?", expired);
    }
}
