package ccs.connector.agentpage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import ccs.connector.state.Database;

/**
 * The agents whose pages were revoked ({@code DELETE /api/v1/agent-links}): every link and page cookie issued for the agent
 * up to then is refused, on every replica that shares the state store (table {@code AGENT_PAGE_REVOCATION}, a row per
 * agent). A row is kept as long as a link or cookie it refuses can live: older ones go at the next revocation.
 */
public final class AgentPageRevocations {

    private final Database database;
    private final Duration kept;

    /** {@code kept}: the longest a link or cookie lives (the longer of connector.agent-page.link-ttl and cookie-ttl). */
    public AgentPageRevocations(Database database, Duration kept) {
        this.database = database;
        this.kept = kept;
    }

    /** Refuses the agent's links and cookies issued up to {@code at}. */
    public void revoke(String tenant, String agent, Instant at) {
        database.merge("AGENT_PAGE_REVOCATION", List.of("tenant", "agent_email"), List.of("tenant", "agent_email", "revoked_at_ms"),
                tenant, agent, at.toEpochMilli());
        database.update("DELETE FROM AGENT_PAGE_REVOCATION WHERE revoked_at_ms < ?", at.minus(kept).toEpochMilli());
    }

    /** Whether a link or cookie of the agent issued at {@code issuedAt} was revoked after it was issued. */
    public boolean revoked(String tenant, String agent, Instant issuedAt) {
        return database.one("SELECT revoked_at_ms FROM AGENT_PAGE_REVOCATION WHERE tenant = ? AND agent_email = ?",
                row -> row.getLong(1), tenant, agent).filter(revokedAt -> issuedAt.toEpochMilli() <= revokedAt).isPresent();
    }
}
