package ccs.connector.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The deployment files parse, agree with each other, and kustomize gives the pod the repository's settings and routes. */
class DeployManifestsTest {

    private static final Path KUBERNETES = Path.of("deploy", "kubernetes");
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    @Test
    void everyManifestParsesAndTheKustomizationListsThemAll() throws Exception {
        List<String> files;
        try (Stream<Path> listing = Files.list(KUBERNETES)) {
            files = listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
        }
        for (String file : files) {
            assertThat(documents(KUBERNETES.resolve(file))).as(file).isNotEmpty()
                    .allSatisfy(doc -> assertThat(doc.has("kind")).as(file).isTrue());
        }
        List<String> resources = new ArrayList<>();
        documents(KUBERNETES.resolve("kustomization.yaml")).get(0).get("resources").forEach(r -> resources.add(r.asText()));
        assertThat(resources).containsExactlyInAnyOrderElementsOf(files.stream().filter(f -> !f.equals("kustomization.yaml")).toList());
    }

    @Test
    void theDeploymentProbesTheHealthEndpointsAndTakesItsSecretsFromTheSecret() throws Exception {
        JsonNode deployment = byKind("Deployment");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/observe/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/observe/health/ready");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
        // a read-only image: scratch files (the JVM's, Vert.x's file cache) go to a volume at /tmp
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.get("volumeMounts")).anySatisfy(mount -> assertThat(mount.get("mountPath").asText()).isEqualTo("/tmp"));
        // webhooks still taken while the endpoints' removal spreads, then Camel's own shutdown (20 s + 15 s) within the grace period
        int pause = container.at("/lifecycle/preStop/exec/command/1").asInt();
        assertThat(container.at("/lifecycle/preStop/exec/command/0").asText()).isEqualTo("sleep");
        assertThat(pause).isPositive();
        assertThat(deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asInt()).isGreaterThanOrEqualTo(pause + 20 + 15);
        // serial GC keeps the heap it grew to: the pod stays near its peak, which its request must cover
        assertThat(container.at("/resources/requests/memory").asText()).isEqualTo(container.at("/resources/limits/memory").asText());

