package ccs.connector.cdr;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import ccs.connector.api.NotFoundException;
import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.state.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A backfill's windows, its progress in the state store and the one-at-a-time rule (bean cdrBackfills). */
class CdrBackfillsTest {


    @TempDir
    Path dir;

    private CdrBackfills backfills(int pageCap) {
        return backfills(pageCap, Clock.fixed(Instant.parse("2026-11-03T00:00:00Z"), ZoneOffset.UTC));
    }

    private CdrBackfills backfills(int pageCap, Clock clock) {
        return backfills(CdrTestRecords.DEMO, pageCap, clock);
    }

    private CdrBackfills backfills(Tenants tenants) {
        return backfills(tenants, 10, Clock.fixed(Instant.parse("2026-11-03T00:00:00Z"), ZoneOffset.UTC));
    }

    private CdrBackfills backfills(Tenants tenants, int pageCap, Clock clock) {
        return new CdrBackfills(tenants, new CdrState(Database.h2(dir)), CdrTestRecords.settings(pageCap), Duration.ofMinutes(1), 31, clock);
    }

    /** A clock that a test moves on. */
    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-11-03T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return Clock.fixed(now, zone);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> demo(CdrBackfills backfills) {
        return ((List<Map<String, Object>>) backfills.report("demo").get("backfills")).get(0);
    }

    private static void readWhole(CdrWindow window) {
        CdrWindow.pageRead(window, Map.of("cursor", "c", "CallList", List.of()));
    }

    @Test
    void aRangeIsReadInWindowsOfTheSettingAndItsProgressIsKeptAfterEach() {
        CdrBackfills backfills = backfills(10);
        Map<String, Object> started = backfills.start(null, "2026-11-01 08:00:00", "2026-11-01T10:30:00");
        assertThat(started).containsEntry("tenant", "demo").containsEntry("from", "2026-11-01T08:00")
                .containsEntry("to", "2026-11-01T10:30").containsEntry("windows", 3L);
        assertThat(backfills.claim("demo")).isTrue();

        CdrWindow first = backfills.nextWindow("demo");
        assertThat(first.range()).as("windows share their bounds' seconds").isEqualTo("2026-11-01 08:00:00 to 2026-11-01 09:00:00");
        readWhole(first);
        backfills.windowDone(first);
        assertThat(backfills.percentDone("demo")).isEqualTo(40.0);
        assertThat(new CdrState(Database.h2(dir)).backfill("demo").orElseThrow().next()).isEqualTo(LocalDateTime.parse("2026-11-01T09:00:00"));

        CdrWindow second = backfills.nextWindow("demo");
        readWhole(second);
        backfills.windowDone(second);
        CdrWindow last = backfills.nextWindow("demo");
        assertThat(last.range()).isEqualTo("2026-11-01 10:00:00 to 2026-11-01 10:30:00");
        readWhole(last);
        backfills.windowDone(last);

        assertThat(backfills.nextWindow("demo")).isNull();
        assertThat(backfills.percentDone("demo")).isEqualTo(100.0);
        assertThat(new CdrState(Database.h2(dir)).backfill("demo").orElseThrow().finished()).isTrue();
    }

