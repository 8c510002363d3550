package ccs.connector.ccs;

/** Call Center Studio refused the tenant's application token ("Invalid Application Token"): the setting is wrong. */
public class InvalidAppTokenException extends CcsException {

    public InvalidAppTokenException(String tenant, String setting) {
        super(422, "the application token of tenant " + tenant
                + " was refused by Call Center Studio (Invalid Application Token): check " + setting);
    }
}
