package ccs.connector.crm;

/** The CRM refused the event for good (a 4xx other than 408 and 429): it goes to the dead letters at once. */
public class RejectedDeliveryException extends RuntimeException {

    public RejectedDeliveryException(String message) {
        super(message);
    }
}
