package ccs.connector.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The simulator's call detail records, kept as ready-made JSON so that 100,000 records fit
 * in little memory and pages are cheap to serve. Records are ordered by {@code calldate},
 * then {@code callid}; a cursor names the last record of a page (keyset paging), so records
 * added while a client pages never shift what it sees.
 */
final class CdrStore {

    static final int PAGE_SIZE = 100;

    /** One stored record: its sort key ({@code calldate|callid}) and its JSON. */
    record StoredCdr(String sortKey, String callId, String agentUsername, String queue, byte[] json) {
    }

    /** One answer of {@code reportsCDRLogs}: the records and the cursor to send next. */
    record Page(List<StoredCdr> records, String cursor) {
    }

    private final NavigableMap<String, StoredCdr> bySortKey = new ConcurrentSkipListMap<>();
    private final Map<String, StoredCdr> byCallId = new ConcurrentHashMap<>();

    void add(String callId, String callDate, String agentUsername, String queue, byte[] json) {
        StoredCdr cdr = new StoredCdr(callDate + "|" + callId, callId, agentUsername, queue, json);
        StoredCdr previous = byCallId.put(callId, cdr);
        if (previous != null) {
            bySortKey.remove(previous.sortKey());
        }
        bySortKey.put(cdr.sortKey(), cdr);
    }

    Optional<StoredCdr> byCallId(String callId) {
        return Optional.ofNullable(byCallId.get(callId));
    }

    int size() {
        return byCallId.size();
    }

    void clear() {
        bySortKey.clear();
        byCallId.clear();
    }

    /**
     * Records whose {@code calldate} lies in [start, finish] (both {@code yyyy-MM-dd HH:mm:ss},
     * which sort as text), after the cursor, at most one page.
     */
    Page window(String start, String finish, String cursor, boolean ascending, String agentUsername, String queue) {
        String low = start + "|";
        String high = finish + "|\uffff";
        NavigableMap<String, StoredCdr> range = bySortKey.subMap(low, true, high, true);
        if (!ascending) {
            range = range.descendingMap();
        }
        String after = decode(cursor);
        if (after != null) {
            range = range.tailMap(after, false);
        }
        List<StoredCdr> page = new ArrayList<>(PAGE_SIZE);
        for (StoredCdr cdr : range.values()) {
            if ((agentUsername == null || agentUsername.equalsIgnoreCase(cdr.agentUsername())) && (queue == null || queue.equals(cdr.queue()))) {
                page.add(cdr);
                if (page.size() == PAGE_SIZE) {
                    break;
                }
            }
        }
        String last = page.isEmpty() ? (after != null ? after : low) : page.get(page.size() - 1).sortKey();
        return new Page(page, encode(last));
    }

    /** A cursor that points before every record of a window starting at {@code start}. */
    static String cursorBefore(String start) {
        return encode(start + "|");
    }

    private static String encode(String sortKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not valid");
        }
    }
}
