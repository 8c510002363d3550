package ccs.connector.api;

/** Nothing matches the request: no contact, no call (HTTP 404). */
public class NotFoundException extends ApiException {

    public NotFoundException(String message) {
        super(404, message);
    }
}
