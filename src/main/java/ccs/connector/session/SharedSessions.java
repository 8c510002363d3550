package ccs.connector.session;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import ccs.connector.ccs.Tenants;
import ccs.connector.state.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' sessions as every replica sees them (table {@code AGENT_SESSION} of the shared
 * state store): a replica that has no session of an agent takes the one another replica logged
 * in with, so the cluster logs each agent in once (the platform limits live sessions per agent).
 * Logins of one agent are single-flight across replicas: the replica that logs in holds the
 * agent's lock, and the others wait for it and then find its session. The table holds each session
 * sealed ({@link SealedSessions}): a row that does not open, the tenant's app token changed since, counts as none.
 */
final class SharedSessions {

    private static final Logger LOG = LoggerFactory.getLogger(SharedSessions.class);

    private final Database database;
    private final Tenants tenants;
    private final Duration ttl;
    private final Clock clock;

    SharedSessions(Database database, Tenants tenants, Duration ttl, Clock clock) {
        this.database = database;
        this.tenants = tenants;
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * The agent's live session, logging in (once for the cluster) when there is none; one another replica logged in with
     * lives only as long as it has left, so that no replica hands out a session older than the TTL.
     */
    SessionLease session(String tenant, String agentEmail, Supplier<String> login) {
        return database.exclusively("agent-session:" + tenant + "/" + agentEmail, () -> stored(tenant, agentEmail).orElseGet(() -> {
            String session = login.get();
            database.merge("AGENT_SESSION", List.of("tenant", "agent_email"), List.of("tenant", "agent_email", "session", "expires_at_ms"),
                    tenant, agentEmail, SealedSessions.seal(appToken(tenant), tenant, agentEmail, session), clock.millis() + ttl.toMillis());
            return new SessionLease(session, ttl);
        }));
    }

    /** The platform refused this session: no replica takes it any more (a newer one another replica stored stays). */
    void forget(String tenant, String agentEmail, String refused) {
        database.one("SELECT session FROM AGENT_SESSION WHERE tenant = ? AND agent_email = ?", row -> row.getString(1), tenant, agentEmail)
                .filter(stored -> SealedSessions.open(appToken(tenant), tenant, agentEmail, stored).filter(refused::equals).isPresent())
                .ifPresent(stored -> database.update("DELETE FROM AGENT_SESSION WHERE tenant = ? AND agent_email = ? AND session = ?",
                        tenant, agentEmail, stored));
    }

    private Optional<SessionLease> stored(String tenant, String agentEmail) {
        long now = clock.millis();
        record Row(String sealed, long expiresAtMs) {
        }
        return database.one("SELECT session, expires_at_ms FROM AGENT_SESSION WHERE tenant = ? AND agent_email = ? AND expires_at_ms > ?",
                row -> new Row(row.getString(1), row.getLong(2)), tenant, agentEmail, now).flatMap(row -> {
                    Optional<String> session = SealedSessions.open(appToken(tenant), tenant, agentEmail, row.sealed());
                    if (session.isEmpty()) {
                        LOG.info("The stored session of agent {} (tenant {}) does not open with the tenant's app token (changed since, "
                                + "or stored by an earlier version): logging in again", agentEmail, tenant);
                    }
                    return session.map(live -> new SessionLease(live, Duration.ofMillis(row.expiresAtMs() - now)));
                });
    }

    private String appToken(String tenant) {
        return tenants.get(tenant).appToken();
    }
}
