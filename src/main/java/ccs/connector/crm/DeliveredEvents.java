package ccs.connector.crm;

import java.sql.Timestamp;

import ccs.connector.state.Database;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.dao.DuplicateKeyException;

/**
 * The persistent dedupe store of delivered (or dead-lettered) event ids: Camel's JDBC idempotent
 * repository on the connector's database (table {@code CAMEL_MESSAGEPROCESSED}, created with the
 * rest of the schema by {@link Database}). Delivery records an id only after its event left, so
 * {@link #add} is one INSERT instead of the default query and insert in a transaction: half the
 * work per event; an id that another replica recorded first is a duplicate key, and answers false.
 */
public final class DeliveredEvents extends JdbcMessageIdRepository {

    public DeliveredEvents(Database database) {
        super(database.dataSource(), "crm-delivery");
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
}
