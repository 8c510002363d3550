package ccs.connector.crm;

/** The CRM could not take the event now (408, 429, 5xx): delivery is retried with backoff. */
public class RetryableDeliveryException extends RuntimeException {

    public RetryableDeliveryException(String message) {
        super(message);
    }
}