        // the whole Secret as environment: a customer's token is a key of it and a setting, no manifest change
        JsonNode secret = byKind("Secret");
        assertThat(container.at("/envFrom/0/secretRef/name").asText()).isEqualTo(secret.at("/metadata/name").asText());
        assertThat(container.get("env")).noneMatch(env -> env.has("valueFrom"));
        List<String> keys = new ArrayList<>();
        secret.get("stringData").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).contains("CCS_APP_TOKEN", "CONNECTOR_WEBHOOK_TOKEN", "CONNECTOR_API_KEY", "CONNECTOR_AGENT_PAGE_SECRET")
                .allMatch(key -> key.matches("[A-Z][A-Z0-9_]*"), "an environment variable name");

        JsonNode service = byKind("Service");
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo(container.at("/ports/0/name").asText());
        assertThat(service.at("/spec/selector/app").asText()).isEqualTo(deployment.at("/spec/template/metadata/labels/app").asText());
    }

    /**
     * A start the liveness probe must not cut short: the state store is compacted before the HTTP server listens, and with
     * the dedupe store at crm.dedupe.max-keys (a 395 MB file) on the pod's CPU request (250m) that alone took 24 s, liveness
     * first answering at 47 s, where the liveness probe's 10 s + 3 x 10 s restarted the container in the middle of it, and
     * every start after it. A startup probe holds liveness off for minutes; liveness then restarts a hung connector as before.
     */
    @Test
    void aLongStartIsHeldByAStartupProbeNotRestartedByTheLivenessProbe() throws Exception {
        JsonNode container = byKind("Deployment").at("/spec/template/spec/containers/0");
        JsonNode startup = container.path("startupProbe");
        assertThat(startup.isMissingNode()).as("a startupProbe").isFalse();
        assertThat(startup.at("/httpGet/path").asText()).isEqualTo("/observe/health/live");
        assertThat(startup.at("/httpGet/port").asText()).isEqualTo(container.at("/livenessProbe/httpGet/port").asText());
        int budget = startup.path("initialDelaySeconds").asInt(0) + startup.path("periodSeconds").asInt(10) * startup.path("failureThreshold").asInt(3);
        assertThat(budget).as("seconds a start may take before the kubelet restarts it").isGreaterThanOrEqualTo(180);
        assertThat(startup.path("timeoutSeconds").asInt(1)).as("the probes' timeout, as they share the HTTP workers").isGreaterThanOrEqualTo(5);
    }

    @Test
    void onlyTheWebhooksFaceTheInternetAndTheRestIsOnAnInternalIngress() throws Exception {
        JsonNode service = byKind("Service");
        assertThat(service.at("/spec/type").asText("ClusterIP")).isEqualTo("ClusterIP");
        Map<String, JsonNode> ingresses = new HashMap<>();
        documents(KUBERNETES.resolve("ingress.yaml")).forEach(doc -> ingresses.put(doc.at("/metadata/name").asText(), doc));
        assertThat(ingresses).containsOnlyKeys("ccs-connector-webhooks", "ccs-connector-internal");
        JsonNode webhooks = ingresses.get("ccs-connector-webhooks");
        JsonNode internal = ingresses.get("ccs-connector-internal");
        assertThat(paths(webhooks)).containsExactly("/webhooks");
        assertThat(paths(internal)).containsExactlyInAnyOrder("/api", "/agent", "/status", "/observe");
        assertThat(webhooks.at("/spec/ingressClassName").asText()).isNotEqualTo(internal.at("/spec/ingressClassName").asText());
        for (JsonNode ingress : ingresses.values()) {
            ingress.at("/spec/rules").forEach(rule -> rule.at("/http/paths").forEach(path -> {
                assertThat(path.at("/backend/service/name").asText()).isEqualTo(service.at("/metadata/name").asText());
                assertThat(path.at("/backend/service/port/name").asText()).isEqualTo(service.at("/spec/ports/0/name").asText());
            }));
        }
    }

    private static List<String> paths(JsonNode ingress) {
        List<String> paths = new ArrayList<>();
        ingress.at("/spec/rules").forEach(rule -> rule.at("/http/paths").forEach(path -> paths.add(path.get("path").asText())));
        return paths;
    }

    @Test
    void kustomizeMountsTheRepositorysSettingsAndEveryRouteFile() throws Exception {
        Map<String, JsonNode> rendered = new HashMap<>();
        Kustomize.render().forEach(doc -> rendered.put(doc.path("kind").asText() + "/" + doc.at("/metadata/name").asText(), doc));
        JsonNode pod = rendered.get("Deployment/ccs-connector").at("/spec/template/spec");
        Map<String, JsonNode> volumes = new HashMap<>();
        pod.get("volumes").forEach(volume -> volumes.put(volume.get("name").asText(), volume));
        Map<String, JsonNode> mounted = new HashMap<>();
        pod.at("/containers/0/volumeMounts").forEach(mount -> {
            JsonNode configMap = volumes.get(mount.get("name").asText()).path("configMap");
            if (!configMap.isMissingNode()) {
                JsonNode data = rendered.get("ConfigMap/" + configMap.get("name").asText()).get("data");
                mounted.put(mount.get("mountPath").asText(), mount.has("subPath") ? data.get(mount.get("subPath").asText()) : data);
            }
        });

        assertThat(mounted.get("/app/config/application.properties").asText()).isEqualTo(Files.readString(Path.of("application.properties")));
        for (String side : List.of("core", "ccs", "customer")) {
            JsonNode data = mounted.get("/app/config/routes/" + side);
            Map<String, String> files = new HashMap<>();
            try (Stream<Path> routes = Files.list(Path.of("routes", side))) {
                for (Path route : routes.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                    files.put(route.getFileName().toString(), Files.readString(route));
                }
            }
            Map<String, String> inConfigMap = new HashMap<>();
            data.fieldNames().forEachRemaining(key -> inConfigMap.put(key, data.get(key).asText()));
            assertThat(inConfigMap).as("routes/" + side + ": each file listed in ./kustomization.yaml").isEqualTo(files);
        }
    }

    @Test
    void theImageRunsTheJarWithTheLeanProfileFromItsConfigDirectory() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).contains("COPY target/ccs-connector.jar", "COPY target/lib/", "COPY routes/", "COPY application.properties",
                "COPY deploy/jvm-lean.options", "WORKDIR /app/config").contains("USER 10001");
        // the lean profile and the class data archive are the entry point's, not only the build's training run
        String entryPoint = dockerfile.lines().filter(line -> line.startsWith("ENTRYPOINT ")).reduce((first, last) -> last).orElseThrow();
        assertThat(new ObjectMapper().readValue(entryPoint.substring("ENTRYPOINT ".length()), String[].class))
                .startsWith("java", "@/app/jvm-lean.options", "-XX:SharedArchiveFile=/app/ccs-connector.jsa").endsWith("-jar", "/app/ccs-connector.jar");
    }

    private JsonNode byKind(String kind) throws IOException {
        try (Stream<Path> listing = Files.list(KUBERNETES)) {
            for (Path file : listing.filter(Files::isRegularFile).toList()) {
                for (JsonNode doc : documents(file)) {
                    if (kind.equals(doc.path("kind").asText())) {
                        return doc;
                    }
                }
            }
        }
        throw new AssertionError("no " + kind + " in " + KUBERNETES);
    }

    private List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (YAMLParser parser = (YAMLParser) yaml.getFactory().createParser(file.toFile())) {
            yaml.readValues(parser, JsonNode.class).forEachRemaining(doc -> {
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    documents.add(doc);
                }
            });
        }
        return documents;
    }
}
