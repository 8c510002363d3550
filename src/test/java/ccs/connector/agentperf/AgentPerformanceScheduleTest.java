package ccs.connector.agentperf;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.ccs.UpstreamException;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Secrets;
import ccs.connector.event.CloudEvent;
import ccs.connector.event.Events;
import ccs.connector.simulator.SimulatorSettings;
import ccs.connector.state.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static ccs.connector.agentperf.AgentPerformanceState.BACKFILL;
import static ccs.connector.agentperf.AgentPerformanceState.DAILY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which day the daily run of a tenant sends when, with its checkpoint in a real state store (H2); how an answer's rows are found. */
class AgentPerformanceScheduleTest {

    private static final ZoneId ISTANBUL = ZoneId.of("Europe/Istanbul");
    private final Tenants tenants = new Tenants(List.of(new Tenant("demo", "http://127.0.0.1/api/", "t", ISTANBUL),
            new Tenant("quiet", "http://127.0.0.1/api/", "t", ISTANBUL)), "demo");

    @TempDir
    Path dir;
    private Database database;

    @BeforeEach
    void open() {
        database = Database.h2(dir);
    }

    @AfterEach
    void close() throws Exception {
        database.close();
    }

    /** The bean as it stands at this wall-clock time in Istanbul; demo's run is at 01:00, quiet has none. */
    private AgentPerformance at(String wallClock) {
        Clock clock = Clock.fixed(LocalDateTime.parse(wallClock).atZone(ISTANBUL).toInstant(), ISTANBUL);
        return new AgentPerformance(tenants, new AgentPerformanceState(database), new Events(tenants, new Events.IvrWire(SimulatorSettings.GUIDE_IVR_NAMES, SimulatorSettings.GUIDE_IVR_END_EVENTS), Map.of(),
                new Secrets(List.of())), Map.of("demo", LocalTime.of(1, 0)), 3, 31, Duration.ofMinutes(5), Duration.ofSeconds(60), clock);
    }

    @Test
    void theFirstRunSendsThePreviousDayOnceItsTimeOfDayHasPassed() {
        assertThat(at("2026-11-10T00:30:00").next("demo", DAILY)).as("before 01:00 the day before yesterday is the latest due")
                .isEqualTo(LocalDate.parse("2026-11-08"));
        AgentPerformance later = at("2026-11-10T01:30:00");
        assertThat(later.next("demo", DAILY)).isEqualTo(LocalDate.parse("2026-11-09"));
        later.dayDone("demo", DAILY, LocalDate.parse("2026-11-09"), 3);
        assertThat(later.next("demo", DAILY)).isNull();
        assertThat(at("2026-11-11T00:59:00").next("demo", DAILY)).isNull();
        assertThat(at("2026-11-11T01:00:00").pending()).containsExactly(new AgentPerformance.Job("demo", DAILY));
        assertThat(at("2026-11-11T01:00:00").next("quiet", DAILY)).as("no time of day, no daily run").isNull();
    }

    @Test
    void missedDaysAreCaughtUpOneByOneUpToCatchUpDaysAndAFailedDayStaysNext() {
        at("2026-11-02T02:00:00").dayDone("demo", DAILY, LocalDate.parse("2026-11-01"), 3);
        AgentPerformance back = at("2026-11-09T02:00:00");

        assertThat(back.next("demo", DAILY)).as("3 catch-up days: 11-06 to 11-08").isEqualTo(LocalDate.parse("2026-11-06"));
        back.failed("demo", DAILY, LocalDate.parse("2026-11-06"), new IllegalStateException("down"));
        assertThat(at("2026-11-09T02:04:00").next("demo", DAILY)).as("ccs.agent-performance.retry not yet over").isNull();
        assertThat(at("2026-11-09T02:05:01").next("demo", DAILY)).isEqualTo(LocalDate.parse("2026-11-06"));
        back.dayDone("demo", DAILY, LocalDate.parse("2026-11-06"), 3);
        back.dayDone("demo", DAILY, LocalDate.parse("2026-11-06"), 3);
        assertThat(back.next("demo", DAILY)).as("a day done twice counts once").isEqualTo(LocalDate.parse("2026-11-07"));
        back.dayDone("demo", DAILY, LocalDate.parse("2026-11-07"), 3);
        back.dayDone("demo", DAILY, LocalDate.parse("2026-11-08"), 3);
        assertThat(back.next("demo", DAILY)).isNull();
    }

    @Test
    void aBackfillSendsItsDaysOneByOneAndASecondWaitsForTheFirst() {
        AgentPerformance now = at("2026-11-09T02:00:00");
        now.startBackfill(null, "2026-11-03", "2026-11-04");
        assertThatThrownBy(() -> now.startBackfill("demo", "2026-11-01", "2026-11-01")).hasMessageContaining("under way");

        assertThat(now.next("demo", BACKFILL)).isEqualTo(LocalDate.parse("2026-11-03"));
        now.dayDone("demo", BACKFILL, LocalDate.parse("2026-11-03"), 3);
        now.dayDone("demo", BACKFILL, LocalDate.parse("2026-11-04"), 2);

        assertThat(now.next("demo", BACKFILL)).isNull();
        assertThat(now.report("demo").get("backfills")).asList().first().asString().contains("state=done", "daysDone=2", "events=5");
        assertThat(now.startBackfill("demo", "2026-11-01", "2026-11-01")).containsEntry("days", 1L);
    }

    @Test
    void aTimeOfDayIsHHmmEmptyOrOffAndAnythingElseStopsStartupNamingTheKey() {
        String key = "ccs.tenant.demo.agent-performance.time";
        assertThat(AgentPerformanceConfiguration.timeOfDay(key, Optional.of("01:30"))).contains(LocalTime.of(1, 30));
        assertThat(AgentPerformanceConfiguration.timeOfDay(key, Optional.of("OFF"))).isEmpty();
        assertThat(AgentPerformanceConfiguration.timeOfDay(key, Optional.empty())).isEmpty();
        assertThatThrownBy(() -> AgentPerformanceConfiguration.timeOfDay(key, Optional.of("1.30am")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining(key).hasMessageContaining("01:30");
    }

    @Test
    void theRowsAreTheFirstListOfObjectsWhateverItsNameAndAnAnswerWithoutThemIsAnUpstreamFault() {
        AgentPerformance now = at("2026-11-09T02:00:00");
        LocalDate day = LocalDate.parse("2026-11-08");
        Map<String, Object> answer = Map.of("status", "ok", "Data", List.of(Map.of("email", "a@x", "calls", 1), Map.of("email", "b@x", "calls", 2),
                Map.of("email", "a@x", "calls", 3), Map.of("calls", 4)));

        assertThat(now.events("demo", day, answer)).extracting(CloudEvent::getSubject).containsExactly("a@x", "b@x");
        Map<String, Object> emptyListFirst = new LinkedHashMap<>();
        emptyListFirst.put("Teams", List.of());
        emptyListFirst.put("AgentPerfList", List.of(Map.of("email", "a@x", "inbound_calls", 41)));
        assertThat(now.events("demo", day, emptyListFirst)).as("an empty list ahead of the rows").extracting(CloudEvent::getSubject).containsExactly("a@x");
        assertThat(now.events("demo", day, Map.of("success", true))).as("a day without figures").isEmpty();
        assertThatThrownBy(() -> now.events("demo", day, Map.of("success", false, "message", "Unknown function")))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("Unknown function");
        assertThatThrownBy(() -> now.events("demo", day, Map.of("result", "none"))).isInstanceOf(UpstreamException.class);
    }
}
