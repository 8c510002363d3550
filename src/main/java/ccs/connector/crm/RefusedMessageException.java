package ccs.connector.crm;

/** A message on a queue the connector reads that it does not accept (not text, not an event); it is never delivered. */
public class RefusedMessageException extends RuntimeException {

    public RefusedMessageException(String message) {
        super(message);
    }
}
