package ccs.connector.cdr;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.ISTANBUL;
import static ccs.connector.cdr.CdrTestRecords.WIRE;
import static ccs.connector.cdr.CdrTestRecords.deliveries;
import static ccs.connector.cdr.CdrTestRecords.eventIds;
import static ccs.connector.cdr.CdrTestRecords.wallClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CDR poller on its timer (ccs.cdr.interval 200ms) delivering to a REST CRM sink, where every
 * delivery of an event is seen as a POST with the event id as Idempotency-Key; the settle sweep on its timer
 * (ccs.cdr.settle-interval as shipped, 10m) is not due within the test.
 */
class CdrPollTimerTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        try {
            crm = new RecordingHttpServer();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        settings.setProperty("ccs.simulator.records", "0");
        settings.setProperty("ccs.cdr.enabled", "true");
        settings.setProperty("ccs.cdr.interval", "200ms");
        settings.setProperty("ccs.cdr.lag", "1s");
        settings.setProperty("ccs.cdr.overlap", "5m");
        settings.setProperty("ccs.cdr.backoff-max", "1s");
        settings.setProperty("ccs.cdr.start", LocalDateTime.now(ISTANBUL).minusHours(1).withNano(0).toString());
        settings.setProperty("crm.sink", "rest");
        settings.setProperty("crm.rest.url", crm.url("/events"));
    }

    @BeforeAll
    void captureLogs() {
        LogCapture.install();
    }

    /** Gauge ccs_cdr_lag_seconds of the tenant; NaN before it was read. */
    private double lagGauge() throws Exception {
        Matcher gauge = Pattern.compile("ccs_cdr_lag_seconds\\{tenant=\"demo\"} (\\S+)").matcher(get("/observe/metrics").body());
        return gauge.find() ? Double.parseDouble(gauge.group(1)) : Double.NaN;
    }

    @AfterAll
    void stopCrm() {
        crm.close();
    }

    @Test
    void aLateRecordInsideTheOverlapIsDeliveredOnceThoughManyPollsReadIt() throws Exception {
        List<String> keys = simulator().generateCdrs(30, wallClock(Duration.ofMinutes(50)), wallClock(Duration.ofMinutes(10)));
        await().atMost(PATIENCE).until(() -> deliveries(crm).keySet().containsAll(eventIds(keys)));

        // a call that started two minutes ago, before the checkpoint, shows up only now
        String late = "ahRzfmLateRecord";
        simulator().addCdr(Map.of("callid", late, "calldate", WIRE.format(wallClock(Duration.ofMinutes(2))),
                "hangupdate", WIRE.format(wallClock(Duration.ofSeconds(30))), "inbound", true));
        await().atMost(PATIENCE).until(() -> deliveries(crm).containsKey("demo:ccs.cdr:" + late));

        // many more polls read the same records again through the overlap
        int requestsNow = simulator().requests("reportsCDRLogs").size();
        await().atMost(PATIENCE).until(() -> simulator().requests("reportsCDRLogs").size() >= requestsNow + 10);
        assertThat(simulator().requests("reportsCDRLogs").get(requestsNow).params().get("startdate"))
                .isLessThan(WIRE.format(wallClock(Duration.ofMinutes(2))));
        Map<String, Long> deliveries = deliveries(crm);
        assertThat(deliveries.get("demo:ccs.cdr:" + late)).isEqualTo(1);
        assertThat(eventIds(keys)).allSatisfy(id -> assertThat(deliveries.get(id)).as(id).isEqualTo(1));
        // the first checkpoint is minutes old: the settle sweep, due ccs.cdr.settle-interval after it, has not read the
        // records of the first polls again
        assertThat(get("/api/v1/status").body()).contains("\"lastPoll\"").doesNotContain("lastSettle");
    }

    @Test
    void afterUpstreamFaultsThePollerBacksOffAndCatchesUp() throws Exception {
        int logBefore = LogCapture.text().length();
        simulator().inject(Fault.status("reportsCDRLogs", 500, 4));
        // inside the overlap of the polls to come, whichever test ran first
        List<String> keys = simulator().generateCdrs(120, wallClock(Duration.ofMinutes(4)), wallClock(Duration.ofSeconds(30)));

        await().atMost(PATIENCE).until(() -> deliveries(crm).keySet().containsAll(eventIds(keys)));

        assertThat(LogCapture.text().substring(logBefore)).contains("CDR poll of tenant demo failed after 0 records in the outbox (Call Center Studio tenant demo answered HTTP 500)")
                .contains("4 failures in a row");
        String metrics = get("/observe/metrics").body();
        assertThat(metrics).containsPattern("ccs_cdr_poll_failures_total\\{[^}]*tenant=\"demo\"} 4\\.0");
        // the checkpoint follows now, as read every connector.health.cache (never at a scrape)
        await().atMost(PATIENCE).until(() -> lagGauge() < 300);
        assertThat(eventIds(keys)).allSatisfy(id -> assertThat(deliveries(crm).get(id)).as(id).isEqualTo(1));
    }
}
