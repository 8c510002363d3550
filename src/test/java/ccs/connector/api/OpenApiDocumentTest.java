package ccs.connector.api;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import ccs.connector.support.ConnectorTestSupport;
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

    private OpenAPI api;

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
            }
        }
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
