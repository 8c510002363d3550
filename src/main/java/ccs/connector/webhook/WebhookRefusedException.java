package ccs.connector.webhook;

import ccs.connector.api.ApiException;

/** A webhook request refused before anything else happens: a wrong or missing token (401), a source outside the allow-list (403). */
public class WebhookRefusedException extends ApiException {

    private WebhookRefusedException(int httpStatus, String message) {
        super(httpStatus, message);
    }

    static WebhookRefusedException token(String message) {
        return new WebhookRefusedException(401, message);
    }

    static WebhookRefusedException source() {
        return new WebhookRefusedException(403, "the request comes from outside connector.webhook.allowed-networks");
    }

    /** The token goes in query parameter {@code token} (the platform's callbacks) or as a bearer token. */
    @Override
    public String challenge() {
        return httpStatus() == 401 ? "Bearer realm=\"webhooks\"" : null;
    }
}
