package ccs.connector.state;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The H2 state store's file, which grows with every commit while it is open, is compacted when it opens again. */
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
}
