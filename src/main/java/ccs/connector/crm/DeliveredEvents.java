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
 * ({@link #unseen}, {@link #undelivered}) and one batched statement to record ({@link #record}). The same table remembers,
 * under a name of their own ({@value #KEPT_ONCE}, {@link #keptOnce}), the ids of the unreadable CDR records' dead letters
 * (route {@code cdr-invalid-record}): the retention forgets them with the events' keys.
 *
 * <p>Earlier versions kept their rows under other processor names: {@value #BY_ID} the bare event ids, then
 * {@value #BY_CDR_START} the keys of CDR records by calldate and the bare ids of the other events. While the store
 * holds rows under one of those names (until {@code crm.dedupe.retention-days} removed them: checked once an hour),
 * an event also counts as recorded under it, by its key or by its id, so an upgrade delivers nothing again.
 */
public final class DeliveredEvents extends JdbcMessageIdRepository {

    /** Camel's table of the JDBC idempotent repository (tests fail its writes by name). */
    static final String TABLE = "CAMEL_MESSAGEPROCESSED";
    private static final List<String> KEYS = List.of("processorName", "messageId");
    private static final List<String> COLUMNS = List.of("processorName", "messageId", "createdAt");
    /** The keys of {@link CloudEvent#getDedupeKey()}: CDR records and hangups by the start of their call. */
    static final String BY_CALL_START = "crm-by-call-start";
    static final String BY_CDR_START = "crm-delivered";
    static final String BY_ID = "crm-delivery";
    private static final List<String> EARLIER = List.of(BY_CDR_START, BY_ID);
    private static final long EARLIER_CHECK_MS = 3_600_000;
    static final String KEPT_ONCE = "dead-letter-kept-once";

    private final Database database;
    /** The earlier versions' processor names the store still holds rows under. */
    private volatile List<String> earlierWithRows = List.of();
    private volatile long earlierCheckedAt;

    public DeliveredEvents(Database database) {
        super(database.dataSource(), BY_CALL_START);
        this.database = database;
        setCreateTableIfNotExists(false);
    }

    /**
     * The repository of the idempotent consumer in route {@code cdr-invalid-record}: a CDR record that cannot be read is
     * read again by every window reaching over it (the polls' overlap, the settle sweeps, backfills), and its dead letter is
     * kept, counted and logged once, and stays deleted once a person deleted it.
     */
    public static JdbcMessageIdRepository keptOnce(Database database) {
        JdbcMessageIdRepository keptOnce = new JdbcMessageIdRepository(database.dataSource(), KEPT_ONCE) {
            @Override
            public boolean add(String key) {
                try {
                    return super.add(key);
                } catch (DuplicateKeyException e) {
                    // a poll and a settle sweep of the tenant read the record at the same moment, and the other kept it
                    return false;
                }
            }
        };
        keptOnce.setCreateTableIfNotExists(false);
        return keptOnce;
    }

    @Override
    public boolean add(String key) {
        return addAt(key, new Timestamp(System.currentTimeMillis()));
    }

    /** Records the key as delivered at {@code at}; false when the store holds it already. */
    private boolean addAt(String key, Timestamp at) {
        try {
            return jdbcTemplate.update(getInsertString(), processorName, key, at) > 0;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /**
     * A replayed dead letter did not get back into the outbox: its key, when {@link #forget} removed one, is final again, so
     * that a repeat of the event is not delivered while its letter waits for the next replay; recorded at the letter's
     * time, as when it was dead-lettered, so that the status does not count it among the last hour's deliveries. Throws
     * {@code failure} on.
     */
    public void replayFailed(String dedupeKey, boolean forgotten, Timestamp failedAt, Exception failure) throws Exception {
        if (forgotten) {
            addAt(dedupeKey, failedAt);
        }
        throw failure;
    }

    /**
     * Forgets the event (a dead letter being replayed), under its key and under what earlier versions recorded of it, in
     * one statement: the database failing between two would leave the key forgotten with no replay to make it final again.
     */
    public boolean forget(CloudEvent event) {
        // a row value list: the store's key is looked up for each (with OR or IN per column, H2 reads every key of the store)
        return database.update("DELETE FROM " + TABLE + " WHERE (processorName, messageId) IN ((?, ?), (?, ?), (?, ?), (?, ?), (?, ?))",
                processorName, event.getDedupeKey(), BY_CDR_START, event.getDedupeKey(), BY_CDR_START, event.getId(),
                BY_ID, event.getDedupeKey(), BY_ID, event.getId()) > 0;
    }

    /**
     * Forgets the oldest keys beyond the newest {@code maxKeys} ({@code crm.dedupe.max-keys}), but none delivered since
     * {@code keepDeliveredFrom} (when the next settle sweep or poll may read from: {@code CdrSync.readAgainFrom}): those
     * records are read again, and a key forgotten would deliver its record twice. A backfill of millions of records then
     * leaves the store over its bound until they are that old, rather than forgetting what the last hours delivered.
     * Answers how many it forgot.
     */
    public int forgetBeyond(int maxKeys, Instant keepDeliveredFrom) {
        return database.update("DELETE FROM " + TABLE + " WHERE createdAt < ? AND createdAt < (SELECT createdAt FROM " + TABLE
                + " ORDER BY createdAt DESC LIMIT 1 OFFSET " + maxKeys + ")", Timestamp.from(keepDeliveredFrom));
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
        List<String> earlier = earlierWithRows();
        // what an earlier version may have recorded of an event (its key or its bare id), and the event's key
        Map<String, String> keysByEarlierEntry = new LinkedHashMap<>();
        if (!earlier.isEmpty()) {
            idsByKey.forEach((key, id) -> {
                keysByEarlierEntry.put(key, key);
                keysByEarlierEntry.put(id, key);
            });
        }
        List<Object> values = new ArrayList<>((idsByKey.size() + earlier.size() * keysByEarlierEntry.size()) * 2);
        for (String key : idsByKey.keySet()) {
            values.add(processorName);
            values.add(key);
        }
        for (String name : earlier) {
            for (String entry : keysByEarlierEntry.keySet()) {
                values.add(name);
                values.add(entry);
            }
        }
        String rows = String.join(", ", Collections.nCopies(values.size() / 2, "(?, ?)"));
        return new HashSet<>(database.list("SELECT processorName, messageId FROM " + TABLE + " WHERE (processorName, messageId) IN (" + rows + ")",
                row -> processorName.equals(row.getString(1)) ? row.getString(2) : keysByEarlierEntry.get(row.getString(2)), values.toArray()));
    }

    /**
     * The events whose keys the store does not hold yet, in their order, each key once (a page that
     * lists a record twice delivers it once): one statement for all of them.
     */
    public List<CloudEvent> unseen(List<CloudEvent> events) {
        Map<String, String> idsByKey = new LinkedHashMap<>();
        events.forEach(event -> idsByKey.put(event.getDedupeKey(), event.getId()));
        Set<String> seen = new HashSet<>(recorded(idsByKey));
        return events.stream().filter(event -> seen.add(event.getDedupeKey())).toList();
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
        return database.one("SELECT COUNT(*) FROM " + TABLE + " WHERE processorName IN (?, ?, ?) AND createdAt >= ?", row -> row.getLong(1),
                BY_CALL_START, BY_CDR_START, BY_ID, Timestamp.from(from)).orElse(0L);
    }

    /** The earlier versions' names that the store still holds rows under: asked at most once an hour (an indexed query each). */
    private List<String> earlierWithRows() {
        long now = System.currentTimeMillis();
        if (now - earlierCheckedAt >= EARLIER_CHECK_MS) {
            earlierWithRows = EARLIER.stream()
                    .filter(name -> database.one("SELECT 1 FROM " + TABLE + " WHERE processorName = ? LIMIT 1", row -> true, name).isPresent())
                    .toList();
            earlierCheckedAt = now;
        }
        return earlierWithRows;
    }
}
