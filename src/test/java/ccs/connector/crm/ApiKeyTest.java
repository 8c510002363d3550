package ccs.connector.crm;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** With connector.api-key set, /api/* answers only callers that send it (or, while it is rotated, the key it replaces) as X-Api-Key. */
class ApiKeyTest extends ConnectorTestSupport {

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.api-key", "crm-api-key-42");
        settings.setProperty("connector.api-key.previous", "crm-api-key-old");
    }

    @Test
    void aMissingOrWrongKeyIsRefusedWith401AndTheRightOneIsServed() throws Exception {
        assertThat(replay(null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = replay("crm-api-key-41");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                + "\"detail\":\"header X-Api-Key does not match connector.api-key\"}");
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("ApiKey realm=\"ccs-connector\", header=\"X-Api-Key\"");
        assertThat(wrong.headers().firstValue("X-Api-Key")).isEmpty();
        assertThat(replay("crm-api-key-42").statusCode()).isEqualTo(202);
    }

    @Test
    void whileTheKeyIsRotatedTheKeyItReplacesIsTakenToo() throws Exception {
        assertThat(replay("crm-api-key-old").statusCode()).as("a CRM not yet given the new key").isEqualTo(202);
        assertThat(replay("crm-api-key-42").statusCode()).isEqualTo(202);
        assertThat(replay("crm-api-key-ol").statusCode()).isEqualTo(401);
        assertThat(replay("").statusCode()).isEqualTo(401);
    }

    @Test
    void everyApiRouteSharesTheKeyCheckAndTheErrorAnswers() {
        List<String> apiRoutes = context.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions().stream()
                .filter(route -> route.getEndpointUrl().startsWith("platform-http:/api/"))
                .filter(route -> !"api-errors".equals(route.getRouteConfigurationId()))
                .map(RouteDefinition::getRouteId).toList();
        assertThat(apiRoutes).as("/api routes without routeConfigurationId: api-errors").isEmpty();
    }

    @Test
    void healthNeedsNoKey() throws Exception {
        assertThat(get("/observe/metrics").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> replay(String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/dead-letters/replay"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            request.header("X-Api-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