    @Test
    void itsReportTellsTheProgressTheTimeLeftAndTheOutcomeOfEachRun() {
        MovingClock clock = new MovingClock();
        CdrBackfills backfills = backfills(10, clock);
        assertThat(demo(backfills)).containsExactly(Map.entry("tenant", "demo"), Map.entry("state", "none"));
        backfills.start(null, "2026-11-01T08:00:00", "2026-11-01T11:59:59");
        backfills.claim("demo");
        CdrWindow first = backfills.nextWindow("demo");
        readWhole(first);
        clock.advance(Duration.ofMinutes(2));
        backfills.windowDone(first);

        assertThat(demo(backfills)).containsEntry("state", "running").containsEntry("from", "2026-11-01T08:00")
                .containsEntry("to", "2026-11-01T11:59:59").containsEntry("windowsDone", 1).containsEntry("windows", 4L)
                .containsEntry("records", 0L).containsEntry("percent", 25.0).containsEntry("startedAt", "2026-11-03T00:00:00Z")
                .containsEntry("secondsLeft", 360L).doesNotContainKey("endedAt");

        backfills.failed("demo", null, new IllegalStateException("Call Center Studio tenant demo answered HTTP 500"));
        backfills.release("demo");
        assertThat(demo(backfills)).containsEntry("state", "failed").containsEntry("reason", "Call Center Studio tenant demo answered HTTP 500")
                .containsEntry("endedAt", "2026-11-03T00:02:00Z").containsEntry("resumesBy", "2026-11-03T00:03:00Z").doesNotContainKey("secondsLeft");

        clock.advance(Duration.ofMinutes(1));
        backfills.claim("demo");
        assertThat(demo(backfills)).containsEntry("state", "running").containsEntry("percent", 25.0)
                .as("no pace yet in this run").doesNotContainKey("secondsLeft").doesNotContainKey("reason");
        backfills.release("demo");
        assertThat(demo(backfills)).containsEntry("state", "interrupted").containsEntry("endedAt", "2026-11-03T00:03:00Z")
                .containsEntry("resumesBy", "2026-11-03T00:04:00Z").doesNotContainKey("reason");

        backfills.claim("demo");
        for (CdrWindow window = backfills.nextWindow("demo"); window != null; window = backfills.nextWindow("demo")) {
            readWhole(window);
            backfills.windowDone(window);
        }
        backfills.release("demo");
        assertThat(demo(backfills)).containsEntry("state", "done").containsEntry("windowsDone", 4).containsEntry("percent", 100.0)
                .containsEntry("endedAt", "2026-11-03T00:03:00Z").doesNotContainKey("resumesBy");
    }

    @Test
    void aReplicaThatLostTheLeadEndsItsOwnRunNotTheRunOfTheReplicaThatTookOver() {
        MovingClock clock = new MovingClock();
        CdrBackfills stale = backfills(10, clock);
        stale.start(null, "2026-11-01T08:00:00", "2026-11-01T11:59:59");
        stale.claim("demo");
        CdrWindow window = stale.nextWindow("demo");
        readWhole(window);

        clock.advance(Duration.ofMinutes(1));
        CdrBackfills leader = backfills(10, clock);
        assertThat(leader.claim("demo")).isTrue();
        clock.advance(Duration.ofMinutes(1));
        stale.failed("demo", window, new IllegalStateException("the lead was lost"));
        stale.release("demo");
        assertThat(demo(leader)).containsEntry("state", "running").doesNotContainKey("reason");

        leader.release("demo");
        assertThat(demo(leader)).containsEntry("state", "interrupted").containsEntry("endedAt", "2026-11-03T00:02:00Z");
    }

    @Test
    void aWindowOfAnEarlierBackfillEndedLateByAReplicaThatLostTheLeadDoesNotMoveTheNewOne() {
        CdrBackfills stale = backfills(10);
        stale.start(null, "2026-11-01T08:00:00", "2026-11-01T09:59:59");
        stale.claim("demo");
        CdrWindow staleWindow = stale.nextWindow("demo");
        CdrBackfills leader = backfills(10);
        assertThat(leader.claim("demo")).isTrue();
        for (CdrWindow window = leader.nextWindow("demo"); window != null; window = leader.nextWindow("demo")) {
            readWhole(window);
            leader.windowDone(window);
        }
        leader.release("demo");
        leader.start(null, "2026-10-01T00:00:00", "2026-10-01T05:59:59");

        CdrTestRecords.readFullPage(staleWindow, "c1", "2026-11-01 08:20:00");
        staleWindow.pagePublished();
        stale.failed("demo", staleWindow, new IllegalStateException("Call Center Studio tenant demo answered HTTP 502"));
        readWhole(staleWindow);
        stale.windowDone(staleWindow);

        CdrState.Backfill october = new CdrState(Database.h2(dir)).backfill("demo").orElseThrow();
        assertThat(october.next()).as("nothing of October read yet").isEqualTo(LocalDateTime.parse("2026-10-01T00:00:00"));
        assertThat(october.windowsDone()).isZero();
        assertThat(october.records()).isZero();
    }

