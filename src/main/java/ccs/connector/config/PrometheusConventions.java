package ccs.connector.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Holds every meter of {@code /observe/metrics} to the Prometheus conventions, in the one registry
 * the connector binds as {@code metricsRegistry}: label names in snake_case (Camel's
 * {@code camelContext}, {@code routeId} and {@code eventType} become {@code camel_context},
 * {@code route_id} and {@code event_type}); HELP text for the meters that come without one (the
 * connector's counters, declared once in {@link Counters}, and some of Camel's; the connector's gauges
 * bring theirs); and none of the JVM meters whose names break the
 * conventions ({@code process_cpu_time_ns_total}: a unit abbreviation; {@code system_cpu_count}: a
 * gauge named like a summary's count).
 */
public final class PrometheusConventions implements MeterFilter {

    /**
     * The registry of {@code /observe/metrics}, bound as {@code metricsRegistry} by
     * {@code camel.beans.metricsRegistry} so that camel-micrometer-prometheus takes it instead of
     * making its own: the filter must be in place before the first meter is registered.
     */
    public static final class Registry extends PrometheusMeterRegistry {

        public Registry() {
            super(PrometheusConfig.DEFAULT);
            config().meterFilter(new PrometheusConventions());
        }
    }

    private static final Map<String, String> CAMEL_HELP = Map.of(
            "app.info", "the Camel application: context name, Camel version and runtime",
            "camel.routes.added", "routes added to the Camel context",
            "camel.routes.reloaded", "routes reloaded in the Camel context",
            "camel.routes.running", "routes running in the Camel context");

    private static final Set<String> DENIED = Set.of("process.cpu.time", "system.cpu.count");

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        return DENIED.contains(id.getName()) ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        List<Tag> tags = new ArrayList<>();
        for (Tag tag : id.getTagsAsIterable()) {
            tags.add(Tag.of(snakeCase(tag.getKey()), tag.getValue()));
        }
        String help = id.getDescription() != null && !id.getDescription().isBlank() ? id.getDescription()
                : CAMEL_HELP.getOrDefault(id.getName(), Counters.help(id.getName()));
        return new Meter.Id(id.getName(), Tags.of(tags), id.getBaseUnit(), help, id.getType());
    }

    static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('-', '_').replace('.', '_').toLowerCase(java.util.Locale.ROOT);
    }
}
