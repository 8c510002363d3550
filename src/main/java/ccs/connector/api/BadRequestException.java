package ccs.connector.api;

/** A parameter is missing or cannot be read (HTTP 400). */
public class BadRequestException extends ApiException {

    public BadRequestException(String message) {
        super(400, message);
    }
}
