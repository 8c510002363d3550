package ccs.connector.health;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

/** Readiness: the connector's database (dedupe, correlation, checkpoints) answers. */
public final class DatabaseHealthCheck extends CachedHealthCheck {

    private static final int TIMEOUT_SECONDS = 2;

    private final DataSource database;

    public DatabaseHealthCheck(DataSource database, Duration cacheFor) {
        super("database", cacheFor, "the connector's database");
        this.database = database;
    }

    @Override
    protected Probe probe() {
        try (Connection connection = database.getConnection()) {
            return connection.isValid(TIMEOUT_SECONDS) ? new Probe(null, Map.of())
                    : new Probe("the connector's database does not answer", Map.of());
        } catch (SQLException e) {
            return new Probe("the connector's database refuses connections: " + e.getMessage(), Map.of());
        }
    }
}
