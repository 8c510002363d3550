package ccs.connector.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ccs.connector.ccs.AppTokens;
import ccs.connector.ccs.CcsApi;
import ccs.connector.ccs.InvalidAppTokenException;
import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.ccs.UpstreamException;
import ccs.connector.config.Metrics;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every tenant's Call Center Studio answers {@code ping} with the app token; the gauge
 * {@code ccs_upstream_up{tenant}} is 1 while it does. Not a readiness check: an outage or a
 * refused token makes click2call and screen pop by call key fail with a clear error, while
 * webhooks keep being taken in. A refused token is recorded in {@link AppTokens} (which logs it);
 * any other outage is logged once as a WARN line when it starts (an API base that redirects names
 * the URL to set), a refused token before it included, and once when it ends.
 */
public final class UpstreamHealthCheck extends CachedHealthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHealthCheck.class);

    private final Tenants tenants;
    private final AppTokens appTokens;
    private final Metrics metrics;
    private final Map<String, Found> found = new ConcurrentHashMap<>();
    private ProducerTemplate template;

    public UpstreamHealthCheck(Tenants tenants, AppTokens appTokens, Metrics metrics, Duration cacheFor) {
        super("ccs-upstream", cacheFor);
        this.tenants = tenants;
        this.appTokens = appTokens;
        this.metrics = metrics;
    }

    @Override
    protected Probe probe() {
        List<String> problems = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        for (Tenant tenant : tenants.all()) {
            Ping ping = ping(tenant);
            String problem = ping.problem();
            Found was = found.put(tenant.name(), ping.found());
            if (ping.found() == Found.UP && was != null && was != Found.UP) {
                LOG.info("Call Center Studio tenant {} answers again", tenant.name());
            } else if (ping.found() == Found.DOWN && was != Found.DOWN) {
                // after a refused token too, whose line would otherwise stay the log's latest word on the tenant; a refusal
                // after the outage is a line of its own again
                appTokens.unanswered(tenant.name());
                LOG.warn("Call Center Studio tenant {} is down: {}", tenant.name(), problem);
            }
            // read from the probe that the health and the status answer, so the gauge changes with them once every tenant
            // is pinged, not while the probe still pings the others
            metrics.gauge("ccs.upstream.up", "1 while the tenant's Call Center Studio answers ping and accepts the app token, else 0",
                    () -> publishedUp(tenant.name()) ? 1 : 0, "tenant", tenant.name());
            details.put("tenant." + tenant.name(), problem == null ? "up" : "down");
            if (problem != null) {
                // each tenant's own reason, for the status (a refused app token is no platform that does not answer)
                details.put("tenant." + tenant.name() + ".problem", problem);
                problems.add(problem);
            }
        }
        return new Probe(problems.isEmpty() ? null : String.join("; ", problems), details);
    }

    /** Whether the latest finished probe found the tenant's Call Center Studio up. */
    private boolean publishedUp(String tenant) {
        Probe probe = latest();
        return probe != null && "up".equals(probe.details().get("tenant." + tenant));
    }

    private Ping ping(Tenant tenant) {
        Exchange answer = template().send("direct:ccs-api-call", exchange -> {
            exchange.setVariable(CcsApi.TENANT, tenant.name());
            exchange.setVariable(CcsApi.FUNCTION, "ping");
        });
        Exception failure = answer.getException();
        if (failure != null) {
            return new Ping(ObjectHelper.getException(InvalidAppTokenException.class, failure) != null ? Found.REFUSED : Found.DOWN,
                    failure.getMessage());
        }
        Object success = answer.getMessage().getBody(Map.class).get("success");
        if (Boolean.FALSE.equals(success)) {
            return new Ping(Found.REFUSED, appTokens.refused(tenant.name(), InvalidAppTokenException.INVALID_APP_TOKEN).getMessage());
        }
        if (!Boolean.TRUE.equals(success)) {
            // the platform's slip, as for a login or a click2call: only "success": false refuses the token (a refusal holds back every login)
            return new Ping(Found.DOWN, UpstreamException.garbage(tenant.name(), "ping", "ping without \"success\": true or false").getMessage());
        }
        appTokens.accepted(tenant.name());
        return new Ping(Found.UP, null);
    }

    /** What a ping found of a tenant's Call Center Studio: it answers and takes the token, refuses the token, or is down. */
    private enum Found { UP, REFUSED, DOWN }

    /** A ping's finding, and the problem, but when it is up. */
    private record Ping(Found found, String problem) {
    }

    private synchronized ProducerTemplate template() {
        if (template == null) {
            template = getCamelContext().createProducerTemplate();
        }
        return template;
    }
}
