package ccs.connector.state;

import java.nio.file.Path;

import ccs.connector.click2call.CallCorrelations;
import org.h2.store.fs.FilePath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A click2call's or call control's transaction id is what keeps it from being carried out twice, so the H2 store forces
 * it to the disk before the dispatch: a machine that lost power after the dial would otherwise dial it again once the CRM
 * sends it again. Observed as in {@link DeadLetterDurabilityTest}.
 */
class TransactionIdDurabilityTest {

    static {
        FilePath.register(new DeadLetterDurabilityTest.ForceWatchingFiles());
    }

    @TempDir
    Path dataDir;

    @Test
    void takingATransactionIdForcesTheStoreFileToTheDiskBeforeItReturns() throws Exception {
        try (Database database = Database.h2(DeadLetterDurabilityTest.ForceWatchingFiles.SCHEME + ":", dataDir, "")) {
            String thisThread = Thread.currentThread().getName();

            DeadLetterDurabilityTest.ForceWatchingFiles.FORCED_BY.clear();
            new CallCorrelations(database).remember("demo", "crm-durable-1", "ayse.yilmaz@demo.example", "05321234567", null);
            assertThat(DeadLetterDurabilityTest.ForceWatchingFiles.FORCED_BY).as("threads that forced the store file").contains(thisThread);
        }
    }
}
