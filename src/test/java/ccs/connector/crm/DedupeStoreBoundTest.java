package ccs.connector.crm;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import ccs.connector.cdr.CdrState;
import ccs.connector.cdr.CdrSync;
import ccs.connector.cdr.CdrTestRecords;
import ccs.connector.state.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dedupe store's bound (crm.dedupe.max-keys): the oldest keys go, never those a settle sweep or a poll still reads again
 * (CdrSync.readAgainFrom, which route crm-dedupe-retention hands to DeliveredEvents.forgetBeyond).
 */
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

            assertThat(delivered.forgetBeyond(50, Instant.now().minus(Duration.ofHours(4)))).isEqualTo(30);

            assertThat(lastWeek).noneMatch(delivered::contains);
            assertThat(lastHour).as("the settle sweep reads their records again").allMatch(delivered::contains);
            assertThat(backfill).allMatch(delivered::contains);
        }
    }

    @Test
    void aKeyDeliveredBeforeTheSettleWindowIsKeptWhileTheNextSweepStillReadsItsRecord() throws Exception {
        try (Database database = Database.h2(dir)) {
            DeliveredEvents delivered = new DeliveredEvents(database);
            CdrState state = new CdrState(database);
            Instant now = Instant.now();
            // polled up to a minute ago; the last sweep read up to 15 minutes ago: the next one reads from 4h15m ago
            state.saveCheckpoint("demo", now.minus(Duration.ofMinutes(1)), now);
            state.saveSettledUpTo("demo", now.minus(Duration.ofMinutes(15)));
            List<String> sweptAgain = keys("swept-again", 30);
            List<String> lastWeek = keys("last-week", 30);
            sweptAgain.forEach(delivered::add);
            deliveredAgo(database, "swept-again", Duration.ofHours(4).plusMinutes(10));
            lastWeek.forEach(delivered::add);
            deliveredAgo(database, "last-week", Duration.ofDays(6));
            keys("backfill", 100).forEach(delivered::add);

            Instant readAgainFrom = new CdrSync(CdrTestRecords.DEMO, state, CdrTestRecords.settings(1000), true, Clock.systemUTC()).readAgainFrom();
            assertThat(delivered.forgetBeyond(50, readAgainFrom)).isEqualTo(30);

            assertThat(sweptAgain).as("the next sweep reads their records again").allMatch(delivered::contains);
            assertThat(lastWeek).noneMatch(delivered::contains);
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
