package ccs.connector.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import static org.awaitility.Awaitility.await;

/**
 * A database's pool with no connection to give (queries that hang, say) until closed: more asked of it than it holds,
 * so every connection is taken, and one handed back goes to the waiters that asked before a probe.
 */
public final class ExhaustedPool implements AutoCloseable {

    private final ExecutorService askers;
    private final List<CompletableFuture<Connection>> asked;

    public ExhaustedPool(DataSource pool) {
        int asking = ((HikariDataSource) pool).getMaximumPoolSize() + 6;
        askers = Executors.newFixedThreadPool(asking);
        asked = IntStream.range(0, asking).mapToObj(i -> CompletableFuture.supplyAsync(() -> connection(pool), askers)).toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> asked.stream().anyMatch(CompletableFuture::isDone));
    }

    @Override
    public void close() {
        asked.forEach(connection -> connection.thenAccept(ExhaustedPool::close));
        askers.shutdown();
    }

    private static Connection connection(DataSource pool) {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            return null;
        }
    }

    private static void close(Connection connection) {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
