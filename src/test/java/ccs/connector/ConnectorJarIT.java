package ccs.connector;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import ccs.connector.crm.DeadLetters;
import ccs.connector.state.Database;
import ccs.connector.support.ConnectorProcess;
import ccs.connector.support.FreePorts;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged connector, started as the README says: java -jar target/ccs-connector.jar from the project root (what stops
 * it at startup: StartupRefusedIT).
 */
class ConnectorJarIT {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void startedAsTheReadmeSaysItReachesHealthUpOnTheEmbeddedDefault() throws Exception {
        int port = FreePorts.next();
        Path log = Path.of("target", "it-connector-" + port + ".log");
        // settings come from an environment variable and a system property, as the README says they may
        Process connector = ConnectorProcess.start(log, Map.of("CAMEL_SERVER_PORT", String.valueOf(port)), "-Dconnector.data-dir=target/it-data-" + port);
        try {
            awaitReady(port);
            HttpResponse<String> metrics = get(port, "/observe/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("camel_exchanges_total");
            assertThat(get(port, "/api/v1/screen-pop?phone=05321234567").statusCode()).as("the API moves with the port too").isEqualTo(200);
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
        int port = FreePorts.next();
        Path log = Path.of("target", "it-connector-screen-pop-" + port + ".log");
        // a REST lookup URL that crm.lookup=file leaves unused: a warning names both keys
        Process connector = ConnectorProcess.start(log, Map.of(), "-Dcamel.server.port=" + port, "-Dccs.simulator.demo=false",
                "-Dconnector.data-dir=target/it-data-" + port, "-Dcrm.lookup.url=https://crm.example.com/contacts?phone={phone}");
        try {
            awaitReady(port);
            // libphonenumber and the CSV reader on the jar's class path, contacts/demo-contacts.json found from the project root
            HttpResponse<String> screenPop = get(port, "/api/v1/screen-pop?phone=05321234567");
            assertThat(screenPop.statusCode()).as(screenPop.body()).isEqualTo(200);
            assertThat(screenPop.body()).contains("Elif Şahin");
            // the demo signs agent links with a key of its own: the startup log says how to ask for one
            HttpResponse<String> link = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/agent-links"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"agentEmail\": \"ayse.yilmaz@demo.example\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(link.statusCode()).as(link.body()).isEqualTo(200);
            String url = link.body().replaceAll(".*\"url\":\"([^\"]+)\".*", "$1");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .contains("id=\"softphone\"");
        } finally {
            stop(connector);
        }
        assertThat(Files.readString(log)).contains("DEMO MODE: agent page links are signed with a key made up at startup; "
                + "ask for one with curl -X POST http://localhost:" + port + "/api/v1/agent-links");
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).filteredOn(line -> line.contains(" WARN ") && line.contains("crm.lookup.url")).singleElement()
                .asString().contains("has no effect with crm.lookup=file");
        assertThat(lines).anyMatch(line -> line.contains("CRM side: events go to crm.sink=file")
                && line.contains("crm.lookup=file (contacts/demo-contacts.json)"));
    }

    /** A demo with connector.api-key set answers the logged request 401 without the key: the line says to send it. */
    @Test
    void theDemoLineForAnAgentLinkNamesTheApiKeyWhenOneIsSet() throws Exception {
        int port = FreePorts.next();
        Path log = Path.of("target", "it-connector-demo-key-" + port + ".log");
        Process connector = ConnectorProcess.start(log, Map.of(), "-Dcamel.server.port=" + port, "-Dccs.simulator.demo=false",
                "-Dconnector.data-dir=target/it-data-" + port, "-Dconnector.api-key=demo-api-key-0123456789");
        try {
            awaitReady(port);
        } finally {
            stop(connector);
        }
        assertThat(Files.readAllLines(log)).filteredOn(line -> line.contains("DEMO MODE: agent page links")).singleElement().asString()
                .contains("with header X-Api-Key set to connector.api-key").doesNotContain("demo-api-key-0123456789");
    }

