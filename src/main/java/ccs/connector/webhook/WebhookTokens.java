package ccs.connector.webhook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.Settings;
import ccs.connector.config.SharedSecret;

/**
 * The webhook tokens, and whose webhooks each admits. {@code connector.webhook-token} admits those of every tenant without a
 * token of its own; a tenant with {@code ccs.tenant.<name>.webhook-token} is admitted by that token alone, and that token
 * admits no other tenant: whoever holds one tenant's token (its administrators type it into their IVR steps) cannot speak
 * for another. Each token may have a {@code .previous}, the one it replaces while a rotation lasts. A tenant the connector
 * does not serve is judged by {@code connector.webhook-token} (its request is then refused as of an unknown tenant).
 */
public final class WebhookTokens {

    public static final String CONNECTOR_KEY = "connector.webhook-token";

    private final Token connectorWide;
    /** By {@link Tenants#key}: a tenant's name in any case. */
    private final Map<String, Token> byTenant = new LinkedHashMap<>();

    /** {@code ownByTenant}: the tenants with a token of their own, by name. */
    public WebhookTokens(Token connectorWide, Map<String, Token> ownByTenant) {
        this.connectorWide = connectorWide;
        ownByTenant.forEach((tenant, token) -> byTenant.put(Tenants.key(tenant), token));
    }

    /** The tokens of the settings: the connector's (required) and those of the tenants of {@code ccs.tenants} that have one. */
    public static WebhookTokens from(Settings settings) {
        Map<String, Token> own = new LinkedHashMap<>();
        for (String tenant : Tenants.names(settings)) {
            String key = key(tenant);
            settings.optional(key).ifPresent(value -> own.put(tenant, new Token(key, value, settings.string(key + ".previous", ""))));
        }
        return new WebhookTokens(new Token(CONNECTOR_KEY, settings.required(CONNECTOR_KEY), settings.string(CONNECTOR_KEY + ".previous", "")), own);
    }

    /** The setting of a tenant's own webhook token. */
    public static String key(String tenant) {
        return "ccs.tenant." + tenant + ".webhook-token";
    }

    /** The token that admits the webhooks of this tenant, named in any case: its own, else the connector's (also for null, a tenant not served). */
    public Token of(String tenant) {
        Token own = tenant == null ? null : byTenant.get(Tenants.key(tenant));
        return own != null ? own : connectorWide;
    }

    /**
     * The token that admits a request naming {@code tenant} as it spells it: a served tenant's in any letter case, the
     * default tenant's for none, the connector's for one not served. The guard, a letter kept and its replay choose alike.
     */
    public Token admitting(Tenants tenants, String tenant) {
        return of(tenants.find(tenant).map(Tenant::name).orElse(null));
    }

    /** Every token and every token it replaces: the secret values no event may carry. */
    public List<String> values() {
        List<String> values = new ArrayList<>(List.of(connectorWide.value(), connectorWide.previous()));
        byTenant.values().forEach(token -> values.addAll(List.of(token.value(), token.previous())));
        return values;
    }

    /**
     * One webhook token: the setting that holds it, its value and, while a rotation lasts, the value it replaces (empty: none).
     * {@link #toString()} names the setting only.
     */
    public static final class Token {

        private final String key;
        private final String value;
        private final String previous;
        private final SharedSecret current;
        private final SharedSecret replaced;

        /** {@code value} must not be empty: an empty secret would admit any request. */
        public Token(String key, String value, String previous) {
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(key + " is empty");
            }
            this.key = key;
            this.value = value;
            this.previous = previous == null ? "" : previous;
            this.current = new SharedSecret(value);
            this.replaced = this.previous.isEmpty() ? null : new SharedSecret(this.previous);
        }

        /** True when {@code presented} is this token or, during a rotation, the one it replaces; compared in constant time. */
        public boolean admits(String presented) {
            return !current.refuses(presented) || (replaced != null && !replaced.refuses(presented));
        }

        public String key() {
            return key;
        }

        public String value() {
            return value;
        }

        public String previous() {
            return previous;
        }

        @Override
        public String toString() {
            return "Token[" + key + "]";
        }
    }
}
