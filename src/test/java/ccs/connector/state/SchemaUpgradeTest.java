package ccs.connector.state;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;

import ccs.connector.cdr.CdrState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The H2 store of an earlier version: the tables it had keep their rows and get the columns and indexes added since, the
 * tables it lacked are created; opened again on the current schema, it opens as it is.
 */
class SchemaUpgradeTest {

    @TempDir
    Path dataDir;

    @Test
    void anOlderStoreGetsWhatWasAddedSinceAndKeepsItsRows() throws Exception {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("db").resolve("connector");
        try (Connection older = DriverManager.getConnection(url, "connector", ""); Statement statement = older.createStatement()) {
            statement.execute("CREATE TABLE CAMEL_MESSAGEPROCESSED (processorName VARCHAR(255), messageId VARCHAR(1000), "
                    + "createdAt TIMESTAMP, PRIMARY KEY (processorName, messageId))");
            statement.execute("CREATE TABLE CDR_CHECKPOINT (tenant VARCHAR(200) PRIMARY KEY, read_up_to_ms BIGINT NOT NULL)");
            statement.execute("CREATE TABLE CDR_BACKFILL (tenant VARCHAR(200) PRIMARY KEY, range_from VARCHAR(32) NOT NULL, "
                    + "range_to VARCHAR(32) NOT NULL, next_start VARCHAR(32) NOT NULL, windows_done INTEGER NOT NULL, "
                    + "records BIGINT NOT NULL, finished BOOLEAN NOT NULL)");
            statement.execute("INSERT INTO CAMEL_MESSAGEPROCESSED VALUES ('crm-delivery', 'demo:ccs.cdr:older', LOCALTIMESTAMP)");
            statement.execute("INSERT INTO CDR_CHECKPOINT VALUES ('demo', 1793602800000)");
            statement.execute("INSERT INTO CDR_BACKFILL VALUES ('demo', '2026-11-01T00:00', '2026-11-02T00:00', '2026-11-01T06:00', 6, 42, FALSE)");
        }

        try (Database upgraded = Database.h2(dataDir)) {
            CdrState state = new CdrState(upgraded);
            assertThat(state.checkpoint("demo")).contains(Instant.ofEpochMilli(1793602800000L));
            assertThat(state.backfillRun("demo")).hasValueSatisfying(run -> {
                assertThat(run.backfill().windowsDone()).isEqualTo(6);
                assertThat(run.outcome()).isEqualTo("interrupted");
            });
            assertThat(upgraded.one("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", row -> row.getInt(1))).contains(1);
            assertThat(upgraded.list("SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'CAMEL_MESSAGEPROCESSED'",
                    row -> row.getString(1))).contains("CAMEL_MESSAGEPROCESSED_CREATED");
            assertThat(upgraded.one("SELECT COUNT(*) FROM DEAD_LETTER", row -> row.getInt(1))).as("a table it lacked").contains(0);
            upgraded.update("UPDATE CDR_CHECKPOINT SET settled_up_to_ms = 1 WHERE tenant = 'demo'");
        }

        try (Database again = Database.h2(dataDir)) {
            assertThat(new CdrState(again).backfillRun("demo")).isPresent();
            assertThat(again.one("SELECT settled_up_to_ms FROM CDR_CHECKPOINT", row -> row.getLong(1))).contains(1L);
        }
    }
}
