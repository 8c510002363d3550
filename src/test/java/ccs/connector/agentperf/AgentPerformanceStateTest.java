package ccs.connector.agentperf;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;

import ccs.connector.state.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The stored progress of agent performance runs, on a real H2 state store. */
class AgentPerformanceStateTest {

    private static final Instant NOW = Instant.parse("2026-11-03T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aDayOfAnEarlierBackfillDoneLateByAReplicaThatLostTheLeadSkipsNoDayOfTheNewOne() {
        AgentPerformanceState state = new AgentPerformanceState(Database.h2(dir));
        state.startBackfill("demo", LocalDate.parse("2026-10-10"), LocalDate.parse("2026-10-20"), NOW);
        for (LocalDate day = LocalDate.parse("2026-10-10"); !day.isAfter(LocalDate.parse("2026-10-20")); day = day.plusDays(1)) {
            state.dayDone("demo", AgentPerformanceState.BACKFILL, day, 3, NOW);
        }
        assertThat(state.startBackfill("demo", LocalDate.parse("2026-10-01"), LocalDate.parse("2026-10-15"), NOW)).isTrue();

        state.dayDone("demo", AgentPerformanceState.BACKFILL, LocalDate.parse("2026-10-12"), 3, NOW);
        state.dayDone("demo", AgentPerformanceState.BACKFILL, LocalDate.parse("2026-10-01"), 3, NOW);
        state.dayDone("demo", AgentPerformanceState.BACKFILL, LocalDate.parse("2026-10-01"), 3, NOW);

        assertThat(state.progress("demo", AgentPerformanceState.BACKFILL).orElseThrow().next())
                .as("October 1st once, nothing skipped").isEqualTo(LocalDate.parse("2026-10-02"));
    }

    @Test
    void aCancelledBackfillSendsNoDayLeftStaysCancelledWhateverARunEndsLateAndMakesRoomForAnother() {
        AgentPerformanceState state = new AgentPerformanceState(Database.h2(dir));
        assertThat(state.cancelBackfill("demo", NOW)).as("none yet").isFalse();
        state.startBackfill("demo", LocalDate.parse("2026-10-10"), LocalDate.parse("2026-10-20"), NOW);
        state.dayDone("demo", AgentPerformanceState.BACKFILL, LocalDate.parse("2026-10-10"), 3, NOW);

        assertThat(state.cancelBackfill("demo", NOW.plusSeconds(60))).isTrue();
        // the day a run was sending when it was cancelled: it ends late, done or failed
        state.dayDone("demo", AgentPerformanceState.BACKFILL, LocalDate.parse("2026-10-11"), 3, NOW.plusSeconds(61));
        state.failed("demo", AgentPerformanceState.BACKFILL, LocalDate.parse("2026-10-11"), "HTTP 500", NOW.plusSeconds(62));

        AgentPerformanceState.Progress cancelled = state.progress("demo", AgentPerformanceState.BACKFILL).orElseThrow();
        assertThat(cancelled.finished()).isTrue();
        assertThat(cancelled.outcome()).isEqualTo("cancelled");
        assertThat(cancelled.daysDone()).isEqualTo(1);
        assertThat(cancelled.at()).isEqualTo(NOW.plusSeconds(60));
        assertThat(state.cancelBackfill("demo", NOW.plusSeconds(120))).as("once").isFalse();
        assertThat(state.startBackfill("demo", LocalDate.parse("2026-09-01"), LocalDate.parse("2026-09-02"), NOW)).isTrue();
    }

    @Test
    void aDayThatFailsLateMarksNoRunThatIsPastIt() {
        AgentPerformanceState state = new AgentPerformanceState(Database.h2(dir));
        state.startBackfill("demo", LocalDate.parse("2026-10-10"), LocalDate.parse("2026-10-20"), NOW);
        state.cancelBackfill("demo", NOW);
        state.startBackfill("demo", LocalDate.parse("2026-09-01"), LocalDate.parse("2026-09-05"), NOW);
        state.dayDone("demo", AgentPerformanceState.DAILY, LocalDate.parse("2026-11-01"), 3, NOW);
        state.dayDone("demo", AgentPerformanceState.DAILY, LocalDate.parse("2026-11-02"), 3, NOW);

        // the cancelled backfill's day, and a day the leader now has done, failing on a replica that sent them late
        state.failed("demo", AgentPerformanceState.BACKFILL, LocalDate.parse("2026-10-10"), "HTTP 500", NOW.plusSeconds(1));
        state.failed("demo", AgentPerformanceState.DAILY, LocalDate.parse("2026-11-01"), "HTTP 500", NOW.plusSeconds(1));

        assertThat(state.progress("demo", AgentPerformanceState.BACKFILL).orElseThrow().outcome()).isEqualTo("running");
        assertThat(state.progress("demo", AgentPerformanceState.DAILY).orElseThrow().outcome()).isEqualTo("done");
        // the day a run is at fails as before
        state.failed("demo", AgentPerformanceState.BACKFILL, LocalDate.parse("2026-09-01"), "HTTP 500", NOW.plusSeconds(2));
        assertThat(state.progress("demo", AgentPerformanceState.BACKFILL).orElseThrow().outcome()).isEqualTo("failed");
    }

    @Test
    void theDailyRunMovesOnToALaterDayItWasDone() {
        AgentPerformanceState state = new AgentPerformanceState(Database.h2(dir));
        state.dayDone("demo", AgentPerformanceState.DAILY, LocalDate.parse("2026-10-01"), 3, NOW);
        state.dayDone("demo", AgentPerformanceState.DAILY, LocalDate.parse("2026-10-05"), 3, NOW);

        assertThat(state.progress("demo", AgentPerformanceState.DAILY).orElseThrow().next()).isEqualTo(LocalDate.parse("2026-10-06"));
    }
}
