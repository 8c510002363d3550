package ccs.connector.ccs;

/**
 * Call Center Studio refused the tenant's application token: the setting is wrong. The platform says so with a login's
 * or failure envelope's {@value #INVALID_APP_TOKEN}, or (behind a gateway) with HTTP 401 or 403 to a request that carried
 * the app token alone; the message reads alike for both and names the setting, never its value.
 */
public class InvalidAppTokenException extends CcsException {

    /** The platform's message for a request whose app token it refuses (login, reportsCDRLogs). */
    public static final String INVALID_APP_TOKEN = "Invalid Application Token";

    /** @param how how the platform said it: {@value #INVALID_APP_TOKEN}, or the HTTP status ("HTTP 401") */
    public InvalidAppTokenException(String tenant, String setting, String how) {
        super(422, "the application token of tenant " + tenant
                + " was refused by Call Center Studio (" + how + "): check " + setting);
    }

    private InvalidAppTokenException(InvalidAppTokenException earlier) {
        super(earlier);
    }

    @Override
    public InvalidAppTokenException remembered() {
        return new InvalidAppTokenException(this);
    }
}
