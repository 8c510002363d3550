package ccs.connector.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A secret that callers must present (the CRM's API key, the webhook token), compared in
 * constant time. An empty secret means no check.
 */
public final class SharedSecret {

    private final byte[] secret;

    public SharedSecret(String secret) {
        this.secret = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
    }

    /** True when a secret is set and {@code presented} is not it. */
    public boolean refuses(String presented) {
        if (secret.length == 0) {
            return false;
        }
        byte[] given = presented == null ? new byte[0] : presented.getBytes(StandardCharsets.UTF_8);
        return !MessageDigest.isEqual(secret, given);
    }

    @Override
    public String toString() {
        return "SharedSecret[***]";
    }
}
