package ccs.connector.agentpage;

import java.time.Duration;
import java.time.Instant;

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

    /**
     * Refuses the agent's links and cookies issued up to {@code at}. A revocation only moves forward: of two at once, the one
     * whose write lands last never lets cookies issued between their times through again.
     */
    public void revoke(String tenant, String agent, Instant at) {
        String later = "UPDATE AGENT_PAGE_REVOCATION SET revoked_at_ms = ? WHERE tenant = ? AND agent_email = ? AND revoked_at_ms < ?";
        if (database.update(later, at.toEpochMilli(), tenant, agent, at.toEpochMilli()) == 0
                && !database.insertNew("INSERT INTO AGENT_PAGE_REVOCATION (tenant, agent_email, revoked_at_ms) VALUES (?, ?, ?)",
                        tenant, agent, at.toEpochMilli())) {
            // another revocation's row came in between
            database.update(later, at.toEpochMilli(), tenant, agent, at.toEpochMilli());
        }
        database.update("DELETE FROM AGENT_PAGE_REVOCATION WHERE revoked_at_ms < ?", at.minus(kept).toEpochMilli());
    }

    /** Whether a link or cookie of the agent issued at {@code issuedAt} was revoked after it was issued. */
    public boolean revoked(String tenant, String agent, Instant issuedAt) {
        return database.one("SELECT revoked_at_ms FROM AGENT_PAGE_REVOCATION WHERE tenant = ? AND agent_email = ?",
                row -> row.getLong(1), tenant, agent).filter(revokedAt -> issuedAt.toEpochMilli() <= revokedAt).isPresent();
    }
}
