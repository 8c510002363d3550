package ccs.connector.config;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;

/**
 * Business counters kept by Java beans, in the registry that {@code /observe/metrics} shows
 * (routes count with the {@code micrometer:} component instead). The registry is looked up at
 * first use: it is bound while Camel starts, after the beans are made.
 */
public final class Metrics {

    private final CamelContext camel;
    private volatile MeterRegistry registry;

    public Metrics(CamelContext camel) {
        this.camel = camel;
    }

    /**
     * Adds one to a counter of {@link Counters}, its labels' values in order; one that routes count too gets their
     * {@code camelContext} label, without which the Prometheus registry drops the series. Does nothing when metrics are off.
     */
    public void count(Counters.Counter counter, String... values) {
        MeterRegistry meters = registry();
        if (meters != null) {
            List<Tag> tags = counter.tags(List.of(values));
            if (counter.ofRoutes()) {
                tags.add(Tag.of("camelContext", camel.getName()));
            }
            meters.counter(counter.name(), tags).increment();
        }
    }

    /** Registers a gauge once (later calls find it registered); {@code help} is its HELP text on {@code /observe/metrics}. Does nothing when metrics are off. */
    public void gauge(String name, String help, Supplier<Number> value, String... tags) {
        MeterRegistry meters = registry();
        if (meters != null && meters.find(name).tags(tags).gauge() == null) {
            Gauge.builder(name, value).description(help).tags(tags).register(meters);
        }
    }

    /**
     * Calls {@code register} with the metrics registry once Camel has fully started (the registry
     * exists only once camel-micrometer-prometheus has started); never when metrics are off.
     */
    public static void onceStarted(CamelContext camel, Consumer<MeterRegistry> register) throws Exception {
        camel.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                MeterRegistry metrics = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
                if (metrics != null) {
                    register.accept(metrics);
                }
            }
        });
    }

    private MeterRegistry registry() {
        if (registry == null) {
            registry = camel.getRegistry().findSingleByType(MeterRegistry.class);
        }
        return registry;
    }
}
