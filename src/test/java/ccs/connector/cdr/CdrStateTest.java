package ccs.connector.cdr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;

import ccs.connector.cdr.CdrState.Backfill;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CDR sync's files under the data dir: checkpoints and backfill progress, written atomically. */
class CdrStateTest {

    @TempDir
    Path dir;

    @Test
    void aCheckpointIsReadBackAfterANewStateOnTheSameDirectory() throws Exception {
        CdrState state = new CdrState(dir.resolve("cdr"));
        assertThat(state.checkpoint("demo")).isEmpty();

        state.saveCheckpoint("demo", Instant.parse("2026-11-02T07:00:00Z"));
        state.saveCheckpoint("demo", Instant.parse("2026-11-02T07:01:00Z"));

        assertThat(new CdrState(dir.resolve("cdr")).checkpoint("demo")).contains(Instant.parse("2026-11-02T07:01:00Z"));
        assertThat(Files.readString(dir.resolve("cdr/demo.checkpoint")).trim()).isEqualTo("2026-11-02T07:01:00Z");
        try (var files = Files.list(dir.resolve("cdr"))) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file is left").containsExactly("demo.checkpoint");
        }
    }

    @Test
    void anUnreadableCheckpointNamesItsFile() throws Exception {
        Files.createDirectories(dir.resolve("cdr"));
        Files.writeString(dir.resolve("cdr/demo.checkpoint"), "yesterday");
        assertThatThrownBy(() -> new CdrState(dir.resolve("cdr")).checkpoint("demo"))
                .hasMessageContaining("demo.checkpoint").hasMessageContaining("yesterday");
    }

    @Test
    void backfillProgressIsKeptPerTenantUntilDeleted() {
        CdrState state = new CdrState(dir.resolve("cdr"));
        Backfill backfill = new Backfill("demo", LocalDateTime.parse("2026-11-01T00:00"), LocalDateTime.parse("2026-11-02T00:00"),
                LocalDateTime.parse("2026-11-01T06:00"), 6, 1234);
        state.saveBackfill(backfill);
        state.saveCheckpoint("demo", Instant.parse("2026-11-02T07:00:00Z"));

        assertThat(state.backfill("demo")).contains(backfill);
        assertThat(backfill.percentDone()).isEqualTo(25.0);
        assertThat(state.tenantsWithBackfill()).containsExactly("demo");

        state.deleteBackfill("demo");
        assertThat(state.backfill("demo")).isEmpty();
        assertThat(state.tenantsWithBackfill()).isEmpty();
    }
}
