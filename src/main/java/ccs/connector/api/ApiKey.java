package ccs.connector.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.apache.camel.Header;

/**
 * The {@code connector.api-key} check of {@code /api/*}: with a key configured, a request must
 * carry it in the {@code X-Api-Key} header. Compared in constant time, and never echoed.
 */
public final class ApiKey {

    public static final String HEADER = "X-Api-Key";

    private final byte[] expected;

    /** An empty or null key turns the check off (the demo default). */
    public ApiKey(String configured) {
        this.expected = configured == null ? new byte[0] : configured.getBytes(StandardCharsets.UTF_8);
    }

    public void check(@Header(HEADER) String presented) {
        if (expected.length == 0) {
            return;
        }
        if (presented == null || presented.isEmpty()) {
            throw new ApiKeyRejectedException("header " + HEADER + " is missing: this connector requires the key set in connector.api-key");
        }
        if (!MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiKeyRejectedException("header " + HEADER + " does not match connector.api-key");
        }
    }
}
