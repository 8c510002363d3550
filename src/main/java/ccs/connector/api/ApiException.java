package ccs.connector.api;

/**
 * A failure that a request to {@code /api/v1} or the agent page is answered with: route
 * configuration {@code api-errors} answers it as a {@link Problem} with {@link #httpStatus()}
 * and the message as {@code detail}. The subclasses in this package take only a message, so YAML routes can
 * throw them; {@link ccs.connector.ccs.CcsException} is Call Center Studio's.
 */
public abstract class ApiException extends RuntimeException {

    private final int httpStatus;

    protected ApiException(int httpStatus, String message) {
        super(message);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Seconds after which the request may succeed, sent as {@code Retry-After}; 0 = none. */
    public int retryAfterSeconds() {
        return 0;
    }

    /** The request field at fault, named in the problem's {@code field}; null when the failure names none. */
    public String field() {
        return null;
    }

    /** The {@code WWW-Authenticate} challenge of a 401: how to authenticate; null for other failures. */
    public String challenge() {
        return null;
    }
}
