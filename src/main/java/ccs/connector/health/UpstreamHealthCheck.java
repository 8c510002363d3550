package ccs.connector.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ccs.connector.ccs.CcsApi;
import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** Readiness: every tenant's Call Center Studio answers {@code ping} with the app token. */
public final class UpstreamHealthCheck extends CachedHealthCheck {

    private final Tenants tenants;
    private ProducerTemplate template;

    public UpstreamHealthCheck(Tenants tenants, Duration cacheFor) {
        super("ccs-upstream", cacheFor);
        this.tenants = tenants;
    }

    @Override
    protected Probe probe() {
        List<String> problems = new ArrayList<>();
        for (Tenant tenant : tenants.all()) {
            Exchange answer = template().send("direct:ccs-api-call", exchange -> {
                exchange.setVariable(CcsApi.TENANT, tenant.name());
                exchange.setVariable(CcsApi.FUNCTION, "ping");
            });
            if (answer.getException() != null) {
                problems.add(answer.getException().getMessage());
            } else if (!Boolean.TRUE.equals(answer.getMessage().getBody(Map.class).get("success"))) {
                problems.add("Call Center Studio tenant " + tenant.name() + " refused the app token on ping: check ccs.app-token");
            }
        }
        return new Probe(problems.isEmpty() ? null : String.join("; ", problems), Map.of("tenants", tenants.all().size()));
    }

    private synchronized ProducerTemplate template() {
        if (template == null) {
            template = getCamelContext().createProducerTemplate();
        }
        return template;
    }
}
