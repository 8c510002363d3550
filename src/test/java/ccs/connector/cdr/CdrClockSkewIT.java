package ccs.connector.cdr;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import ccs.connector.state.Database;
import ccs.connector.support.PostgresServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas' CDR pollers on one PostgreSQL, the leader's clock 10 minutes ahead of the others' and the database's
 * (a node whose time service failed). Its complete window moved the shared checkpoint 10 minutes into the future: the
 * calls that began meanwhile lay behind every later window's overlap (only the settle sweep, minutes later, read them),
 * and the replica that took over after it skipped every poll ("its window would start after ...") until its own clock
 * reached the checkpoint, while the status showed no lag. The checkpoint moves no further than the database's clock
 * less the lag; and a replica whose clock is behind the database's does not take the checkpoint for one a clock ahead
 * left in the future, nor the leader the sweeps it timed itself for sweeps timed in the future (it swept at every poll).
 */
class CdrClockSkewIT {

    private static final Duration SKEW = Duration.ofMinutes(10);

    @Test
    void aLeaderWhoseClockRunsAheadMovesTheCheckpointNoFurtherThanTheDatabasesClock() throws Exception {
        CdrSettings settings = CdrTestRecords.settings(1000);
        try (PostgresServer postgres = PostgresServer.start();
             Database first = Database.postgresql(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD, 4, Duration.ofSeconds(60));
             Database second = Database.postgresql(postgres.url(), PostgresServer.USER, PostgresServer.PASSWORD, 4, Duration.ofSeconds(60))) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            CdrSync aheadLeader = new CdrSync(CdrTestRecords.DEMO, new CdrState(first), settings, false, Clock.fixed(now.plus(SKEW), ZoneOffset.UTC));
            CdrWindow window = aheadLeader.pollWindow("demo");
            CdrWindow.pageRead(window, Map.of("cursor", "c", "CallList", List.of()));
            aheadLeader.windowDone(window);
            aheadLeader.finished("demo");

            assertThat(new CdrState(second).checkpoint("demo")).as("not in the future of the database's clock").get()
                    .matches(checkpoint -> !checkpoint.isAfter(Instant.now().minus(settings.lag())), "at most the database's now less the lag");

            // a sweep it ran, timed by its own clock, is not taken for one that a clock set back since left in the future
            CdrWindow sweep = aheadLeader.settleWindow("demo");
            CdrWindow.pageRead(sweep, Map.of("cursor", "c", "CallList", List.of()));
            aheadLeader.settleDone(sweep);
            aheadLeader.settleFinished("demo");
            assertThat(aheadLeader.settleDue()).as("swept just now, not due at every poll").doesNotContain("demo");

            // the leader dies; a replica whose clock is right takes over a moment later
            CdrSync next = new CdrSync(CdrTestRecords.DEMO, new CdrState(second), settings, false, Clock.fixed(now.plusSeconds(2), ZoneOffset.UTC));
            CdrWindow taken = next.pollWindow("demo");
            assertThat(taken).as("the next leader polls at once, not once its clock reaches the checkpoint").isNotNull();
            LocalDateTime callThatBeganNow = LocalDateTime.ofInstant(now.minus(settings.lag()), CdrTestRecords.ISTANBUL);
            assertThat(taken.getStart()).as("its window reaches back over the calls that began meanwhile").isBeforeOrEqualTo(callThatBeganNow);

            // a replica whose clock is behind the database's by more than the overlap: the checkpoint is not ahead of the
            // database's clock, so it stays where it is (brought back, the window would read again what was read)
            Instant checkpoint = new CdrState(second).checkpoint("demo").orElseThrow();
            CdrSync behind = new CdrSync(CdrTestRecords.DEMO, new CdrState(first), settings, false, Clock.fixed(now.minus(SKEW), ZoneOffset.UTC));
            assertThat(behind.pollWindow("demo")).as("a clock behind only delays").isNull();
            assertThat(new CdrState(second).checkpoint("demo")).contains(checkpoint);
        }
    }
}
