package ccs.connector.cdr;

import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.ISTANBUL;
import static ccs.connector.cdr.CdrTestRecords.eventFile;
import static ccs.connector.cdr.CdrTestRecords.wallClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The poller's timer with two tenants, one of them on a Call Center Studio that takes minutes to answer a CDR page (a
 * real HTTP server): the other tenant's polls go on meanwhile, and the slow tenant's own runs are skipped, not stacked.
 */
class CdrPollTenantsTest extends ConnectorTestSupport {

    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer slowPlatform;

    @Override
    protected void settings(Properties settings) {
        slowPlatform = slowTenant(settings, "{\"success\": true, \"CallList\": []}");
        settings.setProperty("ccs.tenants", "demo,slow");
        settings.setProperty("ccs.simulator.records", "0");
        settings.setProperty("ccs.cdr.enabled", "true");
        settings.setProperty("ccs.cdr.interval", "200ms");
        settings.setProperty("ccs.cdr.lag", "1s");
        settings.setProperty("ccs.cdr.overlap", "5m");
        settings.setProperty("ccs.cdr.start", LocalDateTime.now(ISTANBUL).minusHours(1).withNano(0).toString());
    }

    /** Before the connector stops: its slow poll then ends at once instead of holding the shutdown. */
    @AfterAll
    void stopTheSlowPlatform() {
        slowPlatform.close();
    }

    @Test
    void aTenantWhoseCdrPageIsSlowDoesNotHoldTheOtherTenantsPolls() {
        await().atMost(Duration.ofSeconds(60)).until(() -> !cdrPagesAsked().isEmpty());

        // inside the overlap of the polls to come
        List<String> keys = simulator().generateCdrs(5, wallClock(Duration.ofMinutes(4)), wallClock(Duration.ofSeconds(30)));

        await().atMost(Duration.ofSeconds(60)).until(() -> keys.stream().allMatch(key -> Files.exists(eventFile(dataDir, key))));
        assertThat(cdrPagesAsked()).as("the slow tenant's next polls are skipped while its first lasts").hasSize(1);
    }

    private List<RecordingHttpServer.Received> cdrPagesAsked() {
        return slowPlatform.received().stream().filter(request -> request.query() != null && request.query().contains("reportsCDRLogs")).toList();
    }
}
