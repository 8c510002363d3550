package ccs.connector.cdr;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Properties;

import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.ISTANBUL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A CDR page that Call Center Studio refuses in its answer (no CallList, {@code "success": false}) is told in the
 * connector's words in the poll's WARN line and on the status page's {@code lastPoll.problem}, not wrapped in Camel's
 * ("Failed to invoke method: pageRead(${variable.cdrWindow}, ${body}) on null due to: ccs.connector.ccs.UpstreamException: ...").
 * So is a tenant's first poll failing, before it has a checkpoint (a real HTTP server answering 503): it read "checkpoint at null".
 */
class CdrPollFailureWordsTest extends ConnectorTestSupport {

    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer downPlatform;

    @Override
    protected void settings(Properties settings) {
        downPlatform = tenantPlatform(settings, "down", RecordingHttpServer.Answer.status(503));
        realTenantSecrets(settings);
        settings.setProperty("ccs.tenants", "demo,down");
        settings.setProperty("ccs.simulator.records", "0");
        settings.setProperty("ccs.cdr.enabled", "true");
        settings.setProperty("ccs.cdr.interval", "200ms");
        settings.setProperty("ccs.cdr.lag", "1s");
        settings.setProperty("ccs.cdr.backoff-max", "1s");
        settings.setProperty("ccs.cdr.start", LocalDateTime.now(ISTANBUL).minusHours(1).withNano(0).toString());
    }

    @BeforeAll
    void captureLogs() {
        LogCapture.install();
    }

    @AfterAll
    void stopTheDownPlatform() {
        downPlatform.close();
    }

    @Test
    void aPageWithoutItsRecordsIsToldInTheConnectorsWords() {
        simulator().inject(new Fault("reportsCDRLogs", "success-only", 200, 0, 0, 1, "startdate"));

        String told = "Call Center Studio tenant demo answered reportsCDRLogs without a CallList";
        await().atMost(Duration.ofSeconds(60)).until(() -> LogCapture.text().contains(told));
        assertThat(LogCapture.text()).contains("CDR poll of tenant demo failed after 0 records in the outbox (" + told + ")")
                .doesNotContain("Failed to invoke method");
    }

    @Test
    void aFirstPollThatFailsSaysTheTenantHasNoCheckpointYet() {
        String failed = "CDR poll of tenant down failed after 0 records in the outbox (Call Center Studio tenant down answered HTTP 503)";
        await().atMost(Duration.ofSeconds(60)).until(() -> LogCapture.text().contains(failed));
        assertThat(LogCapture.text().lines().filter(line -> line.contains(failed))).first().asString()
                .contains(failed + "; no checkpoint yet, the first window reads from ").doesNotContain("null");
    }
}
