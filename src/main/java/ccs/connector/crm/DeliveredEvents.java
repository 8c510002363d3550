package ccs.connector.crm;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ccs.connector.event.CloudEvent;
import ccs.connector.state.Database;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.dao.DuplicateKeyException;

/**
 * The persistent dedupe store of delivered (or dead-lettered) events: Camel's JDBC idempotent
 * repository on the connector's database (table {@code CAMEL_MESSAGEPROCESSED}, created with the
 * rest of the schema by {@link Database}), holding each event's {@link CloudEvent#getDedupeKey() key}.
 * Delivery records a key only after its event left, so {@link #add} is one INSERT instead of the
 * default query and insert in a transaction: half the work per event; a key that another replica
 * recorded first is a duplicate key, and answers false. A page of events costs one statement to check
 * ({@link #unseen}, {@link #undelivered}) and one batched statement to record ({@link #record}).
 *
 * <p>Versions before the keys began with a CDR record's calldate recorded the bare event ids, under
 * processor name {@value #BY_ID}. While the store holds such rows (until {@code crm.dedupe.retention-days}
 * removed them: checked once an hour), an event counts as recorded under either, so an upgrade delivers
 * nothing again.
 */
public final class DeliveredEvents extends JdbcMessageIdRepository {

    private static final String TABLE = "CAMEL_MESSAGEPROCESSED";
    private static final List<String> KEYS = List.of("processorName", "messageId");
    private static final List<String> COLUMNS = List.of("processorName", "messageId", "createdAt");
    static final String BY_KEY = "crm-delivered";
    static final String BY_ID = "crm-delivery";
    private static final long BY_ID_CHECK_MS = 3_600_000;

    private final Database database;
    private volatile boolean byIdRows;
    private volatile long byIdCheckedAt;

    public DeliveredEvents(Database database) {
        super(database.dataSource(), BY_KEY);
        this.database = database;
        setCreateTableIfNotExists(false);
    }

    @Override
    public boolean add(String key) {
        try {
            return insert(key) > 0;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    @Override
    protected int insert(String key) {
        return jdbcTemplate.update(getInsertString(), processorName, key, new Timestamp(System.currentTimeMillis()));
    }

    /** Forgets the event (a dead letter being replayed), under its key and under its bare id of older versions. */
    public boolean forget(CloudEvent event) {
        boolean byKey = remove(event.getDedupeKey());
        return database.update("DELETE FROM " + TABLE + " WHERE processorName = ? AND messageId = ?", BY_ID, event.getId()) > 0 || byKey;
    }

    /**
     * The keys among these (ids by key) that the store holds, in one statement. A row value list: with
     * {@code processorName = ? AND messageId IN (...)} H2 looks up only the first column of the key
     * and reads every key of the store, a query that grows with the store.
     */
    Set<String> recorded(Map<String, String> idsByKey) {
        if (idsByKey.isEmpty()) {
            return Set.of();
        }
        Map<String, String> keysById = new LinkedHashMap<>();
        if (byIdRows()) {
            idsByKey.forEach((key, id) -> keysById.put(id, key));
        }
        List<Object> values = new ArrayList<>((idsByKey.size() + keysById.size()) * 2);
        for (String key : idsByKey.keySet()) {
            values.add(processorName);
            values.add(key);
        }
        for (String id : keysById.keySet()) {
            values.add(BY_ID);
            values.add(id);
        }
        String rows = String.join(", ", Collections.nCopies(values.size() / 2, "(?, ?)"));
        return new HashSet<>(database.list("SELECT processorName, messageId FROM " + TABLE + " WHERE (processorName, messageId) IN (" + rows + ")",
                row -> BY_ID.equals(row.getString(1)) ? keysById.get(row.getString(2)) : row.getString(2), values.toArray()));
    }

    /** The events whose keys the store does not hold yet, in their order: one statement for all of them. */
    public List<CloudEvent> unseen(List<CloudEvent> events) {
        Map<String, String> idsByKey = new LinkedHashMap<>();
        events.forEach(event -> idsByKey.put(event.getDedupeKey(), event.getId()));
        Set<String> recorded = recorded(idsByKey);
        return events.stream().filter(event -> !recorded.contains(event.getDedupeKey())).toList();
    }

    /** Takes out of the message's events those the store holds (one statement), so that only the others are delivered. */
    public OutboxMessage undelivered(OutboxMessage message) {
        return message.skip(recorded(message.idsByKey()));
    }

    /** Records the keys of the message's events delivered and not recorded yet, in one batched statement. */
    public void record(OutboxMessage message) {
        List<String> keys = message.unrecorded();
        addAll(keys);
        message.noteRecorded(keys);
    }

    /** Records the keys in one batched statement and one transaction; a key recorded already (by another replica) stays recorded. */
    private void addAll(Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        Timestamp now = new Timestamp(System.currentTimeMillis());
        database.mergeAll(TABLE, KEYS, COLUMNS, keys.stream().map(key -> new Object[] {processorName, key, now}).toList());
    }

    /** How many events were recorded (delivered or dead-lettered) since {@code from}. */
    public long recordedSince(Instant from) {
        return database.one("SELECT COUNT(*) FROM " + TABLE + " WHERE processorName IN (?, ?) AND createdAt >= ?", row -> row.getLong(1),
                BY_KEY, BY_ID, Timestamp.from(from)).orElse(0L);
    }

    /** Whether the store still holds rows of bare ids: asked at most once an hour (one indexed query). */
    private boolean byIdRows() {
        long now = System.currentTimeMillis();
        if (now - byIdCheckedAt >= BY_ID_CHECK_MS) {
            byIdRows = database.one("SELECT 1 FROM " + TABLE + " WHERE processorName = ? LIMIT 1", row -> true, BY_ID).isPresent();
            byIdCheckedAt = now;
        }
        return byIdRows;
    }
}
