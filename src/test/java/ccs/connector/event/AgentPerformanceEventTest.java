package ccs.connector.event;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.Secrets;
import ccs.connector.simulator.SimulatorSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A row of reportsAgentPerf, whose shape is not published, read tolerantly into a ccs.agent.performance event. */
class AgentPerformanceEventTest {

    private final Tenants tenants = new Tenants(List.of(new Tenant("demo", "http://127.0.0.1/api/", "t", ZoneId.of("Europe/Istanbul"))), "demo");
    private final Events events = new Events(tenants, new Events.IvrWire(SimulatorSettings.GUIDE_IVR_NAMES, SimulatorSettings.GUIDE_IVR_END_EVENTS), Map.of(), new Secrets(List.of("app-token-value")));

    @Test
    void theAgentByEmailTheFiguresAsNumbersAndTheRowAsRaw() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("agent", "ahRzfm11a5c3e");
        row.put("Email", "ayse@demo.example");
        row.put("team_name", "Sales");
        row.put("startdate", "2026-11-02");
        row.put("inbound_calls", 12);
        row.put("AnsweredCalls", "10");
        row.put("avg-talk-duration", "00:02:05");
        row.put("login_duration", "8:00:01");
        row.put("occupancy", "87.5");
        row.put("agentcustomid", "4711");
        row.put("name", "Ayşe Yılmaz");
        row.put("note", "app-token-value");

        CloudEvent event = events.agentPerformance("demo", LocalDate.parse("2026-11-02"), row);

        assertThat(event.getId()).isEqualTo("demo:ccs.agent.performance:ayse@demo.example:2026-11-02");
        assertThat(event.getSubject()).isEqualTo("ayse@demo.example");
        assertThat(event.getTime()).hasToString("2026-11-02T21:00:00Z");
        assertThat(event.getData()).containsEntry("agent", "ayse@demo.example").containsEntry("date", "2026-11-02").containsEntry("team", "Sales");
        assertThat(event.getData().get("figures")).isEqualTo(Map.of("inboundCalls", 12, "answeredCalls", 10L, "avgTalkDuration", 125L,
                "loginDuration", 28801L, "occupancy", new java.math.BigDecimal("87.5")));
        assertThat(event.toJson()).contains("\"agentcustomid\":\"4711\"").doesNotContain("app-token-value");
    }

    @Test
    void anAgentNamedOnlyByIdIsKnownByItAndARowWithoutAnyIsRefused() {
        CloudEvent byId = events.agentPerformance(null, LocalDate.parse("2026-11-02"), Map.of("agent", "ahRzfm11a", "calls", 3));
        assertThat(byId.getId()).isEqualTo("demo:ccs.agent.performance:ahRzfm11a:2026-11-02");
        assertThat(byId.getData().get("team")).isNull();

        assertThatThrownBy(() -> events.agentPerformance(null, LocalDate.parse("2026-11-02"), Map.of("calls", 3)))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("names its agent");
    }
}
