package ccs.connector.api;

/** A parameter is missing or cannot be read (HTTP 400). */
public class BadRequestException extends ApiException {

    private final String field;

    public BadRequestException(String message) {
        this(message, null);
    }

    /** The same naming the request field at fault, for a message that cannot start with the field's name. */
    public BadRequestException(String message, String field) {
        super(400, message);
        this.field = field;
    }

    @Override
    public String field() {
        return field;
    }
}
