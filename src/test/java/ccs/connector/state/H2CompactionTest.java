package ccs.connector.state;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The H2 state store's file: while it is open, its housekeeping frees the space of old commits for new ones; when it opens
 * again, it is compacted whole.
 */
class H2CompactionTest {

    private static final String INSERT = "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, LOCALTIMESTAMP)";

    @TempDir
    Path dataDir;

    @Test
    void theStoreFileShrinksWhenTheStoreOpensAgainAndKeepsEveryRow() throws Exception {
        Path storeFile = dataDir.resolve("db").resolve("connector.mv.db");
        Database database = Database.h2(dataDir);
        // a commit each, as a delivery of one event records its id
        for (int i = 0; i < 2_000; i++) {
            database.update(INSERT, "crm-delivery", "demo:ccs.call.hangup:compaction-" + i);
        }
        database.close();
        long grown = Files.size(storeFile);
        assertThat(grown).as("2,000 commits of small rows").isGreaterThan(4L << 20);

        Database reopened = Database.h2(dataDir);
        try {
            assertThat(Files.size(storeFile)).isLessThan(grown / 10);
            assertThat(reopened.one("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ?", row -> row.getLong(1),
                    "crm-delivery")).contains(2_000L);
        } finally {
            reopened.close();
        }
    }

    @Test
    void theStoreFileStopsGrowingWhileOpenAndKeepsEveryRow() throws Exception {
        Path storeFile = dataDir.resolve("db").resolve("connector.mv.db");
        // H2 keeps a chunk it no longer needs for its retention time (45 s by default) before it reuses the space
        Database database = Database.h2("", dataDir, ";RETENTION_TIME=100");
        try {
            // 4,800 commits of one id each, about 50 MB written: without the housekeeping the file holds about 19 MB of them
            for (int round = 0; round < 12; round++) {
                for (int i = 0; i < 400; i++) {
                    database.update(INSERT, "crm-delivery", "demo:ccs.call.hangup:housekeeping-" + round + "-" + i);
                }
                // the housekeeping runs once a second
                Thread.sleep(1_500);
            }
            assertThat(Files.size(storeFile)).isLessThan(12L << 20);
            assertThat(database.one("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ?", row -> row.getLong(1),
                    "crm-delivery")).contains(4_800L);
        } finally {
            database.close();
        }
    }
}
