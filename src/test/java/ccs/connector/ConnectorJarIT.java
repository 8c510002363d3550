package ccs.connector;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ccs.connector.support.ConnectorProcess;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The packaged connector, started as the README says: java -jar target/ccs-connector.jar from the project root. */
class ConnectorJarIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void startedAsTheReadmeSaysItReachesHealthUpOnTheEmbeddedDefault() throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        Path log = Path.of("target", "it-connector-" + port + ".log");
        // settings come from an environment variable and a system property, as the README says they may
        Process connector = ConnectorProcess.start(log, Map.of("CAMEL_SERVER_PORT", String.valueOf(port)), "-Dconnector.data-dir=target/it-data-" + port);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> get(port, "/observe/health").body().contains("\"status\":\"UP\""));
            HttpResponse<String> metrics = get(port, "/observe/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("camel_exchanges_total");
        } finally {
            connector.destroy();
            assertThat(connector.waitFor(40, TimeUnit.SECONDS)).as("stops within the shutdown timeout").isTrue();
        }
        String output = Files.readString(log);
        assertThat(output).contains("DEMO MODE").contains("simulator");
        String properties = Files.readString(Path.of("application.properties"));
        assertThat(properties).contains("ccs.app-token=sim-app-token-0123456789");
        assertThat(output).doesNotContain("sim-app-token-0123456789", "demo-webhook-token-change-me");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ccs.session.ttl     | -Dccs.session.ttl=30s",
            "ccs.session.ttl     | -Dccs.session.ttl=13h",
            "crm.sink            | -Dcrm.sink=salesforce",
            "crm.rest.url        | -Dcrm.sink=rest",
            "ccs.api-url         | -Dccs.api-url=acme.callcenterstudio.com -Dconnector.webhook-token=0123456789abcdef0123",
            "connector.webhook-token | -Dccs.api-url=https://acme.callcenterstudio.com/api/",
            "connector.data-dir  | -Dconnector.data-dir=/proc/no-such-dir",
            "ccs.cdr.start       | -Dccs.cdr.start=yesterday"})
    void aWrongSettingStopsStartupWithOneLineNamingTheKey(String key, String options) throws Exception {
        Path log = Path.of("target", "it-connector-bad-" + key + "-" + Math.abs(options.hashCode()) + ".log");
        List<String> arguments = new java.util.ArrayList<>(List.of(options.split(" ")));
        arguments.add("-Dcamel.server.port=" + AvailablePortFinder.getNextAvailable());
        Process connector = ConnectorProcess.start(log, Map.of(), arguments.toArray(String[]::new));
        assertThat(connector.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(connector.exitValue()).isEqualTo(2);
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).filteredOn(line -> line.startsWith("ccs-connector cannot start:")).singleElement()
                .asString().contains("setting " + key + " ");
        assertThat(lines).noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception") || line.contains(" ERROR "));
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
