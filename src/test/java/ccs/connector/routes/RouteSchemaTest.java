package ccs.connector.routes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route file under routes/ (and the customer examples of the tests) is valid against the JSON
 * schema that camel-yaml-dsl ships ({@code schema/camelYamlDsl.json}), read strictly in two ways:
 * a property placeholder ({@code {{...}}}) counts where a number or a boolean is wanted, as Camel
 * resolves it at start; and only the canonical form counts (an expression inside {@code expression:},
 * a language and {@code log} as objects), as the compact form is deprecated. And without noise: a step
 * that sets several variables is one setVariables.
 */
class RouteSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonSchema SCHEMA = canonicalSchema();

    static Stream<Path> routeFiles() throws IOException {
        return Stream.of(Path.of("routes"), Path.of("src/test/resources/customer-routes"))
                .flatMap(RouteSchemaTest::camelYaml).sorted();
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void isValidCanonicalCamelYaml(Path file) throws IOException {
        Set<ValidationMessage> errors = SCHEMA.validate(YAML.readTree(file.toFile()));

        assertThat(deepest(errors)).as(file.toString()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void setsSeveralVariablesInOneStep(Path file) throws IOException {
        List<String> runs = new ArrayList<>();
        setVariableRuns(YAML.readTree(file.toFile()), "$", runs);

        assertThat(runs).as(file + ": one setVariables step where a step sets several variables").isEmpty();
    }

    @Test
    void aTypoANumberForAStringAndTheCompactFormFail() throws IOException {
        List<String> wrong = List.of(
                "- route: {from: {uri: direct:a, steps: [{setBody: {expresion: {constant: {expression: x}}}}]}}",
                "- route: {from: {uri: direct:a, steps: [{setHeader: {name: h, expression: {constant: {expression: 202}}}}]}}",
                "- route: {from: {uri: direct:a, steps: [{setBody: {simple: {expression: x}}}]}}",
                "- route: {from: {uri: direct:a, steps: [{setBody: {expression: {simple: x}}}]}}",
                "- route: {from: {uri: direct:a, steps: [{log: x}]}}",
                "- route: {from: {uri: direct:a, parameters: {period: soon}, steps: [{split: {streaming: \"maybe\", expression: {simple: {expression: x}}}}]}}");
        for (String route : wrong) {
            assertThat(SCHEMA.validate(YAML.readTree(route))).as(route).isNotEmpty();
        }
        assertThat(SCHEMA.validate(YAML.readTree(
                "- route: {from: {uri: direct:a, steps: [{split: {streaming: \"{{x.streaming}}\", expression: {simple: {expression: x}}}}]}}")))
                .isEmpty();
    }

    /** Places where two setVariable steps of different variables follow each other. */
    private static void setVariableRuns(JsonNode node, String place, List<String> runs) {
        if (node instanceof ArrayNode steps) {
            for (int i = 1; i < steps.size(); i++) {
                JsonNode before = steps.get(i - 1).path("setVariable");
                JsonNode step = steps.get(i).path("setVariable");
                if (!before.isMissingNode() && !step.isMissingNode() && !before.path("name").equals(step.path("name"))) {
                    runs.add(place + "[" + i + "]");
                }
            }
        }
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(field -> setVariableRuns(field.getValue(), place + "." + field.getKey(), runs));
        } else {
            for (int i = 0; i < node.size(); i++) {
                setVariableRuns(node.get(i), place + "[" + i + "]", runs);
            }
        }
    }

    /** The errors at the deepest places only: the alternatives a oneOf tried above them say little. */
    private static List<String> deepest(Set<ValidationMessage> errors) {
        List<String> places = errors.stream().map(error -> error.getInstanceLocation().toString()).toList();
        return errors.stream().filter(error -> places.stream().noneMatch(place -> place.startsWith(error.getInstanceLocation() + ".")))
                .map(ValidationMessage::getMessage).distinct().sorted().toList();
    }

    private static Stream<Path> camelYaml(Path dir) {
        try {
            return Files.walk(dir).filter(file -> file.toString().endsWith(".camel.yaml")).toList().stream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonSchema canonicalSchema() {
        try (InputStream in = RouteSchemaTest.class.getResourceAsStream("/schema/camelYamlDsl.json")) {
            JsonNode schema = JSON.readTree(in);
            strict(schema);
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
        } catch (IOException e) {
            throw new IllegalStateException("camel-yaml-dsl ships schema/camelYamlDsl.json", e);
        }
    }

    /** The compact form's alternatives removed; placeholders where numbers and booleans are wanted. */
    private static void strict(JsonNode schema) {
        JsonNode definitions = schema.get("items").get("definitions");
        Set<String> languages = new HashSet<>();
        definitions.get("org.apache.camel.model.language.ExpressionDefinition").get("properties").fieldNames().forEachRemaining(languages::add);
        definitions.fields().forEachRemaining(definition -> {
            // a language or log written as a plain string is the compact form
            if ((definition.getKey().startsWith("org.apache.camel.model.language.") || definition.getKey().equals("org.apache.camel.model.LogDefinition"))
                    && definition.getValue().get("oneOf") instanceof ArrayNode alternatives) {
                for (int i = alternatives.size() - 1; i >= 0; i--) {
                    if (alternatives.get(i).path("type").asText().equals("string")) {
                        alternatives.remove(i);
                    }
                }
            }
            // an expression node (setBody, filter, ...) takes its expression only inside expression:
            if (definition.getValue().path("properties") instanceof ObjectNode properties && properties.has("expression")) {
                properties.remove(languages);
            }
        });
        placeholders(schema);
    }

    private static void placeholders(JsonNode node) {
        if (node instanceof ObjectNode object) {
            String type = object.path("type").asText();
            if (type.equals("boolean") || type.equals("number") || type.equals("integer")) {
                object.set("type", JSON.createArrayNode().add(type).add("string"));
                object.put("pattern", "^\\{\\{.+\\}\\}$");
            }
        }
        node.elements().forEachRemaining(RouteSchemaTest::placeholders);
    }
}
