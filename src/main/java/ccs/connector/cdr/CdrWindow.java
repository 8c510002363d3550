package ccs.connector.cdr;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ccs.connector.ccs.UpstreamException;
import ccs.connector.event.Events;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One time window of {@code reportsCDRLogs} being read page by page, and the rules that end the
 * paging: a page of fewer than {@value #FULL_PAGE} records is the last (the vendor's rule), an
 * empty page after full ones too (a window of exactly 100, 200, ... records); a cursor seen before
 * (or none at all) and the page cap also stop it, with a warning, so the loop never runs forever.
 * Start and finish are the tenant's wall clock, both inclusive, as the simulator takes them (the vendor does not say;
 * backfill windows share their bounds' seconds, in case the platform does otherwise). Route
 * {@code cdr-window} drives it: {@link #pageParams()} for the next request, {@link #pageRead(CdrWindow, Map)}
 * with each answer, {@link #pagePublished()} once its records are in the outbox, {@link #hasNextPage()}
 * as the loop condition.
 */
public final class CdrWindow {

    private static final Logger LOG = LoggerFactory.getLogger(CdrWindow.class);

    /** The most records Call Center Studio puts in one answer. */
    public static final int FULL_PAGE = 100;

    static final DateTimeFormatter WIRE_TIME = Events.WIRE_TIME;

    /** Why the paging of a window stopped. */
    public enum Stop {
        /** A page of fewer than 100 records: the window is read. */
        LAST_PAGE,
        /** An empty page after full ones: the window is read. */
        EMPTY_PAGE,
        /** A full page whose cursor was seen before, or that has none: the rest cannot be asked for. */
        REPEATED_CURSOR,
        /** The per-run page cap: the rest waits for the next run. */
        PAGE_CAP,
        /** A poll of a replica that no longer leads: the rest is the new leader's, which polls on from the checkpoint. */
        NOT_LEADER
    }

    private final String tenant;
    private final ZoneId zone;
    private final LocalDateTime start;
    private final LocalDateTime finish;
    private final String source;
    private final boolean ascending;
    private final int pageCap;

    private final Set<String> cursorsSeen = new HashSet<>();
    private String cursor;
    private int pages;
    private long records;
    private LocalDateTime latestCallDate;
    /** The call date of the page's last record read, and whether one came before an earlier one's: the order is not to be trusted. */
    private LocalDateTime lastCallDate;
    private boolean unordered;
    /** The latest call date and the records of the pages in the outbox: what a window that fails later got done. */
    private LocalDateTime publishedUpTo;
    private long publishedRecords;
    private Stop stop;

    /**
     * @param source    {@code poll}, {@code settle} or {@code backfill}, for logs and metrics
     * @param ascending records oldest first: a window cut short can then still move the checkpoint
     * @param pageCap   the most pages read in this run of the window
     */
    public CdrWindow(String tenant, ZoneId zone, LocalDateTime start, LocalDateTime finish, String source,
                     boolean ascending, int pageCap) {
        if (finish.isBefore(start)) {
            throw new IllegalArgumentException("a CDR window cannot finish (" + finish + ") before it starts (" + start + ")");
        }
        this.tenant = tenant;
        this.zone = zone;
        this.start = start;
        this.finish = finish;
        this.source = source;
        this.ascending = ascending;
        this.pageCap = pageCap;
    }

    /** The query parameters of the next page's request. */
    public Map<String, Object> pageParams() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("startdate", WIRE_TIME.format(start));
        params.put("finishdate", WIRE_TIME.format(finish));
        params.put("sorting", ascending ? "asc" : "desc");
        if (cursor != null) {
            params.put("cursor", cursor);
        }
        return params;
    }

    /**
     * Takes one answer of the window: counts its records and decides whether another page is asked
     * for; answers the answer. Static so that a route can hand it the window and the body as objects
     * (simple OGNL would pass the body as text).
     */
    public static Map<String, Object> pageRead(CdrWindow window, Map<String, Object> answer) {
        window.read(answer);
        return answer;
    }

    private void read(Map<String, Object> answer) {
        // a failure envelope is no page, even with an empty CallList beside it: the window is asked for again
        if (Boolean.FALSE.equals(answer.get("success")) || !(answer.get("CallList") instanceof List<?> callList)) {
            throw UpstreamException.refused(tenant, (Boolean.FALSE.equals(answer.get("success")) ? "refused reportsCDRLogs"
                    : "answered reportsCDRLogs without a CallList") + (answer.get("message") != null ? ": " + answer.get("message") : ""));
        }
        pages++;
        records += callList.size();
        // in the page: a later page may go back in time by right, a stale cursor's repeat of the first
        lastCallDate = null;
        for (Object record : callList) {
            callDate(record).ifPresent(this::recordRead);
        }
        String next = cursor(answer.get("cursor"));
        if (callList.isEmpty() && pages > 1) {
            // how a window of a multiple of 100 records ends: nothing for an operator to look into
            stop = Stop.EMPTY_PAGE;
        } else if (callList.size() < FULL_PAGE) {
            stop = Stop.LAST_PAGE;
        } else if (next == null || next.equals(cursor) || !cursorsSeen.add(next)) {
            stop(Stop.REPEATED_CURSOR, "page " + pages + " came with " + (next == null ? "no cursor" : "a cursor seen before")
                    + ": the rest of the window cannot be asked for");
        } else if (pages >= pageCap) {
            stop(Stop.PAGE_CAP, "the page cap of " + pageCap + " pages is reached (ccs.cdr.page-cap): the rest waits for the next run");
        } else {
            cursor = next;
        }
    }

    private void recordRead(LocalDateTime callDate) {
        if (ascending && !unordered && lastCallDate != null && callDate.isBefore(lastCallDate)) {
            // the platform did not sort as asked: the latest record read says nothing of the earlier ones not read yet
            unordered = true;
            LOG.warn("CDR {} of tenant {} {}: a record of {} came after one of {} in a page, though asked for sorting=asc; a run cut short"
                    + " now counts nothing as read", source, tenant, range(), callDate, lastCallDate);
        }
        lastCallDate = callDate;
        if ((latestCallDate == null || callDate.isAfter(latestCallDate)) && !callDate.isAfter(finish)) {
            latestCallDate = callDate;
        }
    }

    /**
     * The answer's cursor as the next request sends it: text, or a whole number (the vendor calls it a value and shows
     * none; taken for no cursor, a number ended every run after its first page); null when it gives none.
     */
    private static String cursor(Object value) {
        if (value instanceof String text) {
            return text.isBlank() ? null : text;
        }
        return value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger ? value.toString() : null;
    }

    /**
     * A record's call date, when it has one that can be read: a record that cannot (dead-lettered
     * on its own) or that lies past the window must not move how far the window counts as read.
     */
    private static Optional<LocalDateTime> callDate(Object record) {
        if (record instanceof Map<?, ?> fields && fields.get("calldate") instanceof String text) {
            try {
                // trimmed, as the record's event reads it
                return Optional.of(Events.wireTime(text.trim()));
            } catch (DateTimeParseException unreadable) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private void stop(Stop reason, String why) {
        stop = reason;
        LOG.warn("CDR {} of tenant {} stops paging {}: {}", source, tenant, range(), why);
    }

    public boolean hasNextPage() {
        return stop == null;
    }

    /**
     * This replica lost the leadership while its poll's window still had pages: it asks for none of them, so that one
     * replica polls Call Center Studio at a time (the new leader polls on from the checkpoint). Called by route cdr-window
     * once the page in flight is in the outbox.
     */
    public void leadershipLost() {
        if (stop == null) {
            stop = Stop.NOT_LEADER;
            LOG.info("CDR {} of tenant {} stops paging {} after {} pages: this replica no longer leads (or it stops)", source, tenant, range(), pages);
        }
    }

    /** The paging stopped because this replica lost the leadership ({@link #leadershipLost}). */
    public boolean cutByLeadership() {
        return stop == Stop.NOT_LEADER;
    }

    /** Every record of the window was read. */
    public boolean complete() {
        return stop == Stop.LAST_PAGE || stop == Stop.EMPTY_PAGE;
    }

    /**
     * How far the window is read, in the tenant's wall clock: its finish when complete; when cut
     * short, the latest record read if records come oldest first (later ones may share its second,
     * so it is read again next time); otherwise nothing is known to be read.
     */
    public Optional<LocalDateTime> readUpTo() {
        if (complete()) {
            return Optional.of(finish);
        }
        if (ordered() && latestCallDate != null) {
            return Optional.of(latestCallDate);
        }
        return Optional.empty();
    }

    /** The pages read so far are in the outbox. */
    public void pagePublished() {
        publishedUpTo = latestCallDate;
        publishedRecords = records;
    }

    /**
     * How far the pages in the outbox reach, for a window that failed at a later page: the latest record they hold if
     * records come oldest first (later ones may share its second, so it is read again next time); otherwise nothing is
     * known to be read.
     */
    public Optional<LocalDateTime> publishedUpTo() {
        return ordered() ? Optional.ofNullable(publishedUpTo) : Optional.empty();
    }

    /** Records come oldest first, as asked and as read so far. */
    private boolean ordered() {
        return ascending && !unordered;
    }

    public long getPublishedRecords() {
        return publishedRecords;
    }

    public String getTenant() {
        return tenant;
    }

    public ZoneId getZone() {
        return zone;
    }

    public LocalDateTime getStart() {
        return start;
    }

    public LocalDateTime getFinish() {
        return finish;
    }

    public String getSource() {
        return source;
    }

    public int getPages() {
        return pages;
    }

    public long getRecords() {
        return records;
    }

    public Stop getStop() {
        return stop;
    }

    /** The window as it goes on the wire, for log lines. */
    public String range() {
        return WIRE_TIME.format(start) + " to " + WIRE_TIME.format(finish);
    }

    @Override
    public String toString() {
        return "CdrWindow[" + tenant + " " + source + " " + range() + ", " + pages + " pages, " + records + " records]";
    }
}