    /**
     * A host in Turkish: Camel upper-cased a setting's name in the host's language to find its environment variable
     * (CONNECTOR_API_KEY became CONNECTOR_AP\u0130_KEY), so the API was open and the data went to ./data. Moved to another
     * zone, the same state store reads its times as they were written.
     */
    @Test
    void onAHostInTurkishEverySettingIsReadFromTheEnvironmentAndStoredTimesReadTheSameInAnotherZone() throws Exception {
        int port = FreePorts.next();
        Path data = Path.of("target", "it-turkish-host-" + port);
        Map<String, String> environment = Map.of("CONNECTOR_API_KEY", "turkish-host-api-key-0123", "CONNECTOR_DATA_DIR", data.toString(),
                "CAMEL_SERVER_PORT", String.valueOf(port));
        Path log = Path.of("target", "it-connector-turkish-host-" + port + ".log");
        Process connector = ConnectorProcess.start(log, environment, "-Duser.language=tr", "-Duser.country=TR",
                "-Duser.timezone=America/New_York", "-Dccs.simulator.demo=false");
        try {
            awaitReady(port);
            assertThat(get(port, "/api/v1/dead-letters").statusCode()).as("connector.api-key from CONNECTOR_API_KEY").isEqualTo(401);
            HttpResponse<String> kept = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                            + "/webhooks/ccs/hangup?token=demo-webhook-token-change-me")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("caller_id=05321234567")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(kept.statusCode()).as(kept.body()).isEqualTo(400);
        } finally {
            stop(connector);
        }
        assertThat(data.resolve("db")).as("connector.data-dir from CONNECTOR_DATA_DIR").isDirectory();

        Process movedEast = ConnectorProcess.start(log, environment, "-Duser.language=tr", "-Duser.country=TR",
                "-Duser.timezone=Asia/Tokyo", "-Dccs.simulator.demo=false");
        try {
            awaitReady(port);
            HttpResponse<String> letters = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/dead-letters"))
                    .header("X-Api-Key", "turkish-host-api-key-0123").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(letters.statusCode()).isEqualTo(200);
            Instant failedAt = Instant.parse(new ObjectMapper().readTree(letters.body()).findValue("failedAt").asText());
            assertThat(failedAt).as(letters.body()).isBetween(Instant.now().minus(Duration.ofMinutes(5)), Instant.now());
        } finally {
            stop(movedEast);
        }
    }

