package ccs.connector.cdr;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import ccs.connector.ccs.Tenant;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Settings;
import org.apache.camel.util.TimeUtils;

/**
 * The {@code ccs.cdr.*} settings, read and checked once at startup.
 *
 * @param interval       time between polls ({@code ccs.cdr.interval})
 * @param start          first window start when a tenant has no checkpoint, tenant wall clock; empty = start of the day of its first poll
 * @param overlap        how far each poll window reaches back before the checkpoint
 * @param lag            how far behind now a poll window ends, so records still being written are left for the next poll
 * @param pageCap        the most pages one run of a window reads
 * @param ascending      ask for records oldest first ({@code ccs.cdr.sorting=asc})
 * @param backoffMax     the longest pause of polling after upstream failures
 * @param backfillWindow the size of each backfill window
 * @param settleInterval time between settle sweeps ({@code ccs.cdr.settle-interval})
 * @param settleWindow   how far behind the checkpoint a settle sweep reads again: the longest call the tenant expects
 * @param dedupeRetention how long the delivery's dedupe remembers a delivered record ({@code crm.dedupe.retention-days}):
 *                       a settle sweep reaches no further back than that
 */
public record CdrSettings(Duration interval, Optional<LocalDateTime> start, Duration overlap, Duration lag, int pageCap,
                          boolean ascending, Duration backoffMax, Duration backfillWindow, Duration settleInterval,
                          Duration settleWindow, Duration dedupeRetention) {

    public static CdrSettings from(Settings settings) {
        Optional<LocalDateTime> start = settings.optional("ccs.cdr.start").map(value -> {
            try {
                return LocalDateTime.parse(value);
            } catch (DateTimeParseException e) {
                throw new InvalidSettingException("ccs.cdr.start", "is '" + value
                        + "': write it like 2026-11-02T00:00:00 (tenant's wall clock), or leave it empty for the start of the day of the first poll");
            }
        });
        String sorting = settings.string("ccs.cdr.sorting", "asc");
        if (!sorting.equals("asc") && !sorting.equals("desc")) {
            throw new InvalidSettingException("ccs.cdr.sorting", "is '" + sorting + "': it must be asc or desc");
        }
        int pageCap = settings.integer("ccs.cdr.page-cap", 1000, 1);
        Duration day = Duration.ofDays(1);
        Duration overlap = settings.duration("ccs.cdr.overlap", Duration.ofMinutes(5), Duration.ZERO, day);
        Duration settleWindow = settings.duration("ccs.cdr.settle-window", Duration.ofHours(4));
        if (settleWindow.compareTo(overlap) <= 0) {
            throw new InvalidSettingException("ccs.cdr.settle-window", "is " + TimeUtils.printDuration(settleWindow.toMillis())
                    + ": it must be longer than ccs.cdr.overlap (" + TimeUtils.printDuration(overlap.toMillis())
                    + "), which every poll reads again anyway: set it to the longest call the tenant expects");
        }
        int dedupeDays = settings.integer("crm.dedupe.retention-days", 7, 1);
        if (settleWindow.compareTo(Duration.ofDays(dedupeDays)) >= 0) {
            throw new InvalidSettingException("ccs.cdr.settle-window", "is " + TimeUtils.printDuration(settleWindow.toMillis())
                    + ": it must be shorter than crm.dedupe.retention-days (" + dedupeDays
                    + " days), or a sweep would deliver records again whose ids the dedupe no longer remembers");
        }
        return new CdrSettings(
                settings.duration("ccs.cdr.interval", Duration.ofSeconds(60), Duration.ofMillis(100), day),
                start,
                overlap,
                settings.duration("ccs.cdr.lag", Duration.ofSeconds(10), Duration.ZERO, Duration.ofHours(1)),
                pageCap,
                sorting.equals("asc"),
                settings.duration("ccs.cdr.backoff-max", Duration.ofMinutes(15), Duration.ofMillis(100), day),
                settings.duration("ccs.cdr.backfill.window", Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(31)),
                settings.duration("ccs.cdr.settle-interval", Duration.ofMinutes(10), Duration.ofMillis(100), settleWindow.minus(overlap)),
                settleWindow,
                Duration.ofDays(dedupeDays));
    }

    /** A window of the tenant to be read page by page. */
    public CdrWindow window(Tenant tenant, LocalDateTime from, LocalDateTime to, String source) {
        return new CdrWindow(tenant.name(), tenant.zone(), from, to, source, ascending, pageCap);
    }
}
