package ccs.connector.agentpage;

import java.time.Instant;

import ccs.connector.state.Database;

/**
 * The agent links opened so far (table {@code AGENT_LINK_OPENING}, shared by every replica): a link opens the page once,
 * so that one read from an access log, a browser's history or a shared screen within its few minutes opens nothing.
 * A link's row is kept until the link expires.
 */
public final class AgentLinkOpenings {

    private final Database database;

    public AgentLinkOpenings(Database database) {
        this.database = database;
    }

    /** Whether the link {@code nonce} names was opened, recording nothing (a HEAD of the link). */
    public boolean opened(String nonce) {
        return database.one("SELECT 1 FROM AGENT_LINK_OPENING WHERE nonce = ?", row -> true, nonce).isPresent();
    }

    /** Records the opening of the link {@code nonce} names; false when it was opened before. */
    public boolean first(String nonce, Instant expires, Instant now) {
        database.update("DELETE FROM AGENT_LINK_OPENING WHERE expires_at_ms < ?", now.toEpochMilli());
        return database.insertNew("INSERT INTO AGENT_LINK_OPENING (nonce, expires_at_ms) VALUES (?, ?)", nonce, expires.toEpochMilli());
    }
}
