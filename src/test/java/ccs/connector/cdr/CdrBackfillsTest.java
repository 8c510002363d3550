package ccs.connector.cdr;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;

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
        return new CdrBackfills(CdrTestRecords.DEMO, new CdrState(Database.h2(dir)), CdrTestRecords.settings(pageCap), Clock.fixed(Instant.parse("2026-11-03T00:00:00Z"), ZoneOffset.UTC));
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
        assertThat(first.range()).isEqualTo("2026-11-01 08:00:00 to 2026-11-01 08:59:59");
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
        assertThat(afterRestart.claim("demo")).isTrue();
        assertThat(afterRestart.resumable()).isEmpty();
        assertThat(afterRestart.claim("demo")).isFalse();
        afterRestart.release("demo");
        assertThat(afterRestart.resumable()).containsExactly("demo");
    }

    @Test
    void aWindowCutShortIsReadAgainFromItsLatestRecord() {
        CdrBackfills backfills = backfills(1);
        backfills.start("demo", "2026-11-01T08:00:00", "2026-11-01T09:00:00");
        CdrWindow cut = backfills.nextWindow("demo");
        CdrWindow.pageRead(cut, Map.of("cursor", "c1", "CallList", Collections.nCopies(100, Map.of("calldate", "2026-11-01 08:20:00"))));
        backfills.windowDone(cut);

        assertThat(backfills.nextWindow("demo").getStart()).isEqualTo(LocalDateTime.parse("2026-11-01T08:20:00"));
    }

    @Test
    void inputThatCannotBeReadIsRefusedWithTheReason() {
        CdrBackfills backfills = backfills(10);
        assertThatThrownBy(() -> backfills.start("demo", null, "2026-11-02")).hasMessageContaining("from is missing");
        assertThatThrownBy(() -> backfills.start("demo", "last week", "2026-11-02")).hasMessageContaining("from is 'last week'");
        assertThatThrownBy(() -> backfills.start("demo", "2026-11-02", "2026-11-01")).hasMessageContaining("must lie after");
        assertThatThrownBy(() -> backfills.start("demo", "2026-12-01", "2026-12-02")).hasMessageContaining("future");
        assertThatThrownBy(() -> backfills.start("acme", "2026-11-01", "2026-11-02")).hasMessageContaining("not served");
    }
}
