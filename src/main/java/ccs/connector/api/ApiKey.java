package ccs.connector.api;

import ccs.connector.config.SharedSecret;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * The {@code connector.api-key} check of {@code /api/*}: with a key configured, a request must
 * carry it in the {@code X-Api-Key} header, never in the URL; while the key is rotated, the one it replaces
 * ({@code connector.api-key.previous}) is taken too. Compared in constant time, and never echoed.
 */
public final class ApiKey {

    public static final String HEADER = "X-Api-Key";

    private final SharedSecret key;
    /** The key {@code key} replaces while a rotation lasts; null when none is set. */
    private final SharedSecret replaced;

    /** An empty or null key turns the check off (the demo default); an empty or null {@code previous} means no rotation. */
    public ApiKey(String configured, String previous) {
        this.key = new SharedSecret(configured);
        this.replaced = previous == null || previous.isEmpty() ? null : new SharedSecret(previous);
    }

    public void check(@Header(HEADER) String presented, @Header(Exchange.HTTP_QUERY) String query) {
        HeadersInUrl.refuse(query, HEADER);
        if (!key.refuses(presented) || (replaced != null && !replaced.refuses(presented))) {
            return;
        }
        if (presented == null || presented.isEmpty()) {
            throw new ApiKeyRejectedException("header " + HEADER + " is missing: this connector requires the key set in connector.api-key");
        }
        throw new ApiKeyRejectedException("header " + HEADER + " does not match connector.api-key");
    }
}
