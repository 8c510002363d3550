package ccs.connector.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator's reportsAgentPerf over its real HTTP interface. */
class AgentFiguresTest {

    private static final String TOKEN = "test-app-token-abcdef";
    private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/Istanbul"));

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private CcsSimulator simulator;

    @BeforeEach
    void start() throws Exception {
        simulator = CcsSimulator.start(new SimulatorSettings().appToken(TOKEN).seedRecords(0));
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void eachAgentsFiguresOfAPeriodAreTheSumOfItsDaysAndTheSameAtEveryRequest() throws Exception {
        LocalDate day = TODAY.minusDays(3);
        JsonNode period = report("&startdate=" + day + "&finishdate=" + day.plusDays(1));
        JsonNode first = report("&startdate=" + day + "&finishdate=" + day);
        JsonNode second = report("&startdate=" + day.plusDays(1) + "&finishdate=" + day.plusDays(1));

        assertThat(period.get("success").asBoolean()).isTrue();
        assertThat(period.get("AgentPerfList")).hasSize(3);
        JsonNode row = period.get("AgentPerfList").get(0);
        assertThat(row.get("email").asText()).isEqualTo("ayse.yilmaz@demo.example");
        assertThat(row.get("inbound_calls").asLong()).isEqualTo(first.at("/AgentPerfList/0/inbound_calls").asLong()
                + second.at("/AgentPerfList/0/inbound_calls").asLong());
        assertThat(row.get("login_duration").asText()).matches("\\d\\d:\\d\\d:\\d\\d");
        assertThat(report("&startdate=" + day + "&finishdate=" + day)).isEqualTo(first);
    }

    @Test
    void filtersTheFutureAndWrongInputAnswerAsThePlatformWould() throws Exception {
        assertThat(report("&startdate=" + TODAY + "&finishdate=" + TODAY + "&email=mehmet.kaya%40demo.example").get("AgentPerfList"))
                .singleElement().satisfies(row -> assertThat(row.get("team").asText()).isEqualTo("Support"));
        assertThat(report("&startdate=" + TODAY + "&finishdate=" + TODAY + "&team=sales").get("AgentPerfList")).hasSize(2);
        assertThat(report("&startdate=" + TODAY.plusDays(1) + "&finishdate=" + TODAY.plusDays(2)).get("AgentPerfList")).isEmpty();
        assertThat(report("&startdate=yesterday").get("success").asBoolean()).isFalse();
        assertThat(api("function=reportsAgentPerf&app_token=wrong").get("message").asText()).isEqualTo("Invalid Application Token");
        assertThat(simulator.requests("reportsAgentPerf")).hasSize(5);
    }

    @Test
    void aFaultAnswersLikeForEveryOtherFunction() throws Exception {
        simulator.inject(Fault.status("reportsAgentPerf", 502, 1));
        HttpResponse<String> failed = http.send(HttpRequest.newBuilder(URI.create(simulator.apiUrl() + "?function=reportsAgentPerf&app_token=" + TOKEN))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(report("").get("success").asBoolean()).isTrue();
    }

    private JsonNode report(String query) throws Exception {
        return api("function=reportsAgentPerf&app_token=" + TOKEN + query);
    }

    private JsonNode api(String query) throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(URI.create(simulator.apiUrl() + "?" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
