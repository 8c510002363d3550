package ccs.connector.health;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The readiness probe of the database leaves nothing behind on the pooled connection it used. */
class DatabaseProbeTest extends ConnectorTestSupport {

    /** The H2 store's pool (connector.database.pool-size is PostgreSQL's): every connection of it is looked at. */
    private static final int POOL_SIZE = 10;

    /** H2 set the probe's 2 s timeout on the connection's session: a replay's UPDATE on it was cancelled as a database away. */
    @Test
    void noPooledConnectionKeepsTheProbesQueryTimeout() throws Exception {
        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/observe/health").body()).contains("database");

        List<Connection> pool = new ArrayList<>();
        try {
            for (int i = 0; i < POOL_SIZE; i++) {
                pool.add(stateStore().dataSource().getConnection());
            }
            for (Connection connection : pool) {
                try (Statement statement = connection.createStatement()) {
                    assertThat(statement.getQueryTimeout()).isZero();
                }
            }
        } finally {
            for (Connection connection : pool) {
                connection.close();
            }
        }
    }
}
