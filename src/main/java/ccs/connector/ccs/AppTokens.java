package ccs.connector.ccs;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether each tenant's Call Center Studio accepts its application token. A refusal (a login,
 * a CDR request or the health probe's {@code ping}; "Invalid Application Token", or HTTP 401 or 403) is held for {@code ccs.session.refusal-hold}:
 * meanwhile no login is tried for the tenant and callers get the {@link InvalidAppTokenException}
 * (422) at once. The first refusal logs one ERROR line naming the setting, never its value; the
 * next one only after the token was accepted again, or the platform was down meanwhile.
 */
public final class AppTokens {

    private static final Logger LOG = LoggerFactory.getLogger(AppTokens.class);

    private final Tenants tenants;
    private final Cache<String, InvalidAppTokenException> held;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    public AppTokens(Tenants tenants, Duration refusalHold, Ticker ticker) {
        this.tenants = tenants;
        this.held = Caffeine.newBuilder().expireAfterWrite(refusalHold).ticker(ticker).build();
    }

    /** Throws the tenant's refusal while it is held. */
    public void checkNotHeld(String tenant) {
        InvalidAppTokenException refusal = held.getIfPresent(tenant);
        if (refusal != null) {
            throw refusal.remembered();
        }
    }

    /**
     * Records that the tenant refused its token; returns the error to throw.
     *
     * @param how how the platform said it: its message, or the HTTP status of a refusal behind a gateway ("HTTP 401")
     */
    public InvalidAppTokenException refused(String tenant, String how) {
        InvalidAppTokenException refusal = new InvalidAppTokenException(tenant, settingOf(tenant), how);
        held.put(tenant, refusal);
        if (refused.add(tenant)) {
            LOG.error("Call Center Studio tenant {} refuses the application token ({}): set {} to the tenant's token; "
                    + "click2call and screen pop by call key answer 422 until it is accepted", tenant, how, settingOf(tenant));
        }
        return refusal;
    }

    /** Records that the tenant accepted its token (a login or a ping succeeded). */
    public void accepted(String tenant) {
        held.invalidate(tenant);
        if (refused.remove(tenant)) {
            LOG.info("Call Center Studio tenant {} accepts the application token again", tenant);
        }
    }

    /**
     * The tenant's Call Center Studio is down (the health probe logs that): whether it takes the token is not known, and
     * a refusal after the outage logs its line again.
     */
    public void unanswered(String tenant) {
        refused.remove(tenant);
    }

    private String settingOf(String tenant) {
        Tenant byDefault = tenants.defaultTenant();
        if (tenant.equals(byDefault.name())) {
            return "ccs.app-token (CCS_APP_TOKEN)";
        }
        // only a tenant at the default tenant's API may fall back to its token (Tenants.appTokenKey)
        return "ccs.tenant." + tenant + ".app-token" + (tenants.get(tenant).apiUrl().equals(byDefault.apiUrl()) ? " (or ccs.app-token)" : "");
    }
}
