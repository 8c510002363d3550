package ccs.connector.crm;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;

import ccs.connector.event.CloudEvent;
import ccs.connector.state.Database;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A dead letter being replayed: the dedupe store forgets its event under its key and under what earlier versions kept. */
class DeliveredEventsForgetTest {

    @TempDir
    Path dir;

    @Test
    void aReplayedRecordIsForgottenUnderItsKeyAndItsBareIdOfAnEarlierVersion() throws Exception {
        try (Database database = Database.h2(dir)) {
            DeliveredEvents delivered = new DeliveredEvents(database);
            CloudEvent record = CloudEvent.parse(new ObjectMapper().readTree("{\"id\": \"demo:ccs.cdr:ahRzfm1\", \"type\": \"ccs.cdr\", "
                    + "\"data\": {\"raw\": {\"callid\": \"ahRzfm1\", \"calldate\": \"2026-11-04 09:00:00\"}}}"));
            delivered.add(record.getDedupeKey());
            database.update("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, ?)",
                    DeliveredEvents.BY_ID, record.getId(), Timestamp.from(Instant.now()));

            assertThat(delivered.forget(record)).isTrue();

            assertThat(delivered.contains(record.getDedupeKey())).isFalse();
            assertThat(database.update("DELETE FROM CAMEL_MESSAGEPROCESSED WHERE messageId = ?", record.getId())).as("the bare id").isZero();
            assertThat(delivered.forget(record)).as("nothing left to forget").isFalse();
        }
    }
}
