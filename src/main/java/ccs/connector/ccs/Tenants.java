package ccs.connector.ccs;

import java.net.URI;
import java.time.ZoneId;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Settings;
import ccs.connector.event.InvalidFieldException;

/**
 * The tenants this connector serves. The default tenant comes from {@code ccs.tenant},
 * {@code ccs.api-url}, {@code ccs.app-token} and {@code ccs.timezone}; more tenants are listed
 * in {@code ccs.tenants} and may override any of those with {@code ccs.tenant.<name>.api-url},
 * {@code .app-token} and {@code .timezone}; a tenant on a platform of its own must set its own API URL and app token
 * ({@link #apiUrlKey}, {@link #appTokenKey}). An API URL of {@code embedded} means the built-in simulator.
 * A tenant is a subdomain, so its name is found in any letter case and answered as {@code ccs.tenants} spells it: event
 * ids, checkpoints and settings keep that one spelling whatever case a webhook or the CRM names the tenant in.
 */
public final class Tenants {

    public static final String EMBEDDED = "embedded";

    /** By {@link #key}: the name in lower case. */
    private final Map<String, Tenant> byName = new LinkedHashMap<>();
    private final Tenant defaultTenant;

    public Tenants(Collection<Tenant> tenants, String defaultName) {
        tenants.forEach(t -> byName.put(key(t.name()), t));
        this.defaultTenant = byName.get(key(defaultName));
    }

    /** A tenant name as compared: DNS names have no letter case. */
    public static String key(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    /** Reads the tenants from the settings; {@code embeddedApiUrl} starts the simulator the first time a tenant asks for it. */
    public static Tenants from(Settings settings, Supplier<String> embeddedApiUrl) {
        String defaultName = settings.required("ccs.tenant");
        ZoneId zone = settings.zone("ccs.timezone", ZoneId.of("Europe/Istanbul"));
        List<String> names = names(settings);
        if (names.stream().noneMatch(name -> key(name).equals(key(defaultName)))) {
            throw new InvalidSettingException("ccs.tenants", "does not list the default tenant '" + defaultName + "' (ccs.tenant)");
        }
        List<Tenant> tenants = names.stream().map(name -> {
            String urlKey = apiUrlKey(settings, name);
            String url = settings.required(urlKey);
            String resolved = EMBEDDED.equals(url) ? embeddedApiUrl.get() : checkedUrl(urlKey, url);
            return new Tenant(name, resolved, settings.required(appTokenKey(settings, name)),
                    settings.zone("ccs.tenant." + name + ".timezone", zone));
        }).toList();
        return new Tenants(tenants, defaultName);
    }

    /**
     * The names of the tenants served: {@code ccs.tenants}, or the default tenant alone ({@link #from} requires it). A name
     * listed twice, in any letter case, stops startup: both would be one tenant.
     */
    public static List<String> names(Settings settings) {
        List<String> names = settings.list("ccs.tenants", List.of(settings.string("ccs.tenant", "")));
        names.stream().filter(name -> names.stream().filter(other -> key(other).equals(key(name))).count() > 1).findFirst().ifPresent(name -> {
            throw new InvalidSettingException("ccs.tenants", "lists tenant " + name + " more than once (tenant names have no letter case): "
                    + "list each tenant once");
        });
        return names;
    }

    /**
     * The setting that holds a tenant's API URL: its own {@code ccs.tenant.<name>.api-url}, else {@code ccs.api-url}. Only
     * the default tenant and tenants on the simulator share {@code ccs.api-url}: another tenant without its own would have
     * its calls and CDRs asked of the default tenant's platform, with its token, and sent on as its own, so startup stops.
     */
    public static String apiUrlKey(Settings settings, String tenant) {
        String own = "ccs.tenant." + tenant + ".api-url";
        if (settings.optional(own).isPresent()) {
            return own;
        }
        if (isDefault(settings, tenant) || EMBEDDED.equals(settings.string("ccs.api-url", EMBEDDED))) {
            return "ccs.api-url";
        }
        throw new InvalidSettingException(own, "is missing: tenant " + tenant + " of ccs.tenants would be served by the default tenant's "
                + "API (ccs.api-url) and app token; set its own API base, e.g. https://" + tenant + ".callcenterstudio.com/api/, "
                + "and its ccs.tenant." + tenant + ".app-token");
    }

    /**
     * The setting that holds a tenant's application token: its own {@code ccs.tenant.<name>.app-token}, else
     * {@code ccs.app-token}, which only tenants on the simulator share with the default tenant. A real tenant at the default
     * tenant's API URL without a token of its own was the default tenant under another name: each of its calls and CDR
     * records went to the CRM twice, and its click2calls dialled as the default tenant's agents.
     */
    public static String appTokenKey(Settings settings, String tenant) {
        String own = "ccs.tenant." + tenant + ".app-token";
        if (settings.optional(own).isPresent()) {
            return own;
        }
        String urlKey = apiUrlKey(settings, tenant);
        boolean defaultsApi = settings.string(urlKey, "").equals(settings.string("ccs.api-url", ""));
        if (isDefault(settings, tenant) || defaultsApi && EMBEDDED.equals(settings.string("ccs.api-url", EMBEDDED))) {
            return "ccs.app-token";
        }
        throw new InvalidSettingException(own, "is missing: tenant " + tenant + (defaultsApi
                ? " is at the default tenant's API (" + urlKey + "), and with its app token it would be the default tenant under another name"
                : " has an API of its own (" + urlKey + "), which must never be sent the default tenant's app token (ccs.app-token)")
                + "; set the application token created in tenant " + tenant + ", from the environment or a vault");
    }

    private static boolean isDefault(Settings settings, String tenant) {
        return key(tenant).equals(key(settings.string("ccs.tenant", "")));
    }

    /** The named tenant; a null or blank name means the default tenant. */
    public Tenant get(String name) {
        return find(name).orElseThrow(() -> {
            String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
            return new InvalidFieldException("tenant", "'" + shown + "' is not served by this connector; known tenants: "
                    + all().stream().map(Tenant::name).toList());
        });
    }

    /** The name of the tenant that {@link #get} answers: the default tenant's for a null or blank name. */
    public String name(String name) {
        return get(name).name();
    }

    /** The named tenant in any letter case, as {@link #get} reads the name; empty for a name this connector does not serve. */
    public Optional<Tenant> find(String name) {
        return name == null || name.isBlank() ? Optional.of(defaultTenant) : Optional.ofNullable(byName.get(key(name)));
    }

    public Tenant defaultTenant() {
        return defaultTenant;
    }

    public Collection<Tenant> all() {
        return byName.values();
    }

    /** The API base URL of setting {@code key}, ending with a slash; one that is no http(s) URL stops startup naming the key. */
    public static String checkedUrl(String key, String url) {
        try {
            URI uri = URI.create(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(key, "is '" + url + "': use the tenant's API base such as "
                    + "https://acme.callcenterstudio.com/api/, or embedded for the built-in simulator");
        }
        return url.endsWith("/") ? url : url + "/";
    }
}
