package ccs.connector.crm;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import ccs.connector.state.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The dedupe store's bound (crm.dedupe.max-keys): the oldest keys go, never those a settle sweep still needs. */
class DedupeStoreBoundTest {

    @TempDir
    Path dir;

    @Test
    void beyondItsBoundTheStoreForgetsTheOldestKeysButNoneDeliveredWithinTheSettleWindow() throws Exception {
        try (Database database = Database.h2(dir)) {
            DeliveredEvents delivered = new DeliveredEvents(database);
            List<String> lastWeek = keys("last-week", 30);
            List<String> lastHour = keys("last-hour", 30);
            List<String> backfill = keys("backfill", 100);
            lastWeek.forEach(delivered::add);
            deliveredAgo(database, "last-week", Duration.ofDays(6));
            lastHour.forEach(delivered::add);
            deliveredAgo(database, "last-hour", Duration.ofHours(1));
            // a backfill delivers more keys in minutes than the bound holds
            backfill.forEach(delivered::add);

            assertThat(delivered.forgetBeyond(50, "4h")).isEqualTo(30);

            assertThat(lastWeek).noneMatch(delivered::contains);
            assertThat(lastHour).as("the settle sweep reads their records again").allMatch(delivered::contains);
            assertThat(backfill).allMatch(delivered::contains);
        }
    }

    private static List<String> keys(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    private static void deliveredAgo(Database database, String prefix, Duration ago) {
        database.update("UPDATE CAMEL_MESSAGEPROCESSED SET createdAt = ? WHERE messageId LIKE ?", Timestamp.from(Instant.now().minus(ago)),
                prefix + "-%");
    }
}
