package ccs.connector.screenpop;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import ccs.connector.api.CrmUnavailableException;
import ccs.connector.config.StartupChecks;

/**
 * The REST lookup's URL, {@code crm.lookup.url}, with its {@code {phone}} placeholder in the path
 * or the query. The route calls {@link #withoutQuery} as the endpoint and sends {@link #query} in
 * the {@code CamelHttpQuery} header: a query inside an endpoint URI would have its {@code %2B}
 * turned back into a {@code +} (a space to the CRM), and Camel would print it, keys included.
 */
public final class LookupUrl {

    public static final String PLACEHOLDER = "{phone}";

    private final String base;
    private final String query;

    /**
     * {@code template} is an http(s) URL holding {@link #PLACEHOLDER}; ScreenPopConfiguration checks it for {@code crm.lookup=rest}.
     * A customer's copy of that lookup reads it too, where it may be left empty: {@link #withoutQuery} then says so.
     */
    public LookupUrl(String template) {
        int mark = template.indexOf('?');
        this.base = mark < 0 ? template : template.substring(0, mark);
        this.query = mark < 0 ? null : template.substring(mark + 1);
    }

    /** Scheme, host and path, the number in the path URL-encoded ({@code +} becomes {@code %2B}). */
    public String withoutQuery(String phone) {
        if (!StartupChecks.isHttpUrl(base.replace(PLACEHOLDER, "0"))) {
            throw new CrmUnavailableException("setting crm.lookup.url, which the lookup route of crm.lookup reads (bean crmLookupUrl), "
                    + "is not an http(s) URL such as https://crm.example.com/api/contacts?phone=" + PLACEHOLDER);
        }
        return base.replace(PLACEHOLDER, encode(phone));
    }

    /** The query with the number URL-encoded; null when the URL has none. */
    public String query(String phone) {
        return query == null ? null : query.replace(PLACEHOLDER, encode(phone));
    }

    private static String encode(String phone) {
        return URLEncoder.encode(phone, StandardCharsets.UTF_8);
    }
}