    @Test
    void theLeanJvmProfileStartsAndCarriesAnEventToTheCrm() throws Exception {
        int port = FreePorts.next();
        Path data = Path.of("target", "it-lean-data-" + port);
        writeDeadLetter(data, "smoke-1");
        Path log = Path.of("target", "it-connector-lean-" + port + ".log");
        Process connector = ConnectorProcess.start(log, Map.of(), "@deploy/jvm-lean.options", "-Dcamel.server.port=" + port,
                "-Dconnector.data-dir=" + data, "-Dccs.simulator.demo=false");
        try {
            awaitReady(port);
            assertThat(replay(port).statusCode()).isEqualTo(202);
            Path delivered = data.resolve("crm-out").resolve(ccs.connector.event.CloudEvent.fileName("demo:ccs.call.hangup:smoke-1"));
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(delivered));
            assertThat(Files.readString(delivered)).contains("\"id\":\"demo:ccs.call.hangup:smoke-1\"");
            assertThat(get(port, "/observe/metrics").body()).as("the serial collector of the lean profile runs").contains("id=\"Tenured Gen\"");
            // the threads that enriched and delivered it run at the lowest priority the operating system has; the others do not
            assertThat(niceValuesOfThreads(connector.pid())).contains(19, 0);
        } finally {
            stop(connector);
        }
    }

    @Test
    void aRunThatCamelEndsByItselfLeavesNoThreadKeepingTheJvmAlive() throws Exception {
        int port = FreePorts.next();
        Path log = Path.of("target", "it-connector-bounded-" + port + ".log");
        Process connector = ConnectorProcess.start(log, Map.of(), "-Dcamel.server.port=" + port, "-Dcamel.main.duration-max-seconds=15",
                "-Dconnector.data-dir=target/it-bounded-data-" + port, "-Dccs.simulator.demo=false");
        // the run ends after 15 s and shuts down in a few; idle broker threads used to hold the JVM a minute longer
        assertThat(connector.waitFor(50, TimeUnit.SECONDS)).as("exits once Camel stopped").isTrue();
        assertThat(connector.exitValue()).isZero();
        assertThat(Files.readString(log)).contains("Apache Camel (Main) 4.18.0 shutdown");
    }

    @Test
    void sigtermFinishesInFlightDeliveriesAnswers503ToNewRequestsAndExitsInTime() throws Exception {
        int port = FreePorts.next();
        Path data = Path.of("target", "it-shutdown-data-" + port);
        writeDeadLetter(data, "shutdown-1");
        try (RecordingHttpServer crm = new RecordingHttpServer()) {
            crm.answerWhen(r -> r.body().contains("shutdown-1"), RecordingHttpServer.Answer.status(200).after(Duration.ofSeconds(4)));
            String[] options = {"-Dcamel.server.port=" + port, "-Dconnector.data-dir=" + data, "-Dccs.simulator.demo=false",
                    "-Dcrm.sink=rest", "-Dcrm.rest.url=" + crm.url("/events")};
            Process connector = ConnectorProcess.start(Path.of("target", "it-connector-shutdown-" + port + ".log"), Map.of(), options);
            awaitReady(port);
            replay(port);
            await().atMost(Duration.ofSeconds(30)).until(() -> !deliveriesOf(crm, "demo:ccs.call.hangup:shutdown-1").isEmpty());

            long stopping = System.nanoTime();
            connector.destroy();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> replay(port).statusCode() == 503);
            assertThat(connector.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("within camel.main.shutdown-timeout").isLessThan(Duration.ofSeconds(25));

            Process restarted = ConnectorProcess.start(Path.of("target", "it-connector-restarted-" + port + ".log"), Map.of(), options);
            try {
                awaitReady(port);
                Thread.sleep(2000);
                assertThat(deliveriesOf(crm, "demo:ccs.call.hangup:shutdown-1"))
                        .as("the in-flight delivery was finished and acknowledged, not repeated").hasSize(1);
            } finally {
                stop(restarted);
            }
        }
    }

    @Test
    void applicationPropertiesIsReadAsUtf8() throws Exception {
        // the tenant's IVR step names its parameters as its administrator typed them, in Turkish here
        Path project = ConnectorProcess.projectCopy("it-utf8-");
        Files.writeString(project.resolve("application.properties"), Files.readString(Path.of("application.properties"))
                + "\nccs.ivr.param.call-key=çağrı_no\nccs.ivr.param.queue-name=kuyruk_adı\n");
        int port = FreePorts.next();
        Process connector = ConnectorProcess.startIn(project, project.resolve("connector.log"), Map.of(), "-Dcamel.server.port=" + port,
                "-Dccs.cdr.enabled=false");
        try {
            awaitReady(port);
            HttpResponse<String> notification = get(port, "/webhooks/ccs/ivr?token=demo-webhook-token-change-me"
                    + "&%C3%A7a%C4%9Fr%C4%B1_no=ahRzUTF8&kuyruk_ad%C4%B1=M%C3%BC%C5%9Fteri+Hizmetleri&callerid=05071303066&event=call_hangup");
            assertThat(notification.statusCode()).as(notification.body()).isEqualTo(200);
            Path crmOut = project.resolve("data").resolve("crm-out");
            Path event = await().atMost(Duration.ofSeconds(30)).until(() -> eventFile(crmOut, "ahRzUTF8"), Optional::isPresent).orElseThrow();
            assertThat(Files.readString(event)).contains("\"queueName\":\"Müşteri Hizmetleri\"", "\"outcome\":\"abandoned-in-queue\"");
        } finally {
            stop(connector);
        }
    }

    /**
     * A secret holding " #" given in the environment, for a key application.properties also has: the comment check reads
     * only what the file writes, so the connector starts and takes the secret whole.
     */
    @Test
    void aSecretHoldingAHashInTheEnvironmentIsTakenWhole() throws Exception {
        int port = FreePorts.next();
        String apiKey = "crm key #7 0123456789";
        Process connector = ConnectorProcess.start(Path.of("target", "it-hash-secret-" + port + ".log"),
                Map.of("CONNECTOR_API_KEY", apiKey), "-Dcamel.server.port=" + port, "-Dconnector.data-dir=target/it-data-" + port);
        try {
            awaitReady(port);
            assertThat(get(port, "/api/v1/screen-pop?phone=05321234567").statusCode()).as("without the key").isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/screen-pop?phone=05321234567"))
                    .header("X-Api-Key", apiKey).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("with the key as the environment gives it").isEqualTo(200);
        } finally {
            stop(connector);
        }
    }

    /** The application.properties of 074d780, the version before, starts this version's routes: its new keys have defaults. */
    @Test
    void theApplicationPropertiesOfTheVersionBeforeStartsThisVersion() throws Exception {
        Path project = ConnectorProcess.projectCopy("it-upgrade-");
        Files.copy(Path.of("src/test/resources/upgrade/application-074d780.properties"), project.resolve("application.properties"),
                StandardCopyOption.REPLACE_EXISTING);
        int port = FreePorts.next();
        Process connector = ConnectorProcess.startIn(project, project.resolve("connector.log"), Map.of(), "-Dcamel.server.port=" + port);
        try {
            awaitReady(port);
        } finally {
            stop(connector);
        }
    }

    /** The file sink's file of the event of that call, once written. */
    private static Optional<Path> eventFile(Path crmOut, String callKey) throws Exception {
        if (!Files.isDirectory(crmOut)) {
            return Optional.empty();
        }
        try (var files = Files.list(crmOut)) {
            // the event's file once renamed, not its .part file being written
            return files.map(Path::getFileName).map(Path::toString).filter(name -> name.contains(callKey) && name.endsWith(".json"))
                    .map(crmOut::resolve).findFirst();
        }
    }

    private static List<RecordingHttpServer.Received> deliveriesOf(RecordingHttpServer crm, String eventId) {
        return crm.received().stream().filter(r -> eventId.equals(r.header("Idempotency-Key"))).toList();
    }

    /** A dead letter in the state store of a connector not yet started, as one that failed before would have left. */
    private static void writeDeadLetter(Path data, String callKey) throws Exception {
        String id = "demo:ccs.call.hangup:" + callKey;
        try (Database database = Database.h2(data)) {
            new DeadLetters(database, null, null).keep(id, "event", """
                    {"eventId":"%1$s","reason":"test","attempts":1,
                     "event":{"specversion":"1.0","id":"%1$s","source":"ccs/demo","type":"ccs.call.hangup",
                              "time":"2026-11-02T07:00:42Z","subject":"%2$s","datacontenttype":"application/json",
                              "data":{"callKey":"%2$s"}}}""".formatted(id, callKey));
        }
    }

    private HttpResponse<String> replay(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/dead-letters/replay"))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitReady(int port) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> get(port, "/observe/health/ready").statusCode() == 200);
    }

    private static void stop(Process connector) throws InterruptedException {
        connector.destroy();
        assertThat(connector.waitFor(40, TimeUnit.SECONDS)).as("stops within the shutdown timeout").isTrue();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The nice value of each thread of the process (field 19 of /proc/PID/task/TID/stat, after the name in brackets). */
    private static List<Integer> niceValuesOfThreads(long pid) throws IOException {
        List<Integer> nice = new ArrayList<>();
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path thread : threads) {
                String stat = Files.readString(thread.resolve("stat"));
                nice.add(Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]));
            }
        }
        return nice;
    }

    /**
     * CAMEL_SERVER_PORT (the Deployment sets it) beside camel.server.port given as -D or in application.properties: Camel Main
     * bound the HTTP server on the other value while health, metrics and the public URL took the variable's, so the probes
     * answered on the Service's port and every webhook there was a 404. The variable wins for the doors and the probes alike.
     */
    @ParameterizedTest(name = "camel.server.port in {0}")
    @CsvSource({"a system property", "application.properties"})
    void theEnvironmentVariableOfThePortMovesTheDoorsAndTheProbesTogether(String where) throws Exception {
        int other = FreePorts.next();
        int port = FreePorts.next();
        Path project = ConnectorProcess.projectCopy("it-port-");
        String option = "-Dccs.cdr.enabled=false";
        if (where.equals("application.properties")) {
            Path properties = project.resolve("application.properties");
            Files.writeString(properties, Files.readString(properties).replaceFirst("(?m)^camel\\.server\\.port=.*$", "camel.server.port=" + other));
        } else {
            option = "-Dcamel.server.port=" + other;
        }
        Process connector = ConnectorProcess.startIn(project, project.resolve("connector.log"), Map.of("CAMEL_SERVER_PORT", String.valueOf(port)),
                option, "-Dccs.simulator.demo=false");
        try {
            awaitReady(port);
            HttpResponse<String> webhook = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                            + "/webhooks/ccs/hangup?token=demo-webhook-token-change-me")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("caller_id=05321234567")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(webhook.statusCode()).as("the webhook intake on the probes' port: " + webhook.body()).isEqualTo(400);
            assertThat(get(port, "/api/v1/openapi.json").statusCode()).as("the API on the probes' port").isEqualTo(200);
        } finally {
            stop(connector);
        }
        List<String> lines = Files.readAllLines(project.resolve("connector.log"));
        assertThat(lines).filteredOn(line -> line.contains("HttpServer started on")).singleElement().asString().endsWith(":" + port);
        assertThat(lines).as("connector.public-url").anyMatch(line -> line.contains("curl -X POST http://localhost:" + port + "/api/v1/agent-links"));
    }
}
