package ccs.connector.crm;

import java.sql.Timestamp;

import javax.sql.DataSource;

import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;

/**
 * The persistent dedupe store of delivered (or dead-lettered) event ids: Camel's JDBC idempotent
 * repository on the connector's H2 database, with ids up to 1,000 characters and an index on
 * {@code createdAt} for the retention route. Delivery records an id only after its event left, and
 * nothing else records that id concurrently (events of one id share a message group), so {@link #add}
 * is one MERGE instead of the default query and insert in a transaction: half the work per event.
 */
public final class DeliveredEvents extends JdbcMessageIdRepository {

    public DeliveredEvents(DataSource database) {
        super(database, "crm-delivery");
        setCreateString("CREATE TABLE CAMEL_MESSAGEPROCESSED (processorName VARCHAR(255), messageId VARCHAR(1000), "
                + "createdAt TIMESTAMP, PRIMARY KEY (processorName, messageId)); "
                + "CREATE INDEX CAMEL_MESSAGEPROCESSED_CREATED ON CAMEL_MESSAGEPROCESSED (createdAt)");
        setInsertString("MERGE INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) KEY (processorName, messageId) VALUES (?, ?, ?)");
    }

    @Override
    public boolean add(String key) {
        return insert(key) > 0;
    }

    @Override
    protected int insert(String key) {
        return jdbcTemplate.update(getInsertString(), processorName, key, new Timestamp(System.currentTimeMillis()));
    }
}
