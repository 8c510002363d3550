package ccs.connector.agentperf;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daily run with two tenants, the first on a Call Center Studio that takes minutes to answer {@code reportsAgentPerf}
 * (a real HTTP server): the other tenant's figures reach the CRM meanwhile, and the slow tenant's run is not started again
 * while it lasts.
 */
class AgentPerformanceTenantsTest extends ConnectorTestSupport {

    private static final ZoneId ISTANBUL = ZoneId.of("Europe/Istanbul");

    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer slowPlatform;
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        slowPlatform = slowTenant(settings, "{\"success\": true, \"AgentPerfList\": []}");
        crm = restCrm(settings);
        // the slow tenant first: its run comes before the other's
        settings.setProperty("ccs.tenants", "slow,demo");
        settings.setProperty("ccs.tenant.slow.timezone", ISTANBUL.getId());
        settings.setProperty("ccs.agent-performance.time", "00:00");
        settings.setProperty("ccs.agent-performance.check-interval", "200ms");
    }

    /** Before the connector stops: its slow request then ends at once instead of holding the shutdown. */
    @AfterAll
    void stopTheSlowPlatform() {
        slowPlatform.close();
    }

    @Test
    void aTenantWhoseReportIsSlowDoesNotHoldTheOtherTenantsFigures() {
        LocalDate yesterday = LocalDate.now(ISTANBUL).minusDays(1);

        for (String agent : List.of("ayse.yilmaz@demo.example", "mehmet.kaya@demo.example", "zeynep.demir@demo.example")) {
            assertThat(delivered(crm, "demo:ccs.agent.performance:" + agent + ":" + yesterday).at("/data/date").asText())
                    .isEqualTo(yesterday.toString());
        }
        assertThat(slowPlatform.received().stream().filter(request -> request.query() != null && request.query().contains("reportsAgentPerf")))
                .as("the slow tenant's run is not started again while its first lasts").hasSize(1);
    }
}