    @Test
    void aWindowThatFailsAtALaterPageMovesTheProgressAsFarAsItsPagesInTheOutboxNeverBack() {
        CdrBackfills backfills = backfills(10);
        backfills.start(null, "2026-11-01T08:00:00", "2026-11-01T09:59:59");
        backfills.claim("demo");
        CdrWindow first = backfills.nextWindow("demo");
        CdrTestRecords.readFullPage(first, "c1", "2026-11-01 08:20:00");
        first.pagePublished();
        CdrTestRecords.readFullPage(first, "c2", "2026-11-01 08:40:00");
        backfills.failed("demo", first, new IllegalStateException("Call Center Studio tenant demo answered HTTP 502"));
        backfills.release("demo");
        assertThat(new CdrState(Database.h2(dir)).backfill("demo").orElseThrow().next()).isEqualTo(LocalDateTime.parse("2026-11-01T08:20:00"));
        assertThat(demo(backfills)).containsEntry("records", 100L);

        backfills.claim("demo");
        CdrWindow again = backfills.nextWindow("demo");
        assertThat(again.getStart()).isEqualTo(LocalDateTime.parse("2026-11-01T08:20:00"));
        CdrWindow.pageRead(again, Map.of("cursor", "c3", "CallList", Collections.nCopies(50, Map.of("calldate", "2026-11-01 08:30:00"))));
        again.pagePublished();
        backfills.windowDone(again);
        // a failure after that window was done: the window is behind the progress, which stays
        backfills.failed("demo", again, new IllegalStateException("the database is away"));
        assertThat(new CdrState(Database.h2(dir)).backfill("demo").orElseThrow().next()).isEqualTo(LocalDateTime.parse("2026-11-01T09:20:00"));
    }

    @Test
    void eachWindowEndsWhereTheNextBeginsAndTheLastAtTheRangesEnd() {
        CdrBackfills backfills = backfills(10);
        assertThat(backfills.start(null, "2026-11-01T00:00:00", "2026-11-01T02:00:00")).containsEntry("windows", 2L);
        backfills.claim("demo");
        List<String> ranges = new ArrayList<>();
        for (CdrWindow window = backfills.nextWindow("demo"); window != null; window = backfills.nextWindow("demo")) {
            readWhole(window);
            backfills.windowDone(window);
            ranges.add(window.range());
        }
        // a call begun at 00:59:59.4 lies in a window though the platform compared it with 00:59:59, or took finishdate as exclusive
        assertThat(ranges).containsExactly("2026-11-01 00:00:00 to 2026-11-01 01:00:00", "2026-11-01 01:00:00 to 2026-11-01 02:00:00");
        assertThat(demo(backfills)).containsEntry("state", "done").containsEntry("windowsDone", 2).containsEntry("windows", 2L);
    }

    @Test
    void aFractionOfASecondInTheRangeIsDroppedSoItsLastSecondIsStillRead() {
        CdrBackfills backfills = backfills(10);
        assertThat(backfills.start(null, "2026-11-01T00:00:00.5", "2026-11-01T01:00:00.25")).containsEntry("from", "2026-11-01T00:00")
                .containsEntry("to", "2026-11-01T01:00");
        backfills.claim("demo");
        CdrWindow window = backfills.nextWindow("demo");
        assertThat(window.getStart()).isEqualTo(LocalDateTime.parse("2026-11-01T00:00:00"));
        assertThat(window.getFinish()).isEqualTo(LocalDateTime.parse("2026-11-01T01:00:00"));
        readWhole(window);
        backfills.windowDone(window);
        assertThat(backfills.nextWindow("demo")).isNull();
    }

