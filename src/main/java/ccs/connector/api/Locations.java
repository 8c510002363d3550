package ccs.connector.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The {@code Location} of a 202: where the work the request started is followed (RFC 9110, section 15.3.3: the answer
 * points to a status monitor), as a path on this server with the tenant in its query.
 */
public final class Locations {

    /** {@code path?tenant=<tenant>}, the tenant percent-encoded. */
    public String ofTenant(String path, String tenant) {
        return path + "?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
