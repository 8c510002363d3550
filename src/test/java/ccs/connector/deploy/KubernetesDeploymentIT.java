package ccs.connector.deploy;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ccs.connector.support.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped manifests start the connector: the repository root rendered by kustomize
 * ({@code kubectl kustomize .}), the image's files laid out as the Dockerfile copies them under a
 * directory standing for {@code /}, the rendered ConfigMaps and volumes mounted over them as the
 * Deployment says, and the image's entry point run there with the Deployment's environment.
 */
class KubernetesDeploymentIT {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theRenderedManifestsStartTheConnectorUntilReady() throws Exception {
        Pod pod = Pod.fromManifests("pod-" + FreePorts.next());
        Process connector = pod.start();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> !connector.isAlive() || get(pod.port, "/observe/health/ready").statusCode() == 200);
            assertThat(connector.isAlive()).as(pod.log()).isTrue();
            HttpResponse<String> screenPop = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + pod.port
                    + "/api/v1/screen-pop?phone=05321234567")).header("X-Api-Key", pod.environment().get("CONNECTOR_API_KEY")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(screenPop.statusCode()).as("the demo contacts are in the pod: " + screenPop.body()).isEqualTo(200);
        } finally {
            connector.destroy();
            assertThat(connector.waitFor(40, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aRouteThatCannotStartEndsThePodWithOneLineNamingIt() throws Exception {
        Pod pod = Pod.fromManifests("broken-" + FreePorts.next());
        // a customer route whose consumer cannot start: its broker accepts no connection
        Files.writeString(pod.file("/app/config/routes/customer/broken-inbox.camel.yaml"), """
                - beans:
                    - name: unreachableBroker
                      type: org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory
                      properties:
                        brokerURL: tcp://127.0.0.1:%d?reconnectAttempts=0
                - route:
                    id: broken-inbox
                    from:
                      uri: jms:queue:inbox?connectionFactory=#unreachableBroker&testConnectionOnStartup=true
                      steps:
                        - log:
                            message: "${body}"
                """.formatted(FreePorts.next()));
        Process connector = pod.start();
        assertThat(connector.waitFor(90, TimeUnit.SECONDS)).as("the process ends").isTrue();
        assertThat(connector.exitValue()).isEqualTo(3);
        assertThat(Files.readAllLines(pod.log)).filteredOn(line -> line.startsWith("ccs-connector cannot start:")).singleElement()
                .asString().contains("route broken-inbox ").contains("did not start");
    }

    /**
     * The image's build makes its class data archive by a bounded run of the connector: on its own settings, never the
     * tenant's application.properties, whose secrets the build does not have (the run stopped the build on them) and whose
     * tenant and CRM it must not poll or deliver to.
     */
    @Test
    void theImagesClassDataRunNeitherReadsNorNeedsTheTenantsSettings() throws Exception {
        Pod pod = Pod.fromManifests("training-" + FreePorts.next());
        // the README's real tenant, its secrets in the Secret as the README says, which a build does not see
        Files.writeString(pod.file("/app/config/application.properties"), Files.readString(pod.file("/app/config/application.properties"))
                + "\nccs.tenant=acme\nccs.api-url=https://acme.callcenterstudio.example/api/\nconnector.public-url=https://ccs.acme.example\n");

        Path output = pod.root.resolveSibling(pod.root.getFileName() + "-build.log");
        ProcessBuilder build = new ProcessBuilder("sh", "-c", pod.classDataRun()).directory(pod.file(pod.workDir).toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        build.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        // a build host's port 8080 may be taken: the training run's HTTP server takes a free one
        build.environment().put("CAMEL_SERVER_PORT", String.valueOf(FreePorts.next()));
        Process run = build.start();
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).as("the training run ends").isTrue();
        assertThat(run.exitValue()).as(Files.readString(output)).isZero();
        assertThat(Files.readString(output)).contains("class data archive recorded");
        assertThat(Files.size(pod.file("/app/ccs-connector.jsa"))).isGreaterThan(1 << 20);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The container's file system under {@code root}, and how to run its entry point there. */
    private static final class Pod {

        final Path root;
        final Path log;
        final int port = FreePorts.next();
        private final JsonNode podSpec;
        private final JsonNode container;
        private final Map<String, JsonNode> byKindAndName;
        private String workDir = "/";
        private List<String> entryPoint = List.of();
        /** The Dockerfile's RUN commands, continuation lines joined. */
        private final List<String> runs = new ArrayList<>();

        private Pod(Path root, List<JsonNode> manifests) {
            this.root = root;
            this.log = root.resolveSibling(root.getFileName() + ".log");
            this.byKindAndName = new HashMap<>();
            manifests.forEach(m -> byKindAndName.put(m.path("kind").asText() + "/" + m.at("/metadata/name").asText(), m));
            this.podSpec = manifests.stream().filter(m -> "Deployment".equals(m.path("kind").asText())).findFirst().orElseThrow()
                    .at("/spec/template/spec");
            this.container = podSpec.at("/containers/0");
        }

        static Pod fromManifests(String name) throws Exception {
            Pod pod = new Pod(Path.of("target", "kubernetes-it", name).toAbsolutePath(), Kustomize.render());
            deleteTree(pod.root);
            pod.buildImage();
            pod.mountVolumes();
            return pod;
        }

        /** The Dockerfile's COPY, WORKDIR and ENTRYPOINT; the build's own output is linked, not copied. Its RUN commands are kept. */
        private void buildImage() throws Exception {
            String dockerfile = Files.readString(Path.of("Dockerfile")).replace("\\\n", " ");
            for (String line : dockerfile.split("\n")) {
                String[] words = line.trim().split("\\s+");
                if (words[0].equals("COPY")) {
                    Path source = Path.of(words[1]);
                    Path target = file(words[2]);
                    if (source.startsWith("target")) {
                        Files.createDirectories(target.getParent());
                        Files.createSymbolicLink(target, source.toAbsolutePath());
                    } else {
                        copyTree(source, target);
                    }
                } else if (words[0].equals("RUN")) {
                    runs.add(line.trim().substring("RUN".length()).trim());
                } else if (words[0].equals("WORKDIR")) {
                    workDir = words[1];
                } else if (words[0].equals("ENTRYPOINT")) {
                    entryPoint = List.of(new ObjectMapper().readValue(line.trim().substring("ENTRYPOINT".length()), String[].class));
                }
            }
        }

        /** Each volume mount of the container: ConfigMaps (whole or one key by subPath) and empty directories for claims. */
        private void mountVolumes() throws Exception {
            Map<String, JsonNode> volumes = new HashMap<>();
            podSpec.path("volumes").forEach(v -> volumes.put(v.get("name").asText(), v));
            for (JsonNode mount : container.path("volumeMounts")) {
                JsonNode volume = volumes.get(mount.get("name").asText());
                Path target = file(mount.get("mountPath").asText());
                if (volume.has("configMap")) {
                    JsonNode data = byKindAndName.get("ConfigMap/" + volume.at("/configMap/name").asText()).path("data");
                    if (mount.has("subPath")) {
                        Files.createDirectories(target.getParent());
                        Files.writeString(target, data.get(mount.get("subPath").asText()).asText());
                    } else {
                        deleteTree(target);
                        Files.createDirectories(target);
                        for (String key : (Iterable<String>) data::fieldNames) {
                            Files.writeString(target.resolve(key), data.get(key).asText());
                        }
                    }
                } else {
                    deleteTree(target);
                    Files.createDirectories(target);
                }
            }
        }

        Process start() throws Exception {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String argument : entryPoint.subList(1, entryPoint.size())) {
                if (argument.startsWith("-XX:SharedArchiveFile=")) {
                    continue; // the class data archive is made while the image is built: not part of this layout
                }
                command.add(argument.startsWith("@") ? "@" + file(argument.substring(1)) : argument.startsWith("/") ? file(argument).toString() : argument);
            }
            ProcessBuilder builder = new ProcessBuilder(command).directory(file(workDir).toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment());
            return builder.start();
        }

        /** The container's environment, Secret values resolved, paths moved under the root, the port made free. */
        Map<String, String> environment() {
            Map<String, String> environment = new HashMap<>();
            for (JsonNode variable : container.path("env")) {
                String value = variable.path("value").asText();
                JsonNode secretKey = variable.at("/valueFrom/secretKeyRef");
                if (!secretKey.isMissingNode()) {
                    JsonNode secret = byKindAndName.get("Secret/" + secretKey.get("name").asText());
                    String key = secretKey.get("key").asText();
                    value = secret.at("/stringData/" + key).isTextual() ? secret.at("/stringData/" + key).asText()
                            : new String(Base64.getDecoder().decode(secret.at("/data/" + key).asText()), StandardCharsets.UTF_8);
                }
                environment.put(variable.get("name").asText(), value.startsWith("/") ? file(value).toString() : value);
            }
            for (JsonNode source : container.path("envFrom")) {
                JsonNode secret = byKindAndName.get("Secret/" + source.at("/secretRef/name").asText());
                secret.path("stringData").fields().forEachRemaining(key -> environment.put(key.getKey(), key.getValue().asText()));
            }
            environment.put("CAMEL_SERVER_PORT", String.valueOf(port));
            return environment;
        }

        /** The RUN command that makes the class data archive, its paths under /app moved under the root. */
        String classDataRun() {
            String run = runs.stream().filter(command -> command.contains(".jsa") || command.contains("class-data-training")).findFirst()
                    .orElseThrow();
            return run.replace("/app", file("/app").toString());
        }

        Path file(String absolutePath) {
            return root.resolve(absolutePath.substring(1));
        }

        String log() throws Exception {
            return Files.exists(log) ? Files.readString(log) : "";
        }

        private static void copyTree(Path source, Path target) throws Exception {
            if (!Files.isDirectory(source)) {
                Files.createDirectories(target.getParent());
                Files.copy(source, target);
                return;
            }
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.toList()) {
                    Path copy = target.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(file, copy);
                    }
                }
            }
        }

        private static void deleteTree(Path tree) throws Exception {
            if (Files.exists(tree, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> files = Files.walk(tree)) {
                    files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                }
            }
        }
    }
}