    @Test
    void aCancelledBackfillStopsAfterTheWindowItReadsIsNotResumedAndMakesRoomForAnother() {
        MovingClock clock = new MovingClock();
        CdrBackfills backfills = backfills(10, clock);
        backfills.start(null, "2026-11-01T08:00:00", "2026-11-01T11:59:59");
        backfills.claim("demo");
        CdrWindow reading = backfills.nextWindow("demo");
        readWhole(reading);
        clock.advance(Duration.ofMinutes(1));

        assertThat(backfills.cancel("demo")).containsEntry("state", "cancelled").containsEntry("endedAt", "2026-11-03T00:01:00Z")
                .containsEntry("windowsDone", 0).doesNotContainKey("resumesBy");
        backfills.windowDone(reading);
        assertThat(backfills.nextWindow("demo")).as("no window after the one it read").isNull();
        backfills.release("demo");
        assertThat(demo(backfills)).containsEntry("state", "cancelled").containsEntry("windowsDone", 0).doesNotContainKey("resumesBy");
        assertThat(backfills.resumable()).isEmpty();
        assertThatThrownBy(() -> backfills.cancel("demo")).isInstanceOf(NotFoundException.class)
                .hasMessage("tenant demo has no CDR backfill under way");
        assertThat(backfills.start(null, "2026-10-01T00:00:00", "2026-10-01T01:59:59")).containsEntry("windows", 2L);
    }

    @Test
    void aNewBackfillStartedWhileACancelledOnesRunEndsItsWindowIsRunToItsEndByTheResume() {
        MovingClock clock = new MovingClock();
        CdrBackfills backfills = backfills(10, clock);
        backfills.start(null, "2026-11-01T08:00:00", "2026-11-01T09:59:59");
        backfills.claim("demo");
        CdrWindow reading = backfills.nextWindow("demo");
        backfills.cancel("demo");
        clock.advance(Duration.ofMinutes(1));
        backfills.start(null, "2026-11-01T08:00:00", "2026-11-01T09:59:59");

        readWhole(reading);
        backfills.windowDone(reading);
        assertThat(backfills.nextWindow("demo")).as("the new backfill is not this run's").isNull();
        backfills.release("demo");

        assertThat(backfills.resumable()).containsExactly("demo");
        backfills.claim("demo");
        for (CdrWindow window = backfills.nextWindow("demo"); window != null; window = backfills.nextWindow("demo")) {
            readWhole(window);
            backfills.windowDone(window);
        }
        backfills.release("demo");
        assertThat(demo(backfills)).containsEntry("state", "done").containsEntry("windowsDone", 2);
    }

    @Test
    void aSecondBackfillOfTheTenantIsRefusedWhileOneIsUnfinished() {
        CdrBackfills backfills = backfills(10);
        backfills.start("demo", "2026-11-01", "2026-11-02");
        assertThatThrownBy(() -> backfills.start("demo", "2026-10-01", "2026-10-02"))
                .isInstanceOf(CdrBackfills.BackfillRunningException.class).hasMessageContaining("0% done");
    }

    @Test
    void anInterruptedBackfillIsResumableFromItsProgressFileUnlessItRuns() {
        backfills(10).start("demo", "2026-11-01", "2026-11-02");

        CdrBackfills afterRestart = backfills(10);
        assertThat(afterRestart.resumable()).containsExactly("demo");
        assertThat(afterRestart.resumable()).as("queued already: one entry in the run queue").isEmpty();
        // as route cdr-backfill-run takes the entry
        afterRestart.dequeued("demo");
        assertThat(afterRestart.claim("demo")).isTrue();
        assertThat(afterRestart.resumable()).isEmpty();
        assertThat(afterRestart.claim("demo")).isFalse();
        afterRestart.release("demo");
        assertThat(afterRestart.resumable()).containsExactly("demo");
    }

