package ccs.connector.cdr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;

import ccs.connector.cdr.CdrState.Backfill;
import ccs.connector.state.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The CDR sync's state in the connector's database: checkpoints that only move forward, backfill progress. */
class CdrStateTest {

    private static final Instant AT = Instant.parse("2026-11-03T01:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aCheckpointMovesForwardOnlyAndIsReadBackByAnotherStateOnTheSameDatabase() {
        CdrState state = new CdrState(Database.h2(dir));
        assertThat(state.checkpoint("demo")).isEmpty();

        state.saveCheckpoint("demo", Instant.parse("2026-11-02T07:00:00Z"), Instant.parse("2026-11-02T07:00:10Z"));
        state.saveCheckpoint("demo", Instant.parse("2026-11-02T07:01:00Z"), Instant.parse("2026-11-02T07:01:10Z"));
        state.saveCheckpoint("demo", Instant.parse("2026-11-02T06:59:00Z"), Instant.parse("2026-11-02T07:02:10Z"));

        CdrState another = new CdrState(Database.h2(dir));
        assertThat(another.checkpoint("demo")).as("a stale poller never moves it back").contains(Instant.parse("2026-11-02T07:01:00Z"));
        assertThat(another.firstSaved("demo")).as("when the first was saved").contains(Instant.parse("2026-11-02T07:00:10Z"));
    }

    @Test
    void checkpointFilesOfAnEarlierVersionAreTakenOver() throws Exception {
        Files.createDirectories(dir.resolve("cdr"));
        Files.writeString(dir.resolve("cdr/demo.checkpoint"), "2026-11-02T07:00:00Z\n");
        CdrState state = new CdrState(Database.h2(dir));

        state.importFiles(dir.resolve("cdr"));

        assertThat(state.checkpoint("demo")).contains(Instant.parse("2026-11-02T07:00:00Z"));
        assertThat(dir.resolve("cdr/demo.checkpoint")).doesNotExist();
        assertThat(dir.resolve("cdr/demo.checkpoint.imported")).exists();
    }

    @Test
    void aBackfillUnderWayRefusesASecondOneUntilItIsFinished() {
        CdrState state = new CdrState(Database.h2(dir));
        Backfill backfill = new Backfill("demo", LocalDateTime.parse("2026-11-01T00:00"), LocalDateTime.parse("2026-11-02T00:00"),
                LocalDateTime.parse("2026-11-01T00:00"), 0, 0);
        assertThat(state.startBackfill(backfill, 24, Instant.parse("2026-11-03T00:00:00Z"))).isTrue();
        Backfill progressed = new Backfill("demo", backfill.from(), backfill.to(), LocalDateTime.parse("2026-11-01T06:00"), 6, 1234);
        assertThat(state.saveBackfill(progressed, backfill, AT)).isTrue();
        // a run that read the backfill before that progress (a stale leader's) writes nothing
        assertThat(state.saveBackfill(new Backfill("demo", backfill.from(), backfill.to(), LocalDateTime.parse("2026-11-01T01:00"), 1, 10),
                backfill, AT)).isFalse();

        assertThat(state.backfill("demo")).contains(progressed);
        assertThat(progressed.percentDone()).isEqualTo(25.0);
        assertThat(state.tenantsWithBackfill()).containsExactly("demo");
        assertThat(state.startBackfill(backfill, 24, Instant.parse("2026-11-03T00:00:00Z"))).as("one under way").isFalse();

        assertThat(state.saveBackfill(new Backfill("demo", backfill.from(), backfill.to(), LocalDateTime.parse("2026-11-02T00:00:01"), 24, 5000),
                progressed, AT)).isTrue();
        assertThat(state.tenantsWithBackfill()).isEmpty();
        // the run's end is written with the last window's progress: a failure after it (the database gone for the
        // next statement) cannot show it failed
        assertThat(state.backfillRun("demo")).get().extracting(CdrState.BackfillRun::outcome).isEqualTo("done");
        state.runEnded("demo", Instant.parse("2026-11-03T00:00:00Z"), "failed", "the connection was lost", AT);
        assertThat(state.backfillRun("demo")).get().extracting(CdrState.BackfillRun::outcome).isEqualTo("done");
        assertThat(state.startBackfill(backfill, 24, Instant.parse("2026-11-03T00:00:00Z"))).as("the last one is finished").isTrue();
        assertThat(state.backfill("demo")).contains(backfill);
    }
}
