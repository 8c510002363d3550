package ccs.connector.crm;

/** The outbox's broker was down at its last probe, or at a send since: an event is held in the state store instead. */
public class OutboxUnavailableException extends RuntimeException {

    public OutboxUnavailableException(String problem) {
        super(problem);
    }
}
