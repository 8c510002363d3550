package ccs.connector.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import ccs.connector.api.ServerProblems;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Metrics;
import ccs.connector.config.Secrets;
import ccs.connector.config.Settings;
import ccs.connector.crm.CrmConfiguration;
import ccs.connector.event.Events;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * Binds the beans of the webhook intake ({@code routes/ccs/webhook-intake.camel.yaml}) and checks its
 * settings at startup. Runs after {@link CrmConfiguration}, whose {@code events} it uses.
 */
public class WebhookConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext camel) throws Exception {
        Settings settings = Settings.of(camel);
        IpNetworks allowed = IpNetworks.parse("connector.webhook.allowed-networks",
                settings.list("connector.webhook.allowed-networks", List.of()));
        settings.bool("connector.webhook.enrich-with-cdr", true);
        settings.duration("connector.webhook.enrich-timeout", Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofSeconds(30));
        settings.required("connector.webhook.enrich-queue");
        settings.integer("connector.webhook.enrich-consumers", 8, 1);
        settings.integer("connector.webhook.enrich-retries", 3, 0);
        settings.duration("connector.webhook.enrich-retry-delay", Duration.ofSeconds(2), Duration.ZERO, Duration.ofMinutes(1));
        Tenants tenants = camel.getRegistry().lookupByNameAndType("tenants", Tenants.class);
        Events events = camel.getRegistry().lookupByNameAndType("events", Events.class);
        camel.getRegistry().bind("webhookGuard", new WebhookGuard(camel.getRegistry().lookupByNameAndType("webhookTokens", WebhookTokens.class),
                tenants, allowed));
        camel.getRegistry().bind("webhookRequests", new WebhookRequests(tenants));
        camel.getRegistry().bind("cdrEnrichment", new CdrEnrichment(events, settings.string("connector.webhook.enrich-timeout", "2s")));
        camel.getRegistry().bind("cdrLookupBreakers", new CdrLookupBreakers());
        // a test's clock where one is bound
        camel.getRegistry().bind("webhookLetters", new WebhookLetters(camel.getRegistry().lookupByNameAndType("secrets", Secrets.class), tenants,
                camel.getRegistry().lookupByNameAndType("webhookTokens", WebhookTokens.class),
                Objects.requireNonNullElse(camel.getRegistry().findSingleByType(Ticker.class), Ticker.systemTicker())));
        int maxBodySize = settings.integer("camel.server.maxBodySize", 0);
        if (maxBodySize <= 0) {
            throw new InvalidSettingException("camel.server.maxBodySize", "must be set to the largest request body in bytes, e.g. 65536");
        }
        camel.addStartupListener(new ServerProblems(maxBodySize,
                settings.duration("connector.http.body-timeout", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(10)),
                new Metrics(camel)));
    }
}
