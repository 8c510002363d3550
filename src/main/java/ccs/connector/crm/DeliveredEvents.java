package ccs.connector.crm;

import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import ccs.connector.event.CloudEvent;
import ccs.connector.state.Database;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.dao.DuplicateKeyException;

/**
 * The persistent dedupe store of delivered (or dead-lettered) event ids: Camel's JDBC idempotent
 * repository on the connector's database (table {@code CAMEL_MESSAGEPROCESSED}, created with the
 * rest of the schema by {@link Database}). Delivery records an id only after its event left, so
 * {@link #add} is one INSERT instead of the default query and insert in a transaction: half the
 * work per event; an id that another replica recorded first is a duplicate key, and answers false.
 * A page of events costs one statement to check ({@link #unseen}, {@link #undelivered}) and one
 * batched statement to record ({@link #record}).
 */
public final class DeliveredEvents extends JdbcMessageIdRepository {

    private static final String TABLE = "CAMEL_MESSAGEPROCESSED";
    private static final List<String> KEYS = List.of("processorName", "messageId");
    private static final List<String> COLUMNS = List.of("processorName", "messageId", "createdAt");

    private final Database database;

    public DeliveredEvents(Database database) {
        super(database.dataSource(), "crm-delivery");
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

    /**
     * The ids among these that the store holds, in one statement. A row value list: with
     * {@code processorName = ? AND messageId IN (...)} H2 looks up only the first column of the key
     * and reads every id of the store, a query that grows with the store.
     */
    public Set<String> recorded(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        String rows = ids.stream().map(id -> "(?, ?)").collect(Collectors.joining(", "));
        Object[] values = new Object[ids.size() * 2];
        int i = 0;
        for (String id : ids) {
            values[i++] = processorName;
            values[i++] = id;
        }
        return new HashSet<>(database.list("SELECT messageId FROM " + TABLE + " WHERE (processorName, messageId) IN (" + rows + ")",
                row -> row.getString(1), values));
    }

    /** The events whose ids the store does not hold yet, in their order: one statement for all of them. */
    public List<CloudEvent> unseen(List<CloudEvent> events) {
        Set<String> recorded = recorded(events.stream().map(CloudEvent::getId).toList());
        return events.stream().filter(event -> !recorded.contains(event.getId())).toList();
    }

    /** Takes out of the message's events those the store holds (one statement), so that only the others are delivered. */
    public OutboxMessage undelivered(OutboxMessage message) {
        return message.skip(recorded(message.ids()));
    }

    /** Records the ids of the message's events delivered and not recorded yet, in one batched statement. */
    public void record(OutboxMessage message) {
        List<String> ids = message.unrecorded();
        addAll(ids);
        message.noteRecorded(ids);
    }

    /** Records the ids in one batched statement and one transaction; an id recorded already (by another replica) stays recorded. */
    public void addAll(Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        Timestamp now = new Timestamp(System.currentTimeMillis());
        database.mergeAll(TABLE, KEYS, COLUMNS, ids.stream().map(id -> new Object[] {processorName, id, now}).toList());
    }
}
