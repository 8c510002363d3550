package ccs.connector.webhook;

import ccs.connector.api.ApiException;

/**
 * A webhook request refused before anything else happens, so never kept in the dead letters: a wrong or missing token (401), a
 * source outside the allow-list (403), a parameter of the token check given more than once (400).
 */
public class WebhookRefusedException extends ApiException {

    private final String field;

    private WebhookRefusedException(int httpStatus, String message, String field) {
        super(httpStatus, message);
        this.field = field;
    }

    private WebhookRefusedException(int httpStatus, String message) {
        this(httpStatus, message, null);
    }

    static WebhookRefusedException token(String message) {
        return new WebhookRefusedException(401, message);
    }

    static WebhookRefusedException source() {
        return new WebhookRefusedException(403, "the request comes from outside connector.webhook.allowed-networks");
    }

    /** Which of its values counts would be a guess. */
    static WebhookRefusedException repeated(String parameter, long times) {
        return new WebhookRefusedException(400, parameter + " is given " + times + " times in the query: give it once", parameter);
    }

    @Override
    public String field() {
        return field;
    }

    /** The token goes in query parameter {@code token} (the platform's callbacks) or as a bearer token. */
    @Override
    public String challenge() {
        return httpStatus() == 401 ? "Bearer realm=\"webhooks\"" : null;
    }
}
