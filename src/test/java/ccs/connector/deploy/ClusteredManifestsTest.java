package ccs.connector.deploy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The component deploy/kubernetes/clustered on the repository's kustomization, as kustomize renders
 * it for an operator's own kustomization beside the repository (README, "Several replicas"):
 * three replicas on shared engines, one leader through a Lease.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusteredManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final List<JsonNode> manifests = new ArrayList<>();

    @BeforeAll
    void render() throws Exception {
        // outside the repository: kustomize refuses a kustomization inside the base it builds on
        Path own = Files.createTempDirectory("ccs-clustered");
        String repository = own.relativize(Path.of("").toAbsolutePath()).toString();
        Files.writeString(own.resolve("kustomization.yaml"), "resources:\n  - " + repository + "\ncomponents:\n  - "
                + repository + "/deploy/kubernetes/clustered\n");
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", own.toString()).redirectErrorStream(true).start();
        String rendered = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor()).as(rendered).isZero();
        YAML.readValues(YAML.getFactory().createParser(rendered), JsonNode.class).forEachRemaining(manifests::add);
    }

    @Test
    void threeReplicasRollOneAtATimeSpreadOverNodesAndLoseAtMostOneToADisruption() {
        JsonNode deployment = only("Deployment");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
        assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
        assertThat(deployment.at("/spec/template/spec/topologySpreadConstraints").findValuesAsText("topologyKey"))
                .contains("kubernetes.io/hostname");
        JsonNode budget = only("PodDisruptionBudget");
        assertThat(budget.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
        assertThat(budget.at("/spec/unhealthyPodEvictionPolicy").asText())
                .as("replicas that are not ready do not block a drain").isEqualTo("AlwaysAllow");
        assertThat(budget.at("/spec/selector/matchLabels/app").asText()).isEqualTo("ccs-connector");
        assertThat(manifests).as("no volume: the state, dead letters included, is in the shared database")
                .noneMatch(m -> m.get("kind").asText().equals("PersistentVolumeClaim"));
        assertThat(deployment.at("/spec/template/spec/volumes").findValuesAsText("claimName")).isEmpty();
    }

    @Test
    void theServiceAccountMayRenewLeasesAndListThePods() {
        JsonNode deployment = only("Deployment");
        String account = deployment.at("/spec/template/spec/serviceAccountName").asText();
        assertThat(only("ServiceAccount").at("/metadata/name").asText()).isEqualTo(account);
        JsonNode binding = only("RoleBinding");
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(account);
        JsonNode role = only("Role");
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo(role.at("/metadata/name").asText());
        Map<String, List<String>> verbs = new HashMap<>();
        role.get("rules").forEach(rule -> rule.get("resources").forEach(resource -> {
            List<String> allowed = new ArrayList<>();
            rule.get("verbs").forEach(verb -> allowed.add(verb.asText()));
            verbs.put(resource.asText(), allowed);
        }));
        assertThat(verbs).containsEntry("leases", List.of("get", "create", "update")).containsEntry("pods", List.of("get", "list"));
        assertThat(deployment.at("/spec/template/metadata/labels/app").asText()).as("the pods the election counts").isEqualTo("ccs-connector");
    }

    @Test
    void theSharedEnginesAndTheirCredentialsComeFromASecret() {
        JsonNode container = only("Deployment").at("/spec/template/spec/containers/0");
        Map<String, JsonNode> env = new HashMap<>();
        container.get("env").forEach(variable -> env.put(variable.get("name").asText(), variable));
        assertThat(env.get("CONNECTOR_CLUSTER").get("value").asText()).isEqualTo("kubernetes");
        assertThat(env.get("CRM_SINK").get("value").asText()).as("not files in the replica's emptyDir").isEqualTo("jms");
        JsonNode shared = manifests.stream().filter(m -> m.at("/metadata/name").asText().equals("ccs-connector-shared")).findFirst().orElseThrow();
        for (String name : List.of("CONNECTOR_DATABASE_URL", "CONNECTOR_DATABASE_USERNAME", "CONNECTOR_DATABASE_PASSWORD",
                "CONNECTOR_OUTBOX_BROKER_URL", "CONNECTOR_OUTBOX_USERNAME", "CONNECTOR_OUTBOX_PASSWORD")) {
            JsonNode reference = env.get(name).at("/valueFrom/secretKeyRef");
            assertThat(reference.get("name").asText()).as(name).isEqualTo("ccs-connector-shared");
            assertThat(shared.at("/stringData/" + reference.get("key").asText()).isTextual()).as(name).isTrue();
        }
        assertThat(shared.at("/stringData/database-url").asText()).startsWith("jdbc:postgresql:");
        assertThat(shared.at("/stringData/broker-url").asText()).startsWith("tcp:");
    }

    private JsonNode only(String kind) {
        List<JsonNode> found = manifests.stream().filter(m -> m.get("kind").asText().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }
}