    @Test
    void aBackfillOfATenantTakenOffTheListIsLeftWhereItStandsAndGoesOnOnceTheTenantIsServedAgain() {
        Tenants withGlobex = new Tenants(List.of(CdrTestRecords.DEMO.get("demo"),
                new Tenant("globex", "http://127.0.0.1:1/api/", "t", CdrTestRecords.ISTANBUL)), "demo");
        backfills(withGlobex).start("globex", "2026-11-01", "2026-11-02");

        assertThat(backfills(10).resumable()).as("restarted without globex").isEmpty();
        // a tenant respelt in ccs.tenants starts again without its checkpoints: globex's backfill is not GloBex's
        Tenants respelt = new Tenants(List.of(CdrTestRecords.DEMO.get("demo"),
                new Tenant("GloBex", "http://127.0.0.1:1/api/", "t", CdrTestRecords.ISTANBUL)), "demo");
        assertThat(backfills(respelt).resumable()).as("restarted with GloBex").isEmpty();
        assertThat(backfills(withGlobex).resumable()).containsExactly("globex");
    }

    @Test
    void aClaimThatFailedWhileTheDatabaseWasAwayLeavesTheBackfillResumable() {
        backfills(10).start("demo", "2026-11-01", "2026-11-02");
        CdrBackfills backfills = backfills(10);
        Database database = Database.h2(dir);

        database.update("ALTER TABLE CDR_BACKFILL RENAME TO CDR_BACKFILL_AWAY");
        assertThatThrownBy(() -> backfills.claim("demo")).isInstanceOf(IllegalStateException.class);
        database.update("ALTER TABLE CDR_BACKFILL_AWAY RENAME TO CDR_BACKFILL");

        assertThat(backfills.resumable()).containsExactly("demo");
        assertThat(backfills.claim("demo")).isTrue();
    }

    @Test
    void aWindowCutShortIsReadAgainFromItsLatestRecord() {
        CdrBackfills backfills = backfills(1);
        backfills.start("demo", "2026-11-01T08:00:00", "2026-11-01T09:00:00");
        CdrWindow cut = backfills.nextWindow("demo");
        CdrTestRecords.readFullPage(cut, "c1", "2026-11-01 08:20:00");
        backfills.windowDone(cut);

        assertThat(backfills.nextWindow("demo").getStart()).isEqualTo(LocalDateTime.parse("2026-11-01T08:20:00"));
    }

    @Test
    void inputThatCannotBeReadIsRefusedWithTheReason() {
        CdrBackfills backfills = backfills(10);
        assertThatThrownBy(() -> backfills.start("demo", null, "2026-11-02")).hasMessageContaining("from is missing");
        assertThatThrownBy(() -> backfills.start("demo", "last week", "2026-11-02")).hasMessageContaining("from is not a time")
                .extracting("field").isEqualTo("from");
        assertThatThrownBy(() -> backfills.start("demo", "2026-11-02", "2026-11-01")).hasMessageContaining("must lie after");
        assertThatThrownBy(() -> backfills.start("demo", "2026-12-01", "2026-12-02")).hasMessageContaining("future");
        assertThatThrownBy(() -> backfills.start("demo", "2026-11-02", "2026-11-03T05:00:00")).as("an end still to come (03:00 in Istanbul)")
                .hasMessageContaining("lies in the future").extracting("field").isEqualTo("to");
        assertThatThrownBy(() -> backfills.start("demo", "2026-01-01", "2026-11-02")).hasMessageContaining("more than 31 days after from")
                .extracting("field").isEqualTo("to");
        assertThatThrownBy(() -> backfills.start("demo", "1900-01-01", "2026-11-02")).hasMessageContaining("lies before 2000-01-01")
                .extracting("field").isEqualTo("from");
        assertThatThrownBy(() -> backfills.start("acme", "2026-11-01", "2026-11-02")).hasMessageContaining("not served");
    }
}
