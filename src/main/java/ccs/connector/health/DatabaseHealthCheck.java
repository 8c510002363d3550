package ccs.connector.health;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import ccs.connector.state.Database;

/** Readiness: the connector's database (dedupe, correlation, checkpoints) answers. */
public final class DatabaseHealthCheck extends CachedHealthCheck {

    private static final int TIMEOUT_SECONDS = 2;

    private final Database database;

    public DatabaseHealthCheck(Database database, Duration cacheFor) {
        super("database", cacheFor, "the connector's database");
        this.database = database;
    }

    /**
     * A statement, not {@link Connection#isValid}: H2 answers that true on a store it closed after a failed write (a
     * full volume), where every statement fails; its connections are then dropped, so that the next probe opens it again.
     */
    @Override
    protected Probe probe() {
        try (Connection connection = database.dataSource().getConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(TIMEOUT_SECONDS);
                try {
                    // a table of the store: a session opened on a closed store still answers SELECT 1
                    statement.execute("SELECT COUNT(*) FROM CDR_CHECKPOINT");
                } finally {
                    noQueryTimeout(statement);
                }
                return new Probe(null, Map.of());
            } catch (SQLException e) {
                database.dropConnectionsOfAClosedStore(e);
                return new Probe("the connector's database fails its statements: " + e.getMessage(), Map.of());
            }
        } catch (SQLException e) {
            return new Probe("the connector's database refuses connections: " + e.getMessage(), Map.of());
        }
    }

    /**
     * H2 sets a statement's query timeout on its whole session, which the pool hands on: every later statement of that
     * connection (a replay's UPDATE, a retention sweep) was cancelled after 2 s and taken for a database away.
     */
    private static void noQueryTimeout(Statement statement) {
        try {
            statement.setQueryTimeout(0);
        } catch (SQLException closedStore) {
            // the probe's own failure says why; a closed store's connections are dropped with it
        }
    }
}
