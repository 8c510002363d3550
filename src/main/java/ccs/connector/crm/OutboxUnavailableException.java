package ccs.connector.crm;

import ccs.connector.api.ApiException;

/**
 * The outbox's broker was down at its last probe, or at a send since: a webhook's event is held in the state store
 * instead; a request that cannot be held (the agent page's status door) is answered 503, to be sent again.
 */
public class OutboxUnavailableException extends ApiException {

    public OutboxUnavailableException(String problem) {
        super(503, "the event could not be stored: " + problem + "; send it again later");
    }

    @Override
    public int retryAfterSeconds() {
        return 5;
    }
}
