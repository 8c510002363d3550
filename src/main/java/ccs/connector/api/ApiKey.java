package ccs.connector.api;

import ccs.connector.config.SharedSecret;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * The {@code connector.api-key} check of {@code /api/*}: with a key configured, a request must
 * carry it in the {@code X-Api-Key} header, never in the URL. Compared in constant time, and never echoed.
 */
public final class ApiKey {

    public static final String HEADER = "X-Api-Key";

    private final SharedSecret key;

    /** An empty or null key turns the check off (the demo default). */
    public ApiKey(String configured) {
        this.key = new SharedSecret(configured);
    }

    public void check(@Header(HEADER) String presented, @Header(Exchange.HTTP_QUERY) String query) {
        UrlCredentials.refuse(query, HEADER);
        if (!key.refuses(presented)) {
            return;
        }
        if (presented == null || presented.isEmpty()) {
            throw new ApiKeyRejectedException("header " + HEADER + " is missing: this connector requires the key set in connector.api-key");
        }
        throw new ApiKeyRejectedException("header " + HEADER + " does not match connector.api-key");
    }
}
