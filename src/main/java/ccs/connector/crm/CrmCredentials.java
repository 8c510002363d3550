package ccs.connector.crm;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The {@code Authorization} header of the REST sink, from settings: {@code crm.rest.auth} is
 * {@code none}, {@code bearer} ({@code crm.rest.token}) or {@code basic} ({@code crm.rest.username},
 * {@code crm.rest.password}). Kept out of endpoint URIs so that credentials are never printed.
 */
public final class CrmCredentials {

    private final String authorization;

    public CrmCredentials(String mode, String token, String username, String password) {
        this.authorization = switch (mode == null ? "none" : mode.trim().toLowerCase(Locale.ROOT)) {
            case "", "none" -> null;
            case "bearer" -> "Bearer " + token;
            case "basic" -> "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
            default -> throw new IllegalArgumentException("crm.rest.auth must be none, basic or bearer");
        };
    }

    /** The header value, or null when the CRM takes no credentials. */
    public String authorization() {
        return authorization;
    }

    @Override
    public String toString() {
        return "CrmCredentials[" + (authorization == null ? "none" : "***") + "]";
    }
}
