package ccs.connector;

import java.io.File;
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

import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Test;

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
        Process connector = start(log, Map.of("CAMEL_SERVER_PORT", String.valueOf(port)), "-Dconnector.data-dir=target/it-data-" + port);
        try {
            awaitHealthUp(port);
            HttpResponse<String> metrics = get(port, "/observe/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("camel_exchanges_total");
        } finally {
            stop(connector);
        }
        String output = Files.readString(log);
        assertThat(output).contains("DEMO MODE").contains("simulator");
        String properties = Files.readString(Path.of("application.properties"));
        assertThat(properties).contains("ccs.app-token=sim-app-token-0123456789");
        assertThat(output).doesNotContain("sim-app-token-0123456789", "demo-webhook-token-change-me");
    }

    @Test
    void theDemoScreenPopAndAgentPageWorkFromTheJar() throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        Path log = Path.of("target", "it-connector-screen-pop-" + port + ".log");
        Process connector = start(log, Map.of(), "-Dcamel.server.port=" + port, "-Dccs.simulator.demo=false",
                "-Dconnector.data-dir=target/it-data-" + port);
        try {
            awaitHealthUp(port);
            // libphonenumber and the CSV reader on the jar's class path, contacts/demo-contacts.json found from the project root
            HttpResponse<String> screenPop = get(port, "/api/v1/screen-pop?phone=05321234567");
            assertThat(screenPop.statusCode()).isEqualTo(200);
            assertThat(screenPop.body()).contains("Elif Şahin");
            assertThat(get(port, "/agent?agentEmail=ayse.yilmaz@demo.example").body()).contains("id=\"softphone\"");
        } finally {
            stop(connector);
        }
    }

    @Test
    void aSessionTtlOutsideOneMinuteToTwelveHoursStopsStartupWithOneLineNamingTheKey() throws Exception {
        Path log = Path.of("target", "it-connector-bad-ttl.log");
        Process connector = start(log, Map.of(), "-Dccs.session.ttl=30s", "-Dcamel.server.port=" + AvailablePortFinder.getNextAvailable());
        assertThat(connector.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(connector.exitValue()).isEqualTo(2);
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).filteredOn(line -> line.startsWith("ccs-connector cannot start:")).singleElement()
                .asString().contains("ccs.session.ttl").contains("12h");
        assertThat(lines).noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
    }

    private static Process start(Path log, Map<String, String> environment, String... options) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(List.of(options));
        command.addAll(List.of("-jar", "target/ccs-connector.jar"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(new File(".")).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private void awaitHealthUp(int port) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> get(port, "/observe/health").body().contains("\"status\":\"UP\""));
    }

    private static void stop(Process connector) throws InterruptedException {
        connector.destroy();
        assertThat(connector.waitFor(40, TimeUnit.SECONDS)).as("stops within the shutdown timeout").isTrue();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
