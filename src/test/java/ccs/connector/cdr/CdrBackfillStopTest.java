package ccs.connector.cdr;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;

import ccs.connector.simulator.CcsSimulator;
import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.ISTANBUL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connector told to stop (a SIGTERM: a rolling update, a restart) while a CDR backfill runs: the run ends after the
 * window it reads, as a replica that loses the lead ends it, and the backfill goes on from there at the next start.
 * It went on asking Call Center Studio for window after window until the shutdown timeout forced every route off,
 * deliveries and requests in flight included.
 */
class CdrBackfillStopTest extends ConnectorTestSupport {

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("ccs.simulator.records", "0");
        settings.setProperty("ccs.cdr.backfill.window", "1h");
    }

    @Test
    void aStopEndsTheBackfillAfterItsWindowInsteadOfAtTheShutdownTimeout() throws Exception {
        CcsSimulator simulator = simulator();
        // ten days of hourly windows, each answered after 300 ms: a run of over a minute
        simulator.inject(Fault.delay("reportsCDRLogs", 300, 100_000));
        LocalDate to = LocalDate.now(ISTANBUL).minusDays(2);
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/cdr/backfill"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\": \"" + to.minusDays(9) + "\", \"to\": \"" + to + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> simulator.requests("reportsCDRLogs").size() >= 2);

        int askedBeforeTheStop = simulator.requests("reportsCDRLogs").size();
        context.stop();

        assertThat(context.getShutdownStrategy().hasTimeoutOccurred()).as("the stop waited for the backfill until its timeout").isFalse();
        // the window under way, and at most the next one, whose request may have left as the stop began
        assertThat(simulator.requests("reportsCDRLogs").size() - askedBeforeTheStop).isLessThanOrEqualTo(2);
    }
}
