package ccs.connector.cdr;

import java.time.Duration;
import java.util.List;

import ccs.connector.event.CloudEvent;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The CDR records this replica put into the outbox lately, by dedupe key, so that a window read again (the polls' overlap,
 * every settle sweep) does not put them there again while they wait to be delivered. The dedupe store knows a record only
 * once it was delivered: while the CRM was away, each record went into the outbox again at every read reaching over it,
 * about thirty times with the shipped overlap and settle sweep, a backlog thirty times the calls for the outbox's disk and
 * for the delivery once the CRM was back (which delivered each record once all the same). Kept in memory, as it changes
 * only how often a record is published, never whether: a new leader, or a key forgotten at the bound, publishes a record
 * once more, and the delivery's dedupe drops the copy. Backfills neither consult it nor are remembered: their ranges are
 * read once, when someone asks, and a backfill is how records the outbox lost (a queue purged) are put there again.
 */
public final class PublishedCdrs {

    /** About 250 bytes a key: some 12 MB at most, the records of the last hours of a tenant with thousands of calls an hour. */
    private static final long MAX_KEYS = 50_000;

    private final Cache<String, Boolean> published;

    /** {@code rereadFor}: how long after it was published a window may read a record again (a settle sweep's reach and interval). */
    public PublishedCdrs(Duration rereadFor) {
        this.published = Caffeine.newBuilder().expireAfterWrite(rereadFor).maximumSize(MAX_KEYS).build();
    }

    /**
     * The events among these whose records this replica has not put into the outbox lately; a backfill's, all of them: a
     * backfill is what puts records there again by hand (a page the outbox lost, a queue purged).
     */
    public List<CloudEvent> unpublished(List<CloudEvent> events, String source) {
        if (CdrBackfills.SOURCE.equals(source)) {
            return events;
        }
        return events.stream().filter(event -> published.getIfPresent(event.getDedupeKey()) == null).toList();
    }

    /** The events are in the outbox (their page's send returned): a poll's or a settle sweep's are remembered. */
    public void published(List<CloudEvent> events, String source) {
        if (!CdrBackfills.SOURCE.equals(source)) {
            events.forEach(event -> published.put(event.getDedupeKey(), Boolean.TRUE));
        }
    }
}
