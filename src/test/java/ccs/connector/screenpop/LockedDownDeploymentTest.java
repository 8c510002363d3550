package ccs.connector.screenpop;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** connector.api-key set and the agent page turned off, as for a CRM that embeds the softphone itself. */
class LockedDownDeploymentTest extends ConnectorTestSupport {

    private static final String KEY = "test-api-key-7f3a9c";

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.api-key", KEY);
        settings.setProperty("connector.agent-page.enabled", "false");
    }

    @Test
    void theApiAnswersOnlyRequestsWithTheKey() throws Exception {
        for (String path : new String[] {"/api/v1/screen-pop?phone=05321234567", "/api/v1/softphone-url?agentEmail=ayse.yilmaz@demo.example"}) {
            HttpResponse<String> missing = get(path);
            assertThat(missing.statusCode()).as(path).isEqualTo(401);
            assertThat(missing.body()).contains("X-Api-Key").contains("missing");

            HttpResponse<String> wrong = withKey(path, KEY + "x");
            assertThat(wrong.statusCode()).as(path).isEqualTo(401);
            assertThat(wrong.body()).contains("does not match").doesNotContain(KEY);
            assertThat(wrong.headers().map()).doesNotContainKey("x-api-key");

            assertThat(withKey(path, KEY).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(simulator().requests("login")).as("no login for a request without the key")
                .filteredOn(r -> "ayse.yilmaz@demo.example".equals(r.params().get("email"))).hasSize(1);
    }

    @Test
    void theAgentPageAndItsDoorsAreNotServed() throws Exception {
        assertThat(get("/agent").statusCode()).isEqualTo(404);
        assertThat(get("/agent/softphone-url?agentEmail=ayse.yilmaz@demo.example").statusCode()).isEqualTo(404);
        assertThat(post("/agent/screen-pop", "application/json", "{\"phone\": \"05321234567\"}").statusCode()).isEqualTo(404);
        HttpResponse<String> link = post("/api/v1/agent-links", "application/json", "{\"agentEmail\": \"ayse.yilmaz@demo.example\"}",
                "X-Api-Key", KEY);
        assertThat(link.statusCode()).isEqualTo(404);
        assertThat(link.body()).contains("the agent page is off");
        // without a body too: it is not the body that is wrong
        HttpResponse<String> bodyless = post("/api/v1/agent-links", null, null, "X-Api-Key", KEY);
        assertThat(bodyless.statusCode()).as(bodyless.body()).isEqualTo(404);
        assertThat(bodyless.body()).contains("the agent page is off");
    }

    private HttpResponse<String> withKey(String path, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("X-Api-Key", key).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
