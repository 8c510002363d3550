package ccs.connector.api;

/** This connector cannot take the request now (HTTP 503); it may be sent again after {@link #retryAfterSeconds()}. */
public class ServiceBusyException extends ApiException {

    private final int retryAfterSeconds;

    public ServiceBusyException(String message, int retryAfterSeconds) {
        super(503, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
