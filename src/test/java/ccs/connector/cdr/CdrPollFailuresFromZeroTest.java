package ccs.connector.cdr;

import ccs.connector.simulator.Fault;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A tenant's failed CDR polls and records that could not be read are on /observe/metrics at 0 from its first poll: a series that first appears at 1 (the
 * first failure after a restart) is no increase to Prometheus, and an alert on it never fires.
 */
class CdrPollFailuresFromZeroTest extends CdrPollingTestSupport {

    @Test
    void aTenantsFailedPollsAreCountedFromZero() {
        poll();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                .containsPattern("ccs_cdr_poll_failures_total\\{.*tenant=\"demo\".*} 0\\.0")
                .containsPattern("ccs_cdr_invalid_records_total\\{.*tenant=\"demo\".*} 0\\.0"));

        // a poll while the one before still reads is skipped: poll until one has met the failure
        simulator().inject(Fault.status("reportsCDRLogs", 500, 1));
        await().atMost(PATIENCE).untilAsserted(() -> {
            poll();
            assertThat(get("/observe/metrics").body()).containsPattern("ccs_cdr_poll_failures_total\\{.*tenant=\"demo\".*} 1\\.0");
        });
    }
}
