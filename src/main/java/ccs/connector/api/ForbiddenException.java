package ccs.connector.api;

/** The caller is known but asks for something that is not theirs, such as another agent's session (HTTP 403). */
public class ForbiddenException extends ApiException {

    public ForbiddenException(String message) {
        super(403, message);
    }
}
