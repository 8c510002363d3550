package ccs.connector.cdr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.ccs.UpstreamException;
import ccs.connector.state.Database;
import ccs.connector.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static ccs.connector.support.TestSettings.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the poller picks each window, moves the checkpoint and pauses after failures (bean cdrSync). */
@ExtendWith(LogCapture.PerClass.class)
class CdrSyncTest {

    private static final Instant NOW = Instant.parse("2026-11-02T07:30:00Z"); // 10:30 in Istanbul

    @TempDir
    Path dir;

    private CdrSync sync(Optional<LocalDateTime> start) {
        return sync(start, NOW);
    }

    /** The poller as it runs at that instant, on the same state store as the others of the test. */
    private CdrSync sync(Optional<LocalDateTime> start, Instant now) {
        CdrSettings shipped = CdrTestRecords.settings(1000);
        CdrSettings settings = new CdrSettings(shipped.interval(), start, shipped.overlap(), shipped.lag(), shipped.pageCap(),
                shipped.ascending(), shipped.backoffMax(), shipped.backfillWindow(), shipped.settleInterval(), shipped.settleWindow(), shipped.dedupeRetention());
        return new CdrSync(CdrTestRecords.DEMO, new CdrState(Database.h2(dir)), settings, true, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void theFirstWindowRunsFromTheStartOfTodayOrTheStartSettingToNowLessTheLag() {
        CdrWindow today = sync(Optional.empty()).pollWindow("demo");
        assertThat(today.getStart()).isEqualTo(LocalDateTime.parse("2026-11-02T00:00:00"));
        assertThat(today.getFinish()).isEqualTo(LocalDateTime.parse("2026-11-02T10:29:50"));

        CdrWindow configured = sync(Optional.of(LocalDateTime.parse("2026-11-01T08:00:00"))).pollWindow(null);
        assertThat(configured.getStart()).isEqualTo(LocalDateTime.parse("2026-11-01T08:00:00"));
    }

    @Test
    void pollsThatFailUntilAfterMidnightStillStartAtTheDayOfTheFirstPoll() {
        CdrSync firstEvening = sync(Optional.empty(), Instant.parse("2026-11-02T15:00:00Z")); // 18:00 in Istanbul
        CdrWindow refused = firstEvening.pollWindow("demo");
        assertThat(refused.getStart()).isEqualTo(LocalDateTime.parse("2026-11-02T00:00:00"));
        firstEvening.pollFailed(refused, new IllegalStateException("the app token is refused"));
        firstEvening.finished("demo");

        CdrSync nextMorning = sync(Optional.empty(), Instant.parse("2026-11-03T06:00:00Z")); // 09:00 the next day
        assertThat(nextMorning.lagSeconds("demo")).as("33 hours behind, not 9").isEqualTo(33 * 3600.0);
        CdrWindow window = nextMorning.pollWindow("demo");
        assertThat(window.getStart()).isEqualTo(LocalDateTime.parse("2026-11-02T00:00:00"));

        CdrWindow.pageRead(window, Map.of("cursor", "c", "CallList", List.of()));
        nextMorning.windowDone(window);
        nextMorning.finished("demo");
        assertThat(new CdrState(Database.h2(dir)).storedFirstStart("demo")).as("the checkpoint takes over").isEmpty();
    }

    @Test
    void aCompleteWindowMovesTheCheckpointToItsEndAndTheNextWindowReachesBackByTheOverlap() {
        CdrSync sync = sync(Optional.empty());
        CdrWindow first = sync.pollWindow("demo");
        CdrWindow.pageRead(first, Map.of("cursor", "c", "CallList", List.of()));
        sync.windowDone(first);
        sync.finished("demo");

        assertThat(new CdrState(Database.h2(dir)).checkpoint("demo")).contains(Instant.parse("2026-11-02T07:29:50Z"));
        assertThat(sync.lagSeconds("demo")).isEqualTo(10.0);
        CdrWindow next = sync.pollWindow("demo");
        assertThat(next.getStart()).isEqualTo(LocalDateTime.parse("2026-11-02T10:24:50"));
    }

    @Test
    void withoutAnElectionACheckpointAnotherProcessMovedIsOneWarningNamingConnectorCluster() {
        LogCapture.install();
        CdrSync node = sync(Optional.empty());
        pollOnce(node);
        // a second node on the same shared store, started with connector.cluster=none too, polls a minute later
        pollOnce(sync(Optional.empty(), NOW.plusSeconds(60)));
        assertThat(anotherPollerWarnings()).as("each node's first poll knows of no checkpoint of its own").isZero();

        pollOnce(node);
        assertThat(LogCapture.text()).contains("CDR checkpoint of tenant demo is at 2026-11-02T07:30:50Z, past 2026-11-02T07:29:50Z "
                + "where this node's polls left it: another process moved it").contains("connector.cluster=none");
        pollOnce(sync(Optional.empty(), NOW.plusSeconds(120)));
        pollOnce(node);
        assertThat(anotherPollerWarnings()).as("once per tenant").isEqualTo(1);

        // elected replicas take over from each other: a checkpoint the previous leader moved is no surprise
        CdrSync elected = new CdrSync(CdrTestRecords.DEMO, new CdrState(Database.h2(dir)), CdrTestRecords.settings(1000), false,
                Clock.fixed(NOW.plusSeconds(180), ZoneOffset.UTC));
        pollOnce(elected);
        pollOnce(sync(Optional.empty(), NOW.plusSeconds(240)));
        pollOnce(elected);
        assertThat(anotherPollerWarnings()).isEqualTo(1);
    }

    private static void pollOnce(CdrSync sync) {
        CdrWindow window = sync.pollWindow("demo");
        CdrWindow.pageRead(window, Map.of("cursor", "c", "CallList", List.of()));
        sync.windowDone(window);
        sync.finished("demo");
    }

    private static int anotherPollerWarnings() {
        return LogCapture.text().split("past .* where this node's polls left it", -1).length - 1;
    }

    @Test
    void aSweepIsDueASettleIntervalAfterTheLatestOneEndedWhicheverReplicaRanIt() {
        CdrSync sync = sync(Optional.empty());
        assertThat(sync.settleDue()).as("not polled yet: nothing to sweep (a first poll may save its checkpoint meanwhile)").isEmpty();
        // the tenant's first poll saved its first checkpoint five minutes ago: what it read cannot have come late yet
        new CdrState(Database.h2(dir)).saveCheckpoint("demo", NOW.minus(Duration.ofMinutes(10)), NOW.minus(Duration.ofMinutes(5)));
        assertThat(sync.settleDue()).as("no sweep ran yet, the first polls just read").isEmpty();
        assertThat(sync(Optional.empty(), NOW.plus(Duration.ofMinutes(5))).settleDue()).as("ccs.cdr.settle-interval after the first checkpoint")
                .containsExactly("demo");

        // the previous leader swept three minutes ago, on the state store the replicas share
        new CdrState(Database.h2(dir)).saveRun("demo", CdrSync.SETTLE, null, NOW.minus(Duration.ofMinutes(3)));
        assertThat(sync.settleDue()).as("not again at a failover").isEmpty();
        assertThat(sync(Optional.empty(), NOW.plus(Duration.ofMinutes(7))).settleDue()).as("ccs.cdr.settle-interval after it")
                .containsExactly("demo");

        new CdrState(Database.h2(dir)).saveRun("demo", CdrSync.SETTLE, "Call Center Studio answered 503", NOW);
        assertThat(sync(Optional.empty(), NOW.plus(Duration.ofMinutes(9))).settleDue()).as("a failed sweep counts as one").isEmpty();
    }

    @Test
    void aCheckpointOfAStoreThatDidNotKeepWhenItWasFirstSavedHasItsSweepDueAtOnce() throws Exception {
        // a checkpoint file of an earlier version, taken over: polls ran before it, and a sweep may be overdue
        Files.createDirectories(dir.resolve("cdr"));
        Files.writeString(dir.resolve("cdr/demo.checkpoint"), "2026-11-02T07:00:00Z\n");
        new CdrState(Database.h2(dir)).importFiles(dir.resolve("cdr"));

        assertThat(sync(Optional.empty()).settleDue()).containsExactly("demo");
    }

    @Test
    void aSettleSweepReadsTheSettleWindowUpToTheCheckpointNeverBeforeTheStartSetting() {
        assertThat(sync(Optional.empty()).settleWindow("demo")).as("no checkpoint, nothing behind it").isNull();
        new CdrState(Database.h2(dir)).saveCheckpoint("demo", Instant.parse("2026-11-02T07:00:00Z"), NOW);

        CdrWindow sweep = sync(Optional.empty()).settleWindow("demo");
        assertThat(sweep.getStart()).isEqualTo(LocalDateTime.parse("2026-11-02T06:00:00"));
        assertThat(sweep.getFinish()).isEqualTo(LocalDateTime.parse("2026-11-02T10:00:00"));
        assertThat(sweep.getSource()).isEqualTo("settle");
        assertThat(sync(Optional.of(LocalDateTime.parse("2026-11-02T08:00:00"))).settleWindow("demo").getStart())
                .isEqualTo(LocalDateTime.parse("2026-11-02T08:00:00"));
    }

    @Test
    void aSettleSweepAfterTheCheckpointJumpedReachesBackFromWhereThePreviousSweepReadUpToButNotPastTheDedupesMemory() {
        CdrState state = new CdrState(Database.h2(dir));
        state.saveCheckpoint("demo", Instant.parse("2026-11-02T05:00:00Z"), NOW); // 08:00 in Istanbul
        CdrSync sync = sync(Optional.empty());
        CdrWindow before = sync.settleWindow("demo");
        CdrWindow.pageRead(before, Map.of("cursor", "c", "CallList", List.of()));
        sync.settleDone(before);
        sync.settleFinished("demo");

        // the polls go on after a stop of two hours: the checkpoint jumps from 08:00 to 10:00
        state.saveCheckpoint("demo", Instant.parse("2026-11-02T07:00:00Z"), NOW);
        CdrWindow after = sync.settleWindow("demo");
        assertThat(after.getStart()).as("four hours before the previous sweep's checkpoint, not before this one's")
                .isEqualTo(LocalDateTime.parse("2026-11-02T04:00:00"));
        assertThat(after.getFinish()).isEqualTo(LocalDateTime.parse("2026-11-02T10:00:00"));
        sync.settleFailed(after, new IllegalStateException("Call Center Studio answered 503"));
        sync.settleFinished("demo");
        assertThat(sync.settleWindow("demo").getStart()).as("a sweep failed before any of its pages was in the outbox goes on from its start")
                .isEqualTo(LocalDateTime.parse("2026-11-02T04:00:00"));
        sync.settleFinished("demo");

        // after a stop of nine days the dedupe (seven days) no longer knows what the previous sweep's records were
        CdrSync nineDaysLater = sync(Optional.empty(), NOW.plus(Duration.ofDays(9)));
        state.saveCheckpoint("demo", NOW.plus(Duration.ofDays(9)).minusSeconds(60), NOW);
        assertThat(nineDaysLater.settleWindow("demo").getStart()).as("seven days back, not past them")
                .isEqualTo(LocalDateTime.parse("2026-11-04T10:30:00"));
    }

    @Test
    void aSettleSweepThatFailsAtALaterPageHasTheNextReadOnlyItsRestEvenOnAnotherReplica() {
        LogCapture.install();
        CdrState state = new CdrState(Database.h2(dir));
        state.saveCheckpoint("demo", Instant.parse("2026-11-02T07:00:00Z"), NOW); // 10:00 in Istanbul
        CdrSync sync = sync(Optional.empty());
        CdrWindow sweep = sync.settleWindow("demo");
        assertThat(sweep.range()).isEqualTo("2026-11-02 06:00:00 to 2026-11-02 10:00:00");
        CdrTestRecords.readFullPage(sweep, "c1", "2026-11-02 06:40:00");
        sweep.pagePublished();
        // the next page is read, but its records never reach the outbox
        CdrTestRecords.readFullPage(sweep, "c2", "2026-11-02 07:20:00");
        sync.settleFailed(sweep, new IllegalStateException("Call Center Studio answered 502"));
        sync.settleFinished("demo");
        assertThat(LogCapture.text()).contains("CDR settle sweep of tenant demo failed after 100 records in the outbox "
                + "(Call Center Studio answered 502); the next one, in ccs.cdr.settle-interval, goes on from 2026-11-02 06:40:00");

        // the polls went on meanwhile, and another replica leads now, on the state store the replicas share
        state.saveCheckpoint("demo", Instant.parse("2026-11-02T07:10:00Z"), NOW);
        CdrSync next = sync(Optional.empty(), NOW.plus(Duration.ofMinutes(10)));
        CdrWindow rest = next.settleWindow("demo");
        assertThat(rest.range()).as("from the latest record in the outbox up to the failed sweep's checkpoint")
                .isEqualTo("2026-11-02 06:40:00 to 2026-11-02 10:00:00");
        CdrWindow.pageRead(rest, Map.of("cursor", "c", "CallList", List.of()));
        assertThat(next.settleDone(rest)).isNull();
        next.settleFinished("demo");

        // the sweep is done: the one after reaches back the settle window from its checkpoint
        assertThat(next.settleWindow("demo").range()).isEqualTo("2026-11-02 06:00:00 to 2026-11-02 10:10:00");
        next.settleFinished("demo");
    }

    @Test
    void aPollsOverlapReachesNoFurtherBackThanTheStartSettingUnlessTheCheckpointLiesBeforeIt() {
        Optional<LocalDateTime> start = Optional.of(LocalDateTime.parse("2026-11-02T10:28:00"));
        // a checkpoint an operator set before the start, to read the morning again: the windows reach back from it
        new CdrState(Database.h2(dir)).saveCheckpoint("demo", Instant.parse("2026-11-02T05:00:00Z"), NOW);
        assertThat(sync(start).settleWindow("demo").getStart()).isEqualTo(LocalDateTime.parse("2026-11-02T04:00:00"));
        assertThat(sync(start).pollWindow("demo").getStart()).isEqualTo(LocalDateTime.parse("2026-11-02T07:55:00"));

        // the first poll read from the start, 10:28, to 10:29
        new CdrState(Database.h2(dir)).saveCheckpoint("demo", Instant.parse("2026-11-02T07:29:00Z"), NOW);
        assertThat(sync(start).pollWindow("demo").getStart()).as("not 10:24, five minutes before the start")
                .isEqualTo(LocalDateTime.parse("2026-11-02T10:28:00"));
    }

    @Test
    void aSettleWindowThatCannotWorkStopsStartupNamingTheKey() {
        assertThatThrownBy(() -> CdrSettings.from(settings("ccs.cdr.settle-window", "5m")))
                .hasMessageContaining("ccs.cdr.settle-window is 5m0s: it must be longer than ccs.cdr.overlap (5m0s)");
        assertThatThrownBy(() -> CdrSettings.from(settings("ccs.cdr.settle-window", "8d")))
                .hasMessageContaining("ccs.cdr.settle-window").hasMessageContaining("crm.dedupe.retention-days (7 days)");
        assertThatThrownBy(() -> CdrSettings.from(settings("ccs.cdr.settle-interval", "4h")))
                .hasMessageContaining("ccs.cdr.settle-interval");
        assertThat(CdrSettings.from(settings()).settleWindow()).isEqualTo(Duration.ofHours(4));
    }

    /** Records behind past two polls missed, at least 15 minutes: a fixed 15 minutes was a problem half of each half hour's interval. */
    @Test
    void theLagLimitIsTwoPollsMissedAndAtLeastAQuarterOfAnHour() {
        CdrState state = new CdrState(Database.h2(dir));
        assertThat(new CdrSync(CdrTestRecords.DEMO, state, CdrSettings.from(settings()), true, Clock.systemUTC()).lagLimitSeconds())
                .isEqualTo(900);
        assertThat(new CdrSync(CdrTestRecords.DEMO, state, CdrSettings.from(settings("ccs.cdr.interval", "30m")), true, Clock.systemUTC())
                .lagLimitSeconds()).as("two intervals and ccs.cdr.lag").isGreaterThan(3600).isLessThan(3700);
    }

    @Test
    void aPollOfATenantNeverOverlapsTheRunningOne() {
        CdrSync sync = sync(Optional.empty());
        assertThat(sync.pollWindow("demo")).isNotNull();
        assertThat(sync.pollWindow("demo")).isNull();
        sync.finished("demo");
        assertThat(sync.pollWindow("demo")).isNotNull();
    }

    @Test
    void aSettleSweepOfATenantNeverOverlapsTheRunningOneNorHoldsItsPolls() {
        new CdrState(Database.h2(dir)).saveCheckpoint("demo", Instant.parse("2026-11-02T07:00:00Z"), NOW);
        CdrSync sync = sync(Optional.empty());
        assertThat(sync.settleWindow("demo")).isNotNull();
        assertThat(sync.settleWindow("demo")).isNull();
        assertThat(sync.pollWindow("demo")).isNotNull();
        sync.settleFinished("demo");
        assertThat(sync.settleWindow("demo")).isNotNull();
    }

    @Test
    void failuresInARowSkipMoreRunsEachTimeUpToTheMaximumAndASuccessEndsThePause() {
        CdrSync sync = sync(Optional.empty());
        assertThat(skippedAfterFailure(sync, new IllegalStateException("down"))).isEqualTo(1);
        assertThat(skippedAfterFailure(sync, new IllegalStateException("down"))).isEqualTo(2);
        assertThat(skippedAfterFailure(sync, new IllegalStateException("down"))).isEqualTo(4);
        assertThat(skippedAfterFailure(sync, new IllegalStateException("down"))).as("ccs.cdr.backoff-max is 5 intervals").isEqualTo(5);
        assertThat(skippedAfterFailure(sync, new IllegalStateException("down"))).isEqualTo(5);

        CdrWindow good = sync.pollWindow("demo");
        CdrWindow.pageRead(good, Map.of("cursor", "c", "CallList", List.of()));
        sync.windowDone(good);
        sync.finished("demo");
        assertThat(skippedAfterFailure(sync, new IllegalStateException("down again"))).isEqualTo(1);
    }

    @Test
    void aRetryAfterLongerThanThePauseIsHonoured() {
        CdrSync sync = sync(Optional.empty());
        assertThat(skippedAfterFailure(sync, UpstreamException.throttled("demo", 180))).isEqualTo(2);
    }

    @Test
    void aFailureLeavesTheCheckpoint() {
        CdrSync sync = sync(Optional.empty());
        new CdrState(Database.h2(dir)).saveCheckpoint("demo", Instant.parse("2026-11-02T07:00:00Z"), NOW);
        sync.pollFailed(sync.pollWindow("demo"), new IllegalStateException("down"));
        sync.finished("demo");
        assertThat(new CdrState(Database.h2(dir)).checkpoint("demo")).contains(Instant.parse("2026-11-02T07:00:00Z"));
    }

    @Test
    void aWindowCutShortMovesTheCheckpointToItsLatestRecordButNeverBack() {
        CdrSync sync = sync(Optional.empty());
        new CdrState(Database.h2(dir)).saveCheckpoint("demo", Instant.parse("2026-11-02T07:00:00Z"), NOW);
        CdrWindow window = sync.pollWindow("demo");
        CdrTestRecords.readFullPage(window, "c1", "2026-11-02 10:10:00");
        CdrTestRecords.readFullPage(window, "c1", "2026-11-02 10:12:00");
        sync.windowDone(window);
        sync.finished("demo");
        assertThat(new CdrState(Database.h2(dir)).checkpoint("demo")).contains(Instant.parse("2026-11-02T07:12:00Z"));

        // cut short again at the very same record, read from the checkpoint the cut window left (not its overlap): no
        // progress, and a warning saying so
        LogCapture.install();
        int warnings = noProgressWarnings();
        CdrWindow stuck = sync.pollWindow("demo");
        CdrTestRecords.readFullPage(stuck, "c1", "2026-11-02 10:12:00");
        CdrTestRecords.readFullPage(stuck, "c1", "2026-11-02 10:12:00");
        sync.windowDone(stuck);
        sync.finished("demo");
        assertThat(noProgressWarnings()).isEqualTo(warnings + 1);
        assertThat(new CdrState(Database.h2(dir)).run("demo", CdrSync.SOURCE)).get().extracting(CdrState.Run::problem).asString()
                .startsWith("made no progress in 2026-11-02 10:12:00 to");

        CdrWindow behind = sync.pollWindow("demo");
        CdrTestRecords.readFullPage(behind, "c1", "2026-11-02 10:08:00");
        CdrTestRecords.readFullPage(behind, "c1", "2026-11-02 10:08:00");
        sync.windowDone(behind);
        sync.finished("demo");
        assertThat(new CdrState(Database.h2(dir)).checkpoint("demo")).contains(Instant.parse("2026-11-02T07:12:00Z"));
    }

    @Test
    void aWindowThatFailsAtALaterPageMovesTheCheckpointAsFarAsItsPagesInTheOutbox() {
        CdrSync sync = sync(Optional.empty());
        new CdrState(Database.h2(dir)).saveCheckpoint("demo", Instant.parse("2026-11-02T07:00:00Z"), NOW);
        CdrWindow window = sync.pollWindow("demo");
        CdrTestRecords.readFullPage(window, "c1", "2026-11-02 10:10:00");
        window.pagePublished();
        // the next page is read, but its records never reach the outbox
        CdrTestRecords.readFullPage(window, "c2", "2026-11-02 10:12:00");
        sync.pollFailed(window, new IllegalStateException("the outbox is away"));
        sync.finished("demo");
        assertThat(new CdrState(Database.h2(dir)).checkpoint("demo")).contains(Instant.parse("2026-11-02T07:10:00Z"));
    }

    @Test
    void aWindowCutWithinItsOverlapIsNoProblemAndTheNextGoesOnFromTheCheckpoint() {
        CdrSync sync = sync(Optional.empty());
        CdrState state = new CdrState(Database.h2(dir));
        state.saveCheckpoint("demo", Instant.parse("2026-11-02T07:00:00Z"), NOW); // 10:00 in Istanbul
        CdrWindow overlapOnly = sync.pollWindow("demo");
        assertThat(overlapOnly.getStart()).isEqualTo(LocalDateTime.parse("2026-11-02T09:55:00"));
        // a page of the overlap's calls, and a cursor the platform repeats
        CdrTestRecords.readFullPage(overlapOnly, "c1", "2026-11-02 09:58:00");
        CdrTestRecords.readFullPage(overlapOnly, "c1", "2026-11-02 09:58:00");
        sync.windowDone(overlapOnly);
        sync.finished("demo");
        assertThat(state.run("demo", CdrSync.SOURCE)).get().extracting(CdrState.Run::problem).as("no \"made no progress\"").isNull();
        assertThat(sync.pollWindow("demo").getStart()).isEqualTo(LocalDateTime.parse("2026-11-02T10:00:00"));
    }

    @Test
    void aWindowThatFailsAtALaterPageWithinItsOverlapHasTheNextGoOnFromTheCheckpoint() {
        CdrSync sync = sync(Optional.empty());
        new CdrState(Database.h2(dir)).saveCheckpoint("demo", Instant.parse("2026-11-02T07:00:00Z"), NOW); // 10:00 in Istanbul
        CdrWindow window = sync.pollWindow("demo");
        CdrTestRecords.readFullPage(window, "c1", "2026-11-02 09:58:00");
        window.pagePublished();
        sync.pollFailed(window, new IllegalStateException("the cursor expired"));
        sync.finished("demo");
        // after the pause the failure set
        CdrWindow next = null;
        for (int run = 0; next == null && run < 10; run++) {
            next = sync.pollWindow("demo");
        }
        assertThat(next.getStart()).as("not the overlap's first page again").isEqualTo(LocalDateTime.parse("2026-11-02T10:00:00"));
    }

    @Test
    void theRepeatedHourOfAnAutumnClockChangeIsPolledWhileItLastsAndTheCheckpointGoesOn() {
        // Berlin's clocks go back from 03:00 to 02:00 at 01:00 UTC on 2026-10-25
        Tenants berlin = new Tenants(List.of(new Tenant("demo", "http://127.0.0.1:1/api/", "token", ZoneId.of("Europe/Berlin"))), "demo");
        Instant beforeTheChange = Instant.parse("2026-10-25T00:59:30Z"); // 02:59:30 summer time
        CdrWindow last = pollCompletely(berlin, beforeTheChange);
        assertThat(last.getFinish()).isEqualTo(LocalDateTime.parse("2026-10-25T02:59:20"));

        CdrWindow repeated = pollCompletely(berlin, Instant.parse("2026-10-25T01:01:30Z")); // 02:01:30 winter time
        assertThat(repeated).as("polled, not skipped until 02:59 winter time").isNotNull();
        assertThat(repeated.getStart()).as("the window's length before its finish").isEqualTo(LocalDateTime.parse("2026-10-25T01:54:20"));
        assertThat(repeated.getFinish()).isEqualTo(LocalDateTime.parse("2026-10-25T02:01:20"));
        assertThat(new CdrState(Database.h2(dir)).checkpoint("demo")).contains(Instant.parse("2026-10-25T01:01:20Z"));

        CdrWindow next = pollCompletely(berlin, Instant.parse("2026-10-25T01:02:30Z"));
        assertThat(next.getStart()).isEqualTo(LocalDateTime.parse("2026-10-25T01:56:20"));
        assertThat(new CdrState(Database.h2(dir)).checkpoint("demo")).contains(Instant.parse("2026-10-25T01:02:20Z"));
    }

    @Test
    void aSettleSweepAcrossASpringClockChangeStillReadsItsFourHours() {
        // Berlin's clocks go forward from 02:00 to 03:00 at 01:00 UTC on 2026-03-29
        Tenants berlin = new Tenants(List.of(new Tenant("demo", "http://127.0.0.1:1/api/", "token", ZoneId.of("Europe/Berlin"))), "demo");
        new CdrState(Database.h2(dir)).saveCheckpoint("demo", Instant.parse("2026-03-29T01:30:00Z"), NOW); // 03:30 summer time
        CdrWindow sweep = new CdrSync(berlin, new CdrState(Database.h2(dir)), CdrTestRecords.settings(1000), true,
                Clock.fixed(Instant.parse("2026-03-29T01:40:00Z"), ZoneOffset.UTC)).settleWindow("demo");
        assertThat(sweep.getStart()).as("21:30 UTC, four hours before the checkpoint, not three").isEqualTo(LocalDateTime.parse("2026-03-28T22:30:00"));
        assertThat(sweep.getFinish()).isEqualTo(LocalDateTime.parse("2026-03-29T03:30:00"));
    }

    private static int noProgressWarnings() {
        return LogCapture.text().split("CDR poll of tenant demo made no progress", -1).length - 1;
    }

    /** A full page of the window's records, all of one call date. */
    /** A poll at that instant whose window the platform answers with one short page. */
    private CdrWindow pollCompletely(Tenants tenants, Instant now) {
        CdrSync sync = new CdrSync(tenants, new CdrState(Database.h2(dir)), CdrTestRecords.settings(1000), true, Clock.fixed(now, ZoneOffset.UTC));
        CdrWindow window = sync.pollWindow("demo");
        if (window != null) {
            CdrWindow.pageRead(window, Map.of("cursor", "c", "CallList", List.of()));
            sync.windowDone(window);
            sync.finished("demo");
        }
        return window;
    }

    /** Fails one run and counts the runs skipped after it. */
    private static int skippedAfterFailure(CdrSync sync, Exception failure) {
        CdrWindow window = sync.pollWindow("demo");
        assertThat(window).isNotNull();
        sync.pollFailed(window, failure);
        sync.finished("demo");
        int skipped = 0;
        while (sync.pollWindow("demo") == null) {
            skipped++;
        }
        sync.finished("demo");
        return skipped;
    }
}
