package ccs.connector.state;

/** A statement of the connector's database failed: the database is away, full or refusing; worth trying again later. */
public final class StateStoreException extends IllegalStateException {

    StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Always: a statement that failed changed nothing, so a dispatch that failed on one may be made again. */
    public boolean isRepeatable() {
        return true;
    }
}
