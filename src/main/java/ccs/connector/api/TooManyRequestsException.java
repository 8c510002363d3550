package ccs.connector.api;

/** The caller sends more than a ceiling allows (HTTP 429); it may try again after {@link #retryAfterSeconds()}. */
public class TooManyRequestsException extends ApiException {

    private final int retryAfterSeconds;

    public TooManyRequestsException(String message, int retryAfterSeconds) {
        super(429, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
