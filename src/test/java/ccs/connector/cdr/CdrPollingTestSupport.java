package ccs.connector.cdr;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A connector whose CDR poller reads the embedded simulator's records (none to begin with) into a real
 * local REST CRM, polled on demand through direct:cdr-poll: before each test the simulator holds no
 * record, the CRM has received nothing, and the checkpoint stands a minute back, so that a test's first poll reads its
 * records of the last minutes (ccs.cdr.overlap) at any time of day, never from the start of the tenant's day.
 */
abstract class CdrPollingTestSupport extends ConnectorTestSupport {

    protected static final Duration PATIENCE = Duration.ofSeconds(60);
    protected RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("ccs.simulator.records", "0");
        settings.setProperty("ccs.cdr.lag", "1s");
        settings.setProperty("ccs.cdr.overlap", "5m");
    }

    @BeforeAll
    void captureLogs() {
        LogCapture.install();
    }

    @BeforeEach
    void freshUpstreamAndCrm() throws Exception {
        simulator().clearCdrs();
        crm.reset();
        // in the state store, where the polls read it (a checkpoint file is taken over only at startup); set back as an
        // operator does, from where the polls of the test before left it
        stateStore().merge("CDR_CHECKPOINT", List.of("tenant"), List.of("tenant", "read_up_to_ms"), "demo",
                Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS).toEpochMilli());
    }

    protected void poll() {
        template.sendBody("direct:cdr-poll", null);
    }
}
