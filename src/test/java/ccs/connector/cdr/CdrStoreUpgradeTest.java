package ccs.connector.cdr;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.wallClock;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connector upgraded on the store of earlier versions: one that recorded delivered events by their bare ids
 * (processor name {@code crm-delivery}), and one that recorded CDR records by calldate and id (processor name
 * {@code crm-delivered}). A record either delivered, read again by the next poll's overlap, is not sent to the CRM
 * again.
 */
class CdrStoreUpgradeTest extends CdrPollingTestSupport {

    private static final String DELIVERED_BEFORE = "ahRzfmUPGRADE1";
    private static final String DELIVERED_BY_CALLDATE = "ahRzfmUPGRADE2";
    /** The calldate of that record, as the platform wrote it and that version recorded it (set with the store). */
    private String calldate;

    @Override
    protected void settings(Properties settings) {
        super.settings(settings);
        calldate = CdrTestRecords.WIRE.format(wallClock(Duration.ofMinutes(3)));
        recordedByAnEarlierVersion("crm-delivery", "demo:ccs.cdr:" + DELIVERED_BEFORE);
        recordedByAnEarlierVersion("crm-delivered", calldate + "|demo:ccs.cdr:" + DELIVERED_BY_CALLDATE);
    }

    @Test
    void aRecordAVersionBeforeDeliveredIsNotSentAgain() {
        simulator().addCdr(Map.of("callid", DELIVERED_BEFORE, "calldate", calldate));
        simulator().addCdr(Map.of("callid", DELIVERED_BY_CALLDATE, "calldate", calldate));
        String marker = simulator().generateCdrs(1, wallClock(Duration.ofMinutes(2)), wallClock(Duration.ofSeconds(90))).get(0);
        String later = simulator().generateCdrs(1, wallClock(Duration.ofSeconds(50)), wallClock(Duration.ofSeconds(40))).get(0);

        poll();

        delivered(crm, "demo:ccs.cdr:" + marker);
        delivered(crm, "demo:ccs.cdr:" + later);
        assertThat(requestsFor(crm, "demo:ccs.cdr:" + DELIVERED_BEFORE)).isEmpty();
        assertThat(requestsFor(crm, "demo:ccs.cdr:" + DELIVERED_BY_CALLDATE)).isEmpty();
    }
}
