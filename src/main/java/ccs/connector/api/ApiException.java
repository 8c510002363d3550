package ccs.connector.api;

/**
 * A request to {@code /api/v1} or the agent page that cannot be answered as asked. The route
 * configuration {@code api-errors} answers it as JSON {@code {"error": message}} with
 * {@link #httpStatus()}; the subclasses take only a message, so YAML routes can throw them.
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

    /** Bean-style accessor for simple expressions such as {@code ${exception.httpStatus}}. */
    public int getHttpStatus() {
        return httpStatus;
    }
}
