package ccs.connector.ccs;

/**
 * A failure of a Call Center Studio call, typed so that routes can answer the CRM with a clear
 * status: {@link #httpStatus()} is what an {@code /api/v1} caller should see.
 */
public class CcsException extends RuntimeException {

    private final int httpStatus;

    public CcsException(int httpStatus, String message) {
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
