package ccs.connector.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import ccs.connector.config.Counters;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /observe/metrics counts webhooks, click2calls, failed requests and deliveries by outcome, and the
 * whole scrape passes {@code promtool check metrics} (Prometheus's own parser and linter: HELP text,
 * snake_case names and labels; Debian's prometheus package, .ci/run installs it).
 */
class BusinessMetricsTest extends ConnectorTestSupport {

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.api-key", "metrics-test-key");
        // the simulator's own hangup callback of the click2call would be a second accepted webhook
        settings.setProperty("ccs.simulator.hangup-delay", "10m");
    }

    @Test
    void webhooksClick2callsErrorsAndDeliveriesAreCountedByThePrometheusConventions() throws Exception {
        String hangup = "call_id=metrics-1&call_date=2026-11-02+10%3A00%3A00&duration=12&transaction_id=t-1&called_num=05321234567";
        assertThat(post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded", hangup).statusCode()).isEqualTo(200);
        assertThat(post("/webhooks/ccs/hangup?token=wrong", "application/x-www-form-urlencoded", hangup).statusCode()).isEqualTo(401);
        String click2call = "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\"}";
        assertThat(post("/api/v1/click2call", "application/json", click2call, "X-Api-Key", "metrics-test-key").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("/observe/metrics").body())
                // the callback above, and the hangup callback of the click2call below once the simulator ends the call
                .containsPattern("ccs_webhooks_total\\{.*outcome=\"accepted\".*route=\"webhook-hangup\".*} [12]\\.0")
                .containsPattern("ccs_http_errors_total\\{.*route=\"webhook-hangup\".*status=\"401\".*} 1")
                .containsPattern("ccs_click2call_total\\{.*outcome=\"accepted\".*tenant=\"demo\".*} 1")
                .containsPattern("ccs_crm_deliveries_total\\{.*outcome=\"delivered\".*sink=\"file\".*} [1-9]"));

        String scrape = get("/observe/metrics").body();
        assertThat(scrape).contains("route_id=\"webhook-hangup\"", "camel_context=\"ccs-connector\"").doesNotContain("routeId=", "camelContext=");
        assertThat(promtoolCheckMetrics(scrape)).isEmpty();
    }

    /**
     * A counter's HELP text is written once, where {@link Counters} declares it (the registry's filter gives it): every
     * micrometer: endpoint counts a declared counter and writes no text of its own, which could differ from it.
     */
    @Test
    void everyCounterOfTheRoutesIsDeclaredOnce() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> declared = Counters.ALL.stream().map(Counters.Counter::name).toList();
        List<String> undeclared = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                yaml.readTree(file.toFile()).findParents("uri").stream()
                        .filter(endpoint -> endpoint.get("uri").asText().startsWith("micrometer:"))
                        .filter(endpoint -> !declared.contains(endpoint.get("uri").asText().replaceFirst("^micrometer:counter:", "").replaceFirst("\\?.*", ""))
                                || endpoint.get("uri").asText().contains("metricsDescription=") || endpoint.path("parameters").has("metricsDescription"))
                        .forEach(endpoint -> undeclared.add(file + ": " + endpoint.get("uri").asText()));
            }
        }
        assertThat(undeclared).isEmpty();
    }

    /** What promtool finds wrong with the scrape (its lint lines, or why it failed); empty when all is well. */
    private static String promtoolCheckMetrics(String scrape) throws Exception {
        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool is not installed: .ci/run unpacks it from Debian's prometheus package", e);
        }
        try (var stdin = promtool.getOutputStream()) {
            stdin.write(scrape.getBytes(StandardCharsets.UTF_8));
        }
        String findings = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return promtool.waitFor() == 0 ? findings.trim() : "promtool exit " + promtool.exitValue() + ": " + findings;
    }
}
