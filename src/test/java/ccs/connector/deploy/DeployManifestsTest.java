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

/** The deployment files parse, agree with each other, and carry the repository's settings and routes. */
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

        JsonNode secret = byKind("Secret");
        Map<String, String> fromSecret = new HashMap<>();
        container.get("env").forEach(env -> {
            if (env.has("valueFrom")) {
                assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo(secret.at("/metadata/name").asText());
                fromSecret.put(env.get("name").asText(), env.at("/valueFrom/secretKeyRef/key").asText());
            }
        });
        assertThat(fromSecret).containsOnlyKeys("CCS_APP_TOKEN", "CONNECTOR_WEBHOOK_TOKEN", "CONNECTOR_API_KEY");
        fromSecret.values().forEach(key -> assertThat(secret.at("/stringData/" + key).isTextual()).as(key).isTrue());

        JsonNode service = byKind("Service");
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo(container.at("/ports/0/name").asText());
        assertThat(service.at("/spec/selector/app").asText()).isEqualTo(deployment.at("/spec/template/metadata/labels/app").asText());
    }

    @Test
    void theConfigMapsHoldTheSettingsAndRoutesOfTheRepository() throws Exception {
        Map<String, JsonNode> configMaps = new HashMap<>();
        documents(KUBERNETES.resolve("configmaps.yaml")).forEach(doc -> configMaps.put(doc.at("/metadata/name").asText(), doc.get("data")));

        assertThat(configMaps.get("ccs-connector-settings").get("application.properties").asText())
                .as("regenerate with deploy/generate-configmaps.sh").isEqualTo(Files.readString(Path.of("application.properties")));
        for (String side : List.of("core", "ccs", "customer")) {
            JsonNode data = configMaps.get("ccs-connector-routes-" + side);
            try (Stream<Path> routes = Files.list(Path.of("routes", side))) {
                List<Path> files = routes.filter(f -> f.toString().endsWith(".yaml")).toList();
                assertThat(data.size()).as("routes/" + side + ": regenerate with deploy/generate-configmaps.sh").isEqualTo(files.size());
                for (Path route : files) {
                    assertThat(data.path(route.getFileName().toString()).asText())
                            .as(route + ": regenerate with deploy/generate-configmaps.sh").isEqualTo(Files.readString(route));
                }
            }
        }
        JsonNode mounts = byKind("Deployment").at("/spec/template/spec/containers/0/volumeMounts");
        List<String> paths = new ArrayList<>();
        mounts.forEach(m -> paths.add(m.get("mountPath").asText()));
        assertThat(paths).contains("/app/config/application.properties", "/app/config/routes/core", "/app/config/routes/ccs", "/app/config/routes/customer");
    }

    @Test
    void theImageRunsTheJarWithTheLeanProfileFromItsConfigDirectory() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).contains("COPY target/ccs-connector.jar", "COPY target/lib/", "COPY routes/", "COPY application.properties",
                "COPY deploy/jvm-lean.options", "WORKDIR /app/config", "@/app/jvm-lean.options").contains("USER 10001");
    }

    private JsonNode byKind(String kind) throws IOException {
        try (Stream<Path> listing = Files.list(KUBERNETES)) {
            for (Path file : listing.toList()) {
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
