package ccs.connector.session;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import ccs.connector.state.Database;

/**
 * The agents' sessions as every replica sees them (table {@code AGENT_SESSION} of the shared
 * state store): a replica that has no session of an agent takes the one another replica logged
 * in with, so the cluster logs each agent in once (the platform limits live sessions per agent).
 * Logins of one agent are single-flight across replicas: the replica that logs in holds the
 * agent's lock, and the others wait for it and then find its session.
 */
final class SharedSessions {

    private final Database database;
    private final Duration ttl;
    private final Clock clock;

    SharedSessions(Database database, Duration ttl, Clock clock) {
        this.database = database;
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
            database.merge("AGENT_SESSION", java.util.List.of("tenant", "agent_email"),
                    java.util.List.of("tenant", "agent_email", "session", "expires_at_ms"),
                    tenant, agentEmail, session, clock.millis() + ttl.toMillis());
            return new SessionLease(session, ttl);
        }));
    }

    /** The platform refused this session: no replica takes it any more. */
    void forget(String tenant, String agentEmail, String refused) {
        database.update("DELETE FROM AGENT_SESSION WHERE tenant = ? AND agent_email = ? AND session = ?", tenant, agentEmail, refused);
    }

    private Optional<SessionLease> stored(String tenant, String agentEmail) {
        long now = clock.millis();
        return database.one("SELECT session, expires_at_ms FROM AGENT_SESSION WHERE tenant = ? AND agent_email = ? AND expires_at_ms > ?",
                row -> new SessionLease(row.getString(1), Duration.ofMillis(row.getLong(2) - now)), tenant, agentEmail, now);
    }
}
