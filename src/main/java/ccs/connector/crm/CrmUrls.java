package ccs.connector.crm;

import org.apache.camel.Variable;

/**
 * Splits the URL an HTTP CRM is sent to (route {@code crm-http-send}): a setting such as {@code crm.rest.url} may
 * carry a query of its own (a flow's {@code api-version} and signature), which goes out exactly as written, after
 * the path a customer route adds ({@code crmPath}), and never mixed with the HTTP endpoint's options.
 */
public final class CrmUrls {

    /**
     * Scheme, host and path of {@code crmUrl}: the same for every message, as {@code crmPath} travels in the
     * {@code CamelHttpPath} header. Each URI is an HTTP endpoint of its own, with its own client and connection pool.
     */
    public String endpoint(@Variable("crmUrl") String url) {
        int mark = url.indexOf('?');
        return mark < 0 ? url : url.substring(0, mark);
    }

    /** The query of {@code crmUrl} as written (still URL-encoded), or null when it has none. */
    public String query(@Variable("crmUrl") String url) {
        int mark = url.indexOf('?');
        return mark < 0 || mark == url.length() - 1 ? null : url.substring(mark + 1);
    }
}
