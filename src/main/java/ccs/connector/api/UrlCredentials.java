package ccs.connector.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a credential sent as a query parameter: platform-http copies query parameters into the
 * headers a bean reads, so {@code ?X-Api-Key=...} or {@code ?Cookie=...} would pass for the header,
 * and a credential in a URL ends up in access logs, browser history and {@code Referer} headers.
 */
public final class UrlCredentials {

    private UrlCredentials() {
    }

    /** Throws 400 when the request's query (as platform-http gives it, undecoded) has a parameter named {@code header}, in any case. */
    public static void refuse(String query, String header) {
        if (query == null || query.isEmpty()) {
            return;
        }
        // the HTTP server splits a query at ';' as at '&'
        for (String parameter : query.split("[&;]")) {
            String name = URLDecoder.decode(parameter.split("=", 2)[0], StandardCharsets.UTF_8);
            if (name.trim().equalsIgnoreCase(header)) {
                throw new BadRequestException(header + " goes in a request header, never in the URL");
            }
        }
    }
}
