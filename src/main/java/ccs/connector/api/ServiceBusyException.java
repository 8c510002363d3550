package ccs.connector.api;

/**
 * This connector serves as many requests as it may at once, or its database did not answer in time (HTTP 503): the request
 * may be sent again in a few seconds.
 */
public class ServiceBusyException extends ApiException {

    public ServiceBusyException(String message) {
        super(503, message);
    }

    @Override
    public int retryAfterSeconds() {
        return 5;
    }
}
