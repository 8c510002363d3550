package ccs.connector.crm;

/** The CRM could not take the event now (408, 429, 5xx): delivery is retried with backoff. */
public class RetryableDeliveryException extends RuntimeException {

    private final int status;

    /** {@code message}: what the CRM answered (its status, and its words); {@code status}: the HTTP status alone. */
    public RetryableDeliveryException(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
