package ccs.connector.agentperf;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import ccs.connector.ConnectorConfiguration;
import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Settings;
import ccs.connector.crm.CrmConfiguration;
import ccs.connector.event.Events;
import ccs.connector.state.Database;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * Binds {@code agentPerformance} from the {@code ccs.agent-performance.*} settings: the time of day of each tenant's
 * daily run ({@code ccs.agent-performance.time}, per tenant {@code ccs.tenant.<name>.agent-performance.time}; empty or
 * {@code off}: none), {@code .catch-up-days}, {@code .max-days}, {@code .retry} (and checks {@code .check-interval}). Runs after {@link ConnectorConfiguration} and
 * {@link CrmConfiguration}.
 */
public class AgentPerformanceConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext camel) {
        Settings settings = Settings.of(camel);
        Tenants tenants = camel.getRegistry().lookupByNameAndType("tenants", Tenants.class);
        Optional<String> time = settings.optional("ccs.agent-performance.time");
        Map<String, LocalTime> times = new LinkedHashMap<>();
        for (Tenant tenant : tenants.all()) {
            String key = "ccs.tenant." + tenant.name() + ".agent-performance.time";
            Optional<String> own = settings.optional(key);
            timeOfDay(own.isPresent() ? key : "ccs.agent-performance.time", own.or(() -> time)).ifPresent(t -> times.put(tenant.name(), t));
        }
        int catchUpDays = settings.integer("ccs.agent-performance.catch-up-days", 7, 1);
        int maxDays = settings.integer("ccs.agent-performance.max-days", 31, 1);
        // read here so that a value that cannot be read stops startup naming the key; the timer of route agent-performance takes it
        settings.duration("ccs.agent-performance.check-interval", Duration.ofMinutes(1), Duration.ofMillis(100), Duration.ofHours(1));
        Duration retry = settings.duration("ccs.agent-performance.retry", Duration.ofMinutes(5), Duration.ofMillis(100), Duration.ofDays(1));
        Duration answerTimeout = settings.duration("ccs.agent-performance.answer-timeout", Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofMinutes(10));
        camel.getRegistry().bind("agentPerformance", new AgentPerformance(tenants,
                new AgentPerformanceState(camel.getRegistry().lookupByNameAndType(ConnectorConfiguration.STATE_STORE, Database.class)),
                camel.getRegistry().lookupByNameAndType("events", Events.class), times, catchUpDays, maxDays, retry, answerTimeout,
                Clock.systemUTC()));
    }

    /** HH:mm; empty or off: no daily run. */
    static Optional<LocalTime> timeOfDay(String key, Optional<String> value) {
        if (value.isEmpty() || value.get().equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalTime.parse(value.get()));
        } catch (DateTimeParseException e) {
            throw new InvalidSettingException(key, "is '" + value.get() + "': write a time of day such as 01:30 (tenant's zone), "
                    + "or leave it empty (or off) for no daily agent performance");
        }
    }
}
