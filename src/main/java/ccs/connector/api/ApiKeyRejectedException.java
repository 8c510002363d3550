package ccs.connector.api;

/** The request lacks the {@code X-Api-Key} that {@code connector.api-key} asks for (HTTP 401). */
public class ApiKeyRejectedException extends ApiException {

    public ApiKeyRejectedException(String message) {
        super(401, message);
    }

    /** No registered scheme carries an API key: the challenge names the header to send it in. */
    @Override
    public String challenge() {
        return "ApiKey realm=\"ccs-connector\", header=\"" + ApiKey.HEADER + "\"";
    }
}
