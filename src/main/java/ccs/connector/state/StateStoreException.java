package ccs.connector.state;

/**
 * A statement of the connector's database failed: the database is away, full or refusing; worth trying again later, unless
 * it refused the statement's values.
 */
public final class StateStoreException extends IllegalStateException {

    private final boolean refused;

    StateStoreException(String message, Throwable cause, boolean refused) {
        super(message, cause);
        this.refused = refused;
    }

    /**
     * A statement that failed changed nothing, so a dispatch that failed on one may be made again; but not one the database
     * refused for its values (a constraint broken, a value it cannot hold): made again, it fails again. Such a failure is a
     * fault of the connector, not the database away.
     */
    public boolean isRepeatable() {
        return !refused;
    }
}
