package ccs.connector.status;

import java.time.Clock;

import ccs.connector.agentpage.AgentPage;
import ccs.connector.agentperf.AgentPerformance;
import ccs.connector.ccs.Tenants;
import ccs.connector.cdr.CdrBackfills;
import ccs.connector.cdr.CdrState;
import ccs.connector.cdr.CdrSync;
import ccs.connector.cluster.ClusterLeadership;
import ccs.connector.config.Metrics;
import ccs.connector.config.Settings;
import ccs.connector.crm.DeadLetters;
import ccs.connector.crm.DeliveredEvents;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;

/**
 * Binds {@code operatorStatus} (GET /api/v1/status) and {@code statusPage} (the Content-Security-Policy of
 * GET /status) from the beans of the other configurations; runs after all of them.
 */
public class StatusConfiguration implements CamelConfiguration {

    public static final String PAGE = "status-page/status.html";

    @Override
    public void configure(CamelContext camel) {
        Settings settings = Settings.of(camel);
        var registry = camel.getRegistry();
        OperatorStatus status = new OperatorStatus(registry.lookupByNameAndType("tenants", Tenants.class),
                registry.lookupByNameAndType("cdrState", CdrState.class), registry.lookupByNameAndType("cdrSync", CdrSync.class),
                registry.lookupByNameAndType("cdrBackfills", CdrBackfills.class),
                registry.lookupByNameAndType("agentPerformance", AgentPerformance.class),
                registry.lookupByNameAndType("deliveredEvents", DeliveredEvents.class),
                registry.lookupByNameAndType("deadLetters", DeadLetters.class),
                registry.lookupByNameAndType("upstreamHealth", HealthCheck.class), registry.lookupByNameAndType("crmSinkHealth", HealthCheck.class),
                registry.lookupByNameAndType("outboxConnectionFactory", ConnectionFactory.class), settings.string("connector.outbox.queue", "ccs.outbox"),
                settings.string("connector.outbox.bulk-queue", "ccs.outbox.bulk"),
                settings.string("connector.webhook.enrich-queue", "ccs.webhook.enrich"),
                registry.lookupByNameAndType("leadership", ClusterLeadership.class), !settings.string("connector.cluster", "none").equals("none"),
                settings.bool("ccs.cdr.enabled", true), Clock.systemUTC());
        registry.bind("operatorStatus", status);
        registry.bind("operatorGauges", new OperatorGauges(status, registry.lookupByNameAndType("deadLetters", DeadLetters.class), new Metrics(camel)));
        registry.bind("statusPage", AgentPage.policyOfOwnPage(PAGE));
    }
}
