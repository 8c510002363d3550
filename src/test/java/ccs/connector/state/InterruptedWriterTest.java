package ccs.connector.state;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thread interrupted while it writes to the H2 store (a polling consumer Camel stops at shutdown, or when its replica
 * loses the lead) leaves the store open for every other thread, where the file's channel closed under all of them.
 */
class InterruptedWriterTest {

    @TempDir
    Path dataDir;

    @Test
    void aWriterInterruptedMidWriteLeavesTheStoreWorkingForTheOthers() throws Exception {
        try (Database database = Database.h2(dataDir)) {
            AtomicReference<Throwable> interruptedWrite = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    database.update("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, LOCALTIMESTAMP)",
                            "crm-delivery", "demo:ccs.call.hangup:interrupted-1");
                } catch (RuntimeException e) {
                    interruptedWrite.set(e);
                }
            });
            writer.start();
            writer.join();

            database.update("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, LOCALTIMESTAMP)",
                    "crm-delivery", "demo:ccs.call.hangup:after-1");
            assertThat(database.one("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", row -> row.getLong(1)).orElseThrow())
                    .as("the interrupted write: " + interruptedWrite.get()).isEqualTo(2);
        }
    }
}
