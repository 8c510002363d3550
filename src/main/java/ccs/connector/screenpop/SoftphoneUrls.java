package ccs.connector.screenpop;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;

/**
 * The softphone's single sign-on URL of an agent: the SSO base ({@code ccs.softphone-url}, or the
 * simulator's fake softphone for a tenant served by the embedded simulator) with the tenant and the
 * agent's session. The tenant goes as its plain name or, with {@code ccs.softphone-tenant=host}, as
 * the host of its API URL ({@code acme.alo-tech.com}), as some softphone builds want it.
 * The URL carries the session: answer it to the agent's browser, never log it.
 */
public final class SoftphoneUrls {

    private final Tenants tenants;
    private final Function<Tenant, String> ssoBase;
    private final boolean tenantAsHost;

    /** {@code ssoBase} gives each tenant's SSO base URL. */
    public SoftphoneUrls(Tenants tenants, Function<Tenant, String> ssoBase, boolean tenantAsHost) {
        this.tenants = tenants;
        this.ssoBase = ssoBase;
        this.tenantAsHost = tenantAsHost;
    }

    /** The SSO URL for the agent whose session this is; a null or blank tenant means the default tenant. */
    public String url(String tenantName, String session) {
        Tenant tenant = tenants.get(tenantName);
        String base = ssoBase.apply(tenant);
        String tenantParameter = tenantAsHost ? URI.create(tenant.apiUrl()).getHost() : tenant.name();
        return base + (base.contains("?") ? "&" : "?") + "tenant=" + encode(tenantParameter) + "&session=" + encode(session);
    }

    /** The origins (scheme, host, port) of every tenant's softphone: the only frames the agent page may show. */
    public Set<String> origins() {
        Set<String> origins = new TreeSet<>();
        tenants.all().forEach(tenant -> {
            URI base = URI.create(ssoBase.apply(tenant));
            origins.add(base.getScheme() + "://" + base.getRawAuthority());
        });
        return origins;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
