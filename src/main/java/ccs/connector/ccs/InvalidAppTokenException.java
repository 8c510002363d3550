package ccs.connector.ccs;

/** Call Center Studio answered with "Invalid Application Token": the setting ccs.app-token is wrong. */
public class InvalidAppTokenException extends CcsException {

    public InvalidAppTokenException(String tenant) {
        super(422, "the application token of tenant " + tenant
                + " was refused by Call Center Studio (Invalid Application Token): check ccs.app-token");
    }
}
