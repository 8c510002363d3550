package ccs.connector.api;

/** The request body is in a format the endpoint does not read (HTTP 415); the message names the formats it does. */
public class UnsupportedMediaTypeException extends ApiException {

    public UnsupportedMediaTypeException(String message) {
        super(415, message);
    }
}
