package ccs.connector.crm;

import ccs.connector.api.ApiException;

/**
 * The outbox's broker takes no messages, its volume being fuller than {@code connector.broker.max-disk-usage}
 * (HTTP 503): nothing was stored, and the caller may send the request again once space is freed.
 */
public class OutboxFullException extends ApiException {

    /** What the caller gets as the problem's detail; the readiness check says more ({@link OutboxSpace#FULL}). */
    public static final String ANSWER = "the event could not be stored: the connector's outbox volume is full; send it again later";

    public OutboxFullException() {
        super(503, ANSWER);
    }

    @Override
    public int retryAfterSeconds() {
        return 30;
    }
}
