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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ccs.connector.support.ConnectorProcess;
import ccs.connector.support.FreePorts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A full run of the packaged connector in demo mode, as a newcomer starts it: within a minute CDR
 * records, hangup callbacks and IVR notifications reach the CRM (the file sink); then a click2call,
 * a screen pop and a softphone URL; and afterwards its whole log holds no token and no session, and no line that bypassed
 * the layout (a library's java.util.logging line, such as Caffeine's stack trace of a refused login).
 */
class FullRunIT {

    private static final Pattern SESSION_IN_URL = Pattern.compile("[?&]session=([^&\"]+)");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theDemoFlowsWithinAMinuteAndTheLogHoldsNoSecret() throws Exception {
        int port = FreePorts.next();
        Path data = Path.of("target", "it-full-run-" + port);
        Path log = Path.of("target", "it-full-run-" + port + ".log");
        Process connector = ConnectorProcess.start(log, Map.of(), "-Dcamel.server.port=" + port, "-Dconnector.data-dir=" + data,
                "-Dccs.simulator.demo-interval=1s", "-Dccs.cdr.interval=2s", "-Dccs.cdr.lag=1s");
        String session;
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> get(port, "/observe/health/ready").statusCode() == 200);
            Path crmOut = data.resolve("crm-out");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> deliveredTypes(crmOut).containsAll(List.of("ccs.cdr", "ccs.call.hangup", "ccs.ivr.notification")));

            HttpResponse<String> click2call = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/click2call"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(click2call.statusCode()).as(click2call.body()).isEqualTo(200);
            assertThat(get(port, "/api/v1/screen-pop?phone=05321234567").statusCode()).isEqualTo(200);
            HttpResponse<String> softphone = get(port, "/api/v1/softphone-url?agentEmail=ayse.yilmaz@demo.example");
            assertThat(softphone.statusCode()).isEqualTo(200);
            Matcher inUrl = SESSION_IN_URL.matcher(softphone.body());
            assertThat(inUrl.find()).as(softphone.body()).isTrue();
            session = inUrl.group(1);
            assertThat(get(port, "/api/v1/softphone-url?agentEmail=ghost@demo.example").statusCode()).as("a login refused").isEqualTo(422);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("click2call of agent ayse.yilmaz@demo.example"));
        } finally {
            connector.destroy();
            assertThat(connector.waitFor(40, TimeUnit.SECONDS)).isTrue();
        }

        String output = Files.readString(log);
        assertThat(output).contains("DEMO MODE", "Logged in agent", "handed on as event", "Delivered event demo:ccs.call.hangup:",
                "events to the CRM (file sink): ");
        assertThat(output).doesNotContain(session, "sim-app-token-0123456789", "demo-webhook-token-change-me");
        assertThat(output).doesNotContainPattern("[0-9a-f]{40,}");
        // every line through the layout: none in java.util.logging's own format, which would pass unmasked
        assertThat(output).contains("Login refused").doesNotContainPattern("(?m)^(SEVERE|WARNING|INFO|FINE): ");
    }

    private static List<String> deliveredTypes(Path crmOut) throws Exception {
        if (!Files.isDirectory(crmOut)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(crmOut)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.split("_")[1]).distinct().toList();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
