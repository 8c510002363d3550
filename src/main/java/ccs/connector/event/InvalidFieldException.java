package ccs.connector.event;

/** A field of an upstream record or callback that is missing or cannot be read; the message names it. */
public class InvalidFieldException extends IllegalArgumentException {

    private final String field;

    public InvalidFieldException(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
    }

    public String getField() {
        return field;
    }
}
