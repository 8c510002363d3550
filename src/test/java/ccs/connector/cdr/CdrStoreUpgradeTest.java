package ccs.connector.cdr;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import ccs.connector.state.Database;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.wallClock;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connector upgraded on the store of a version that recorded delivered events by their bare ids (processor
 * name {@code crm-delivery}), before the keys of CDR records began with their calldate: a record that version
 * delivered, read again by the next poll's overlap, is not sent to the CRM again.
 */
class CdrStoreUpgradeTest extends CdrPollingTestSupport {

    private static final String DELIVERED_BEFORE = "ahRzfmUPGRADE1";

    @Override
    protected void settings(Properties settings) {
        super.settings(settings);
        // the store as that version left it: written and closed before this connector starts
        try (Database store = Database.h2(dataDir)) {
            store.update("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, LOCALTIMESTAMP)",
                    "crm-delivery", "demo:ccs.cdr:" + DELIVERED_BEFORE);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRecordTheVersionBeforeDeliveredIsNotSentAgain() {
        simulator().addCdr(Map.of("callid", DELIVERED_BEFORE, "calldate", CdrTestRecords.WIRE.format(wallClock(Duration.ofMinutes(3)))));
        String marker = simulator().generateCdrs(1, wallClock(Duration.ofMinutes(2)), wallClock(Duration.ofSeconds(90))).get(0);
        String later = simulator().generateCdrs(1, wallClock(Duration.ofSeconds(50)), wallClock(Duration.ofSeconds(40))).get(0);

        poll();

        delivered(crm, "demo:ccs.cdr:" + marker);
        delivered(crm, "demo:ccs.cdr:" + later);
        assertThat(requestsFor(crm, "demo:ccs.cdr:" + DELIVERED_BEFORE)).isEmpty();
    }
}
