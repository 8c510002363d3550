package ccs.connector.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.config.Counters;
import ccs.connector.config.Counters.Counter;
import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each counter is declared once (bean {@link Counters}; that no route writes a HELP text of its own:
 * {@code BusinessMetricsTest}), and /observe/metrics shows it once, with its declared HELP text and labels (the
 * Prometheus registry drops a series of other label names, so a zero start labelled otherwise than the counts would
 * lose the counts), and from the start unless noted.
 */
class CounterDeclarationsTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Pattern SERIES = Pattern.compile("^([a-z0-9_]+)\\{([^}]*)} ", Pattern.MULTILINE);
    /** On the scrape from its first count: its statuses are not known in advance. */
    private static final Set<Counter> NOT_FROM_ZERO = Set.of(Counters.HTTP_ERRORS);

    @Override
    protected void settings(Properties settings) {
        // no hangup callback of the simulator's within the test
        settings.setProperty("ccs.simulator.hangup-delay", "10m");
    }

    @Test
    void theScrapeShowsEachCounterOnceWithItsDeclaredHelpAndLabelsFromZero() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            String scrape = get("/observe/metrics").body();
            for (Counter counter : Counters.ALL) {
                String name = counter.name().replace('.', '_') + "_total";
                List<Set<String>> labelNames = labelNames(scrape, name);
                if (labelNames.isEmpty()) {
                    assertThat(NOT_FROM_ZERO).as(name + " is on the scrape from the start").contains(counter);
                    continue;
                }
                assertThat(scrape.lines().filter(line -> line.startsWith("# HELP " + name + " ")))
                        .containsExactly("# HELP " + name + " " + counter.help());
                Set<String> declared = new TreeSet<>(counter.labels());
                if (counter.ofRoutes()) {
                    declared.add("camel_context");
                }
                assertThat(labelNames).as(name).containsOnly(declared);
            }
        });
    }

    /**
     * The counters whose series first appeared at 1 (no increase to Prometheus: an alert on increase() missed the
     * first after a restart) are at 0 from the start too, their label values being known in advance.
     */
    @Test
    void theCountersOfKnownLabelsAreAtZeroFromTheStart() {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                .contains("ccs_session_cache_total{result=\"hit\"} 0.0", "ccs_session_cache_total{result=\"miss\"} 0.0")
                .containsPattern("ccs_webhooks_total\\{.*outcome=\"accepted\",route=\"webhook-hangup\"} 0\\.0")
                .containsPattern("ccs_cdr_records_total\\{.*source=\"backfill\",tenant=\"demo\"} 0\\.0")
                .containsPattern("ccs_cdr_pages_total\\{.*source=\"backfill\",tenant=\"demo\"} 0\\.0")
                .containsPattern("ccs_agent_performance_events_total\\{.*kind=\"backfill\",tenant=\"demo\"} 0\\.0")
                .containsPattern("ccs_crm_deliveries_total\\{.*outcome=\"refused\",sink=\"file\",type=\"none\"} 0\\.0"));
    }

    private static List<Set<String>> labelNames(String scrape, String name) {
        List<Set<String>> names = new ArrayList<>();
        Matcher series = SERIES.matcher(scrape);
        while (series.find()) {
            if (series.group(1).equals(name)) {
                Set<String> labels = new TreeSet<>();
                for (String label : series.group(2).split(",")) {
                    labels.add(label.substring(0, label.indexOf('=')));
                }
                names.add(labels);
            }
        }
        return names;
    }
}
