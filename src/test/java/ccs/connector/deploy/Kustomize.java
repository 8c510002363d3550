package ccs.connector.deploy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The repository root as kustomize renders it for {@code kubectl apply -k .} (Debian's kubernetes-client). */
final class Kustomize {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Kustomize() {
    }

    static List<JsonNode> render() throws Exception {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", ".").redirectErrorStream(true).start();
        String rendered = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor()).as(rendered).isZero();
        List<JsonNode> documents = new ArrayList<>();
        YAML.readValues(YAML.getFactory().createParser(rendered), JsonNode.class).forEachRemaining(documents::add);
        return documents;
    }
}
