package ccs.connector.crm;

import java.sql.Connection;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import ccs.connector.ConnectorConfiguration;
import ccs.connector.event.CloudEvent;
import ccs.connector.state.Database;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import org.h2.api.Trigger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dedupe store briefly away when delivery records the ids it delivered: the record is tried again
 * (crm.retry.*), so the CRM gets the event once, not again from the outbox's redelivery.
 */
class DedupeStoreOutageTest extends ConnectorTestSupport {

    /** How many more inserts into the dedupe table fail, as while the database is away. */
    private static final AtomicInteger FAILING_INSERTS = new AtomicInteger();

    private RecordingHttpServer crm;

    /** An H2 trigger on the real dedupe table: fails an insert while FAILING_INSERTS lasts. */
    public static final class FailingInsert implements Trigger {

        @Override
        public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws java.sql.SQLException {
            if (FAILING_INSERTS.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new java.sql.SQLTransientConnectionException("the database is away (test)");
            }
        }
    }

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("crm.retry.max-retries", "3");
        settings.setProperty("crm.retry.initial-delay", "100ms");
        settings.setProperty("crm.retry.max-delay", "1s");
    }

    @AfterEach
    void databaseBack() {
        FAILING_INSERTS.set(0);
        store().update("DROP TRIGGER IF EXISTS FAIL_DEDUPE_RECORD");
    }

    @Test
    void aDeliveredEventIsRecordedOnceTheStoreIsBackAndNotSentAgain() {
        store().update("CREATE TRIGGER FAIL_DEDUPE_RECORD BEFORE INSERT ON CAMEL_MESSAGEPROCESSED FOR EACH ROW CALL '"
                + FailingInsert.class.getName() + "'");
        FAILING_INSERTS.set(2);
        CloudEvent event = hangupEvent("dedupe-away-1");

        publish(event);

        delivered(crm, event.getId());
        await().atMost(Duration.ofSeconds(30)).until(() -> recorded(event.getId()));
        assertThat(FAILING_INSERTS.get()).isZero();
        // the outbox's redelivery (a second after a failed message) would have come by now
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(requestsFor(crm, event.getId())).hasSize(1));
    }

    private boolean recorded(String eventId) {
        return store().one("SELECT 1 FROM CAMEL_MESSAGEPROCESSED WHERE messageId = ?", row -> true, eventId).isPresent();
    }

    private Database store() {
        return context.getRegistry().lookupByNameAndType(ConnectorConfiguration.STATE_STORE, Database.class);
    }
}
