package ccs.connector.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a request header sent as a query parameter: platform-http copies query parameters into the
 * headers a bean reads, so {@code ?X-Api-Key=...} or {@code ?Cookie=...} would pass for a credential (which in a URL
 * also ends up in access logs, browser history and {@code Referer} headers), and {@code ?Content-Type=application/json}
 * for the JSON type that keeps another page of the site from posting to the agent page's doors without a CORS preflight.
 */
public final class HeadersInUrl {

    private HeadersInUrl() {
    }

    /** Throws 400 when the request's query (as platform-http gives it, undecoded) has a parameter named like one of {@code headers}, in any case. */
    public static void refuse(String query, String... headers) {
        if (query == null || query.isEmpty()) {
            return;
        }
        // the HTTP server splits a query at ';' as at '&'
        for (String parameter : query.split("[&;]")) {
            String name = URLDecoder.decode(parameter.split("=", 2)[0], StandardCharsets.UTF_8).trim();
            for (String header : headers) {
                if (name.equalsIgnoreCase(header)) {
                    throw new BadRequestException(header + " goes in a request header, never in the URL");
                }
            }
        }
    }
}
