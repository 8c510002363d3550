package ccs.connector.health;

import java.time.Duration;
import java.util.Properties;

import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CRM's state is probed apart from Call Center Studio's: a platform that hangs every ping for
 * ccs.api.interactive-timeout held back the CRM's probe behind each of them, and with several tenants a CRM gone
 * down showed up for minutes.
 */
class ProbesApartTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.health.cache", "1s");
        settings.setProperty("ccs.api.interactive-timeout", "8s");
    }

    @Test
    void aCrmGoneDownShowsWhileThePlatformStillHangsItsPing() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> metrics().contains("ccs_upstream_up{tenant=\"demo\"} 1.0")
                && metrics().contains("crm_sink_up 1.0"));
        simulator().inject(Fault.hold("ping", 120_000, 1000));
        try {
            int pings = simulator().requests("ping").size();
            await().atMost(Duration.ofSeconds(60)).until(() -> simulator().requests("ping").size() > pings);

            crm.close();
            await().atMost(Duration.ofSeconds(60)).until(() -> metrics().contains("crm_sink_up 0.0"));
            // the held ping has not ended yet (it would be a platform down): the CRM's probe did not wait for it
            assertThat(metrics()).contains("ccs_upstream_up{tenant=\"demo\"} 1.0");
        } finally {
            simulator().releaseHeld();
        }
    }

    private String metrics() throws Exception {
        return get("/observe/metrics").body();
    }
}
