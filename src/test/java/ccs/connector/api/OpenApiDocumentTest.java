package ccs.connector.api;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.ValidationMessage;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /api/v1/openapi.json, read by swagger-parser, and held against the running connector: every
 * /api and /webhooks route is documented with each of its methods, and every documented operation
 * answers a documented status with a documented content type.
 */
class OpenApiDocumentTest extends ConnectorTestSupport {

    private static final String AGENT = "ayse.yilmaz@demo.example";

    @Override
    protected void settings(Properties settings) {
        // a CDR record's answer with its recording's details
        settings.setProperty("ccs.cdr.recording-details", "true");
    }

    private final ObjectMapper json = new ObjectMapper();
    private OpenAPI api;
    /** The document as served, every object schema that lists its properties closed to others (an answer's undocumented field fails). */
    private JsonNode closedDocument;

    /** Before each test: the context starts per test class only once the first test runs. */
    @BeforeEach
    void readTheDocument() throws Exception {
        HttpResponse<String> answer = get("/api/v1/openapi.json");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(answer.body(), null, options);
        assertThat(parsed.getMessages()).as("parser messages").isEmpty();
        api = parsed.getOpenAPI();
        assertThat(api.getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");
        closedDocument = closed(json.readTree(answer.body()));
    }

    @Test
    void everyRouteUnderApiAndWebhooksIsDocumentedWithEachOfItsMethods() {
        List<String> served = new ArrayList<>();
        context.getComponent("platform-http", PlatformHttpComponent.class).getHttpEndpoints().stream()
                .filter(endpoint -> endpoint.getUri().startsWith("/api/") || endpoint.getUri().startsWith("/webhooks/"))
                .forEach(endpoint -> {
                    for (String verb : endpoint.getVerbs().split(",")) {
                        served.add(verb.trim() + " " + endpoint.getUri());
                    }
                });
        List<String> documented = new ArrayList<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> documented.add(method.name() + " " + path)));
        assertThat(served).isNotEmpty().doesNotContain("");
        assertThat(new TreeSet<>(documented)).isEqualTo(new TreeSet<>(served));
    }

    @Test
    void everyDocumentedOperationAnswersADocumentedStatusAndContentType() throws Exception {
        for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> operation : path.getValue().readOperationsMap().entrySet()) {
                String name = operation.getKey() + " " + path.getKey();
                HttpResponse<String> answer = http.send(request(path.getKey(), operation.getKey(), operation.getValue()),
                        HttpResponse.BodyHandlers.ofString());
                ApiResponse documented = operation.getValue().getResponses().get(String.valueOf(answer.statusCode()));
                assertThat(documented).as(name + " answered " + answer.statusCode() + " " + answer.body()).isNotNull();
                String contentType = answer.headers().firstValue("Content-Type").orElse("");
                assertThat(documented.getContent().keySet()).as(name + " " + answer.statusCode()).contains(contentType);
                assertMatchesDocument(operation.getKey().name(), path.getKey(), answer);
            }
        }
    }

    /**
     * Answers of every kind, successes included, each held against what the document says of its path, method and status:
     * the status and content type documented, the headers it documents sent, the body valid against its schema with no
     * field the schema does not list.
     */
    @Test
    void everyAnswerHoldsWhatTheDocumentSaysOfIt() throws Exception {
        LocalDate today = LocalDate.now(ZoneId.of("Europe/Istanbul"));
        String call = simulator().generateCdrs(1, today.minusDays(1).atTime(9, 0), today.minusDays(1).atTime(9, 5)).get(0);
        simulator().addCdr(Map.of("callid", "ahRzfmOpenApiRecorded", "calldate", today.minusDays(1) + " 10:00:00",
                "talkdate", today.minusDays(1) + " 10:00:05", "hangupdate", today.minusDays(1) + " 10:02:00",
                "recordingurl", "https://recordings.example/ahRzfmOpenApiRecorded.mp3"));
        // read live by its key: the card carries the call's custom variables
        String ringing = simulator().ring(AGENT, "05337654321").key();
        String overLimit = "{\"agentEmail\": \"" + "x".repeat(70_000) + "\"}";
        String[][] requests = {
            {"GET", "/api/v1/softphone-url", "/api/v1/softphone-url?agentEmail=" + AGENT},
            {"GET", "/api/v1/softphone-url", "/api/v1/softphone-url?agentEmail=nobody@demo.example"},
            {"GET", "/api/v1/screen-pop", "/api/v1/screen-pop?phone=05321234567"},
            {"GET", "/api/v1/screen-pop", "/api/v1/screen-pop?phone=05321234567&activecallkey=ahRzfm1"},
            {"GET", "/api/v1/screen-pop", "/api/v1/screen-pop?phone=05559990000"},
            {"GET", "/api/v1/screen-pop", "/api/v1/screen-pop?activecallkey=" + ringing + "&agentEmail=" + AGENT},
            {"GET", "/api/v1/calls/{activecallkey}", "/api/v1/calls/" + call},
            {"GET", "/api/v1/calls/{activecallkey}", "/api/v1/calls/ahRzfmNoSuchCall"},
            {"GET", "/api/v1/calls/{activecallkey}", "/api/v1/calls/ahRzfmOpenApiRecorded"},
            {"GET", "/api/v1/calls/{callKey}/recording", "/api/v1/calls/ahRzfmOpenApiRecorded/recording"},
            {"POST", "/api/v1/cdr/backfill", "/api/v1/cdr/backfill", "application/json",
                "{\"from\": \"" + today.minusDays(2) + "T00:00:00\", \"to\": \"" + today.minusDays(2) + "T00:10:00\"}"},
            {"GET", "/api/v1/cdr/backfill", "/api/v1/cdr/backfill?tenant=demo"},
            {"POST", "/api/v1/agents/performance/backfill", "/api/v1/agents/performance/backfill", "application/json",
                "{\"from\": \"" + today.minusDays(3) + "\", \"to\": \"" + today.minusDays(2) + "\"}"},
            {"POST", "/api/v1/agents/performance/backfill", "/api/v1/agents/performance/backfill", "application/json",
                "{\"from\": \"" + today.minusDays(3) + "\", \"to\": \"" + today.minusDays(2) + "\"}"},
            {"GET", "/api/v1/agents/performance/backfill", "/api/v1/agents/performance/backfill"},
            {"DELETE", "/api/v1/agents/performance/backfill", "/api/v1/agents/performance/backfill"},
            {"GET", "/api/v1/agents/performance", "/api/v1/agents/performance?from=" + today.minusDays(1)},
            {"GET", "/api/v1/status", "/api/v1/status"},
            {"GET", "/api/v1/status", "/api/v1/status?view=a&view=b"},
            {"GET", "/api/v1/openapi.json", "/api/v1/openapi.json?v=1&V=2"},
            {"POST", "/api/v1/dead-letters/replay", "/api/v1/dead-letters/replay?all=1&all=1"},
            {"GET", "/api/v1/dead-letters", "/api/v1/dead-letters?limit=10"},
            {"POST", "/api/v1/dead-letters/replay", "/api/v1/dead-letters/replay"},
            {"POST", "/api/v1/dead-letters/replay", "/api/v1/dead-letters/replay", "application/json", overLimit},
            {"POST", "/api/v1/agent-links", "/api/v1/agent-links", "application/json", overLimit},
            {"POST", "/api/v1/agent-links", "/api/v1/agent-links", "application/json", "{\"agentEmail\": \"" + AGENT + "\"}"},
            {"DELETE", "/api/v1/agent-links", "/api/v1/agent-links?agentEmail=" + AGENT},
            {"POST", "/api/v1/click2call", "/api/v1/click2call", "application/json",
                "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"CRM-openapi-1\"}"},
            {"POST", "/api/v1/click2call", "/api/v1/click2call", "application/json",
                "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"CRM-openapi-1\"}"},
            {"POST", "/api/v1/click2call", "/api/v1/click2call", "application/json",
                "{\"agentEmail\": \"nobody@demo.example\", \"phoneNumber\": \"05321234567\"}"},
            {"POST", "/api/v1/click2call", "/api/v1/click2call", "text/plain", "agentEmail"},
            {"POST", "/api/v1/calls/hangup", "/api/v1/calls/hangup", "application/json", "{\"agentEmail\": \"" + AGENT + "\"}"},
            {"POST", "/webhooks/ccs/hangup", "/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                "call_id=ahRzfmOpenApiHangup&disposition=ANSWER"},
            {"POST", "/webhooks/ccs/hangup", "/webhooks/ccs/hangup?token=wrong", "application/x-www-form-urlencoded", "call_id=x"},
            {"GET", "/webhooks/ccs/ivr", "/webhooks/ccs/ivr?token=" + webhookToken() + "&callkeyX=ahRzfmOpenApiIvr&event=answered"},
            {"POST", "/webhooks/ccs/ivr", "/webhooks/ccs/ivr?token=" + webhookToken(), "application/json", "{\"callkeyX\": \"ahRzfmOpenApiIvr2\"}"},
        };
        Set<String> statuses = new TreeSet<>();
        List<String> mismatches = new ArrayList<>();
        for (String[] request : requests) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl() + request[2]));
            if (request.length > 3) {
                builder.header("Content-Type", request[3]).method(request[0], HttpRequest.BodyPublishers.ofString(request[4]));
            } else {
                builder.method(request[0], HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> answer = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            try {
                assertMatchesDocument(request[0], request[1], answer);
            } catch (AssertionError mismatch) {
                mismatches.add(mismatch.getMessage());
            }
            statuses.add(request[0] + " " + request[1] + " " + answer.statusCode());
        }
        assertThat(mismatches).isEmpty();
        // the requests reach the answers they are meant to, successes above all
        assertThat(statuses).contains("GET /api/v1/softphone-url 200", "GET /api/v1/screen-pop 200", "GET /api/v1/screen-pop 404",
                "GET /api/v1/calls/{activecallkey} 200", "GET /api/v1/calls/{activecallkey} 404", "GET /api/v1/calls/{callKey}/recording 200",
                "POST /api/v1/cdr/backfill 202", "POST /api/v1/agents/performance/backfill 202", "POST /api/v1/agents/performance/backfill 409",
                "DELETE /api/v1/agents/performance/backfill 200", "GET /api/v1/agents/performance 200", "GET /api/v1/status 200", "GET /api/v1/status 400", "GET /api/v1/openapi.json 400", "POST /api/v1/dead-letters/replay 400",
                "GET /api/v1/dead-letters 200", "POST /api/v1/dead-letters/replay 202", "POST /api/v1/dead-letters/replay 413",
                "POST /api/v1/agent-links 200", "POST /api/v1/agent-links 413",
                "DELETE /api/v1/agent-links 200", "POST /api/v1/click2call 200", "POST /api/v1/click2call 409", "POST /api/v1/click2call 422",
                "POST /api/v1/click2call 415", "POST /webhooks/ccs/hangup 200", "POST /webhooks/ccs/hangup 401", "GET /webhooks/ccs/ivr 200",
                "POST /webhooks/ccs/ivr 200");
    }

    /** The answer's status, content type, documented headers and body, against the document's answer of that operation and status. */
    private void assertMatchesDocument(String method, String path, HttpResponse<String> answer) throws Exception {
        String name = method + " " + path + " " + answer.statusCode() + " " + answer.body();
        JsonNode operation = closedDocument.path("paths").path(path).path(method.toLowerCase(java.util.Locale.ROOT));
        assertThat(operation.isObject()).as(name + ": documented").isTrue();
        JsonNode documented = operation.path("responses").path(String.valueOf(answer.statusCode()));
        assertThat(documented.isObject()).as(name + ": status documented").isTrue();
        String pointer = "/paths/" + escape(path) + "/" + method.toLowerCase(java.util.Locale.ROOT) + "/responses/" + answer.statusCode();
        if (documented.has("$ref")) {
            pointer = documented.get("$ref").asText().substring(1);
            documented = closedDocument.at(pointer);
        }
        for (Iterator<String> headers = documented.path("headers").fieldNames(); headers.hasNext(); ) {
            String header = headers.next();
            // a Retry-After goes with the failures that say when to try again, "when known"
            if (!header.equals("Retry-After") || answer.statusCode() == 429) {
                assertThat(answer.headers().firstValue(header)).as(name + ": header " + header).isPresent();
            }
        }
        String contentType = answer.headers().firstValue("Content-Type").orElse("");
        assertThat(documented.path("content").has(contentType)).as(name + ": content type " + contentType).isTrue();
        if (!documented.path("content").path(contentType).has("schema") || !contentType.contains("json")) {
            return;
        }
        ObjectNode schema = ((ObjectNode) closedDocument.deepCopy());
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$ref", "#" + pointer + "/content/" + escape(contentType) + "/schema");
        Set<ValidationMessage> errors = JsonSchemaFactory.getInstance(com.networknt.schema.SpecVersion.VersionFlag.V202012).getSchema(schema)
                .validate(json.readTree(answer.body()));
        assertThat(errors).as(name).isEmpty();
    }

    /** The document with additionalProperties false on every object schema that lists properties and says nothing of others. */
    private static JsonNode closed(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            if (object.has("properties") && object.path("type").asText().equals("object") && !object.has("additionalProperties")) {
                object.put("additionalProperties", false);
            }
            object.elements().forEachRemaining(OpenApiDocumentTest::closed);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(OpenApiDocumentTest::closed);
        }
        return node;
    }

    /** A JSON pointer's escape of one reference token. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** The request a client reading only the document would send: examples for parameters, an empty object or form. */
    private HttpRequest request(String path, PathItem.HttpMethod method, Operation operation) {
        StringBuilder query = new StringBuilder();
        String target = path;
        for (Parameter parameter : operation.getParameters() == null ? List.<Parameter>of() : operation.getParameters()) {
            String value = parameter.getExample() != null ? parameter.getExample().toString() : "x";
            if ("path".equals(parameter.getIn())) {
                target = target.replace("{" + parameter.getName() + "}", value);
            } else if (Boolean.TRUE.equals(parameter.getRequired())) {
                query.append('&').append(parameter.getName()).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        if (path.startsWith("/webhooks/")) {
            query.append("&token=").append(URLEncoder.encode(webhookToken(), StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + target + query.toString().replaceFirst("^&", "?")));
        if (operation.getRequestBody() == null) {
            return request.method(method.name(), HttpRequest.BodyPublishers.noBody()).build();
        }
        String contentType = operation.getRequestBody().getContent().keySet().iterator().next();
        String body = contentType.equals("application/json") ? "{}" : "unknown=field";
        return request.header("Content-Type", contentType).method(method.name(), HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
