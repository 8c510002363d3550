package ccs.connector.click2call;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import ccs.connector.ccs.Tenants;
import ccs.connector.ConnectorConfiguration;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Settings;
import ccs.connector.crm.CrmConfiguration;
import ccs.connector.event.Events;
import ccs.connector.screenpop.PhoneNumbers;
import ccs.connector.state.Database;
import ccs.connector.webhook.WebhookTokens;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * Binds the beans of click2call and call control ({@code routes/ccs/ccs-click2call.camel.yaml} and the CRM's channels
 * {@code routes/customer/crm-click2call-*.camel.yaml}) and checks their settings at startup. Runs after
 * {@link CrmConfiguration}, whose {@code events} it uses.
 */
public class Click2callConfiguration implements CamelConfiguration {

    private static final List<String> NUMBER_FORMATS = List.of(Click2callRequests.AS_GIVEN, PhoneNumbers.NATIONAL, PhoneNumbers.E164);

    @Override
    public void configure(CamelContext camel) {
        Settings settings = Settings.of(camel);
        String region = PhoneNumbers.region(settings, "ccs.click2call.default-region");
        String format = settings.string("ccs.click2call.number-format", PhoneNumbers.NATIONAL).toLowerCase(Locale.ROOT);
        if (!NUMBER_FORMATS.contains(format)) {
            throw new InvalidSettingException("ccs.click2call.number-format", "is '" + format
                    + "': use as-given (the number as the CRM sent it), national (05321234567) or e164 (+905321234567)");
        }
        int perSecond = settings.integer("ccs.click2call.max-per-second", 10, 1);
        // a number in the JMS consumer's selector
        settings.integer("crm.click2call.max-message-bytes", 4 << 20, 1);
        settings.integer("ccs.click2call.upstream-retries", 3, 0);
        Duration retryDelay = settings.duration("ccs.click2call.upstream-retry-delay", Duration.ofSeconds(2));
        // in milliseconds for the retries' onException, whose redeliveryDelay Camel reads as a number only (and does not take
        // from the route's error handler): "2s" there would not start, and left out the retries waited 1 s whatever was set
        camel.getPropertiesComponent().addOverrideProperty("ccs.click2call.upstream-retry-delay", Long.toString(retryDelay.toMillis()));
        Duration coolDown = settings.duration("ccs.click2call.circuit-cool-down", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(10));
        Ticker ticker = camel.getRegistry().findSingleByType(Ticker.class);

        Events events = camel.getRegistry().lookupByNameAndType("events", Events.class);
        Click2callRequests click2callRequests = new Click2callRequests(
                camel.getRegistry().lookupByNameAndType("tenants", Tenants.class), events,
                new PhoneNumbers(region, List.of(PhoneNumbers.E164)), format,
                settings.required("connector.public-url"), camel.getRegistry().lookupByNameAndType("webhookTokens", WebhookTokens.class),
                settings.integer("camel.server.maxBodySize", 65536));
        camel.getRegistry().bind("click2callRequests", click2callRequests);
        camel.getRegistry().bind("callControls", new CallControls(click2callRequests, events));
        Database database = camel.getRegistry().lookupByNameAndType(ConnectorConfiguration.STATE_STORE, Database.class);
        Ticker clock = ticker != null ? ticker : Ticker.systemTicker();
        camel.getRegistry().bind("click2callCeiling", new Click2callCeiling(perSecond, clock, database.shared() ? database : null));
        camel.getRegistry().bind("click2callCircuits", new Click2callCircuits(coolDown, clock));
    }
}
