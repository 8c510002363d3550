package ccs.connector.screenpop;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import ccs.connector.api.CrmUnavailableException;
import ccs.connector.config.StartupChecks;

/**
 * The REST lookup's URL, {@code crm.lookup.url}, with its {@code {phone}} placeholder in the path
 * or the query. The route calls {@link #endpoint} as the endpoint, the same for every number, and sends
 * {@link #path} in the {@code CamelHttpPath} header and {@link #query} in the {@code CamelHttpQuery} header:
 * each endpoint URI is an HTTP client and a connection pool of its own, Camel turns a {@code %2B} inside it
 * back into a {@code +}, and prints it, keys included.
 */
public final class LookupUrl {

    public static final String PLACEHOLDER = "{phone}";

    private final String endpoint;
    private final String path;
    private final String query;

    /**
     * {@code template} is an http(s) URL holding {@link #PLACEHOLDER}; ScreenPopConfiguration checks it for {@code crm.lookup=rest}.
     * A customer's copy of that lookup reads it too, where it may be left empty: {@link #endpoint} then says so.
     */
    public LookupUrl(String template) {
        int mark = template.indexOf('?');
        String base = mark < 0 ? template : template.substring(0, mark);
        // the path is cut before the segment that holds the number
        int phone = base.indexOf(PLACEHOLDER);
        int cut = phone < 0 ? base.length() : base.lastIndexOf('/', phone);
        this.endpoint = base.substring(0, cut);
        this.path = phone < 0 ? null : base.substring(cut);
        this.query = mark < 0 ? null : template.substring(mark + 1);
    }

    /**
     * Whether {@code template} holds {@link #PLACEHOLDER} in its path or query only: the endpoint is the same for every
     * number, so the number cannot be part of the host (or its user), and a fragment is never sent.
     */
    public static boolean afterTheHost(String template) {
        int host = template.indexOf("://");
        int pathStart = host < 0 ? -1 : template.indexOf('/', host + 3);
        int queryStart = template.indexOf('?');
        int afterHost = pathStart < 0 ? queryStart : queryStart < 0 ? pathStart : Math.min(pathStart, queryStart);
        int first = template.indexOf(PLACEHOLDER);
        int fragment = template.indexOf('#');
        return afterHost >= 0 && first >= afterHost && (fragment < 0 || template.lastIndexOf(PLACEHOLDER) < fragment);
    }

    /** Scheme, host and the path before the number's segment. */
    public String endpoint() {
        if (!StartupChecks.isHttpUrl(endpoint)) {
            throw new CrmUnavailableException("setting crm.lookup.url, which the lookup route of crm.lookup reads (bean crmLookupUrl), "
                    + "is not an http(s) URL such as https://crm.example.com/api/contacts?phone=" + PLACEHOLDER);
        }
        return endpoint;
    }

    /** The rest of the path with the number URL-encoded ({@code +} becomes {@code %2B}); null when the number is in the query only. */
    public String path(String phone) {
        return path == null ? null : path.replace(PLACEHOLDER, encode(phone));
    }

    /** Endpoint and path in one, as a copy of the route made before {@link #path} reads it (an HTTP endpoint per number). */
    public String withoutQuery(String phone) {
        String rest = path(phone);
        return endpoint() + (rest == null ? "" : rest);
    }

    /** The query with the number URL-encoded; null when the URL has none. */
    public String query(String phone) {
        return query == null ? null : query.replace(PLACEHOLDER, encode(phone));
    }

    private static String encode(String phone) {
        return URLEncoder.encode(phone, StandardCharsets.UTF_8);
    }
}
