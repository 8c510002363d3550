package ccs.connector.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * connector.api.max-tenant-in-flight with two tenants, one on a Call Center Studio that accepts requests and answers nothing
 * (a real HTTP server): its agents' click2calls wait on it up to ccs.api.interactive-timeout each, and fill its own places
 * only, with its softphone URLs, screen pops by call key and call controls; the other tenant's click2calls and softphone
 * URLs (the embedded simulator) are served meanwhile.
 */
class TenantInFlightTest extends ConnectorTestSupport {

    private static final String[] API_KEY = {"X-Api-Key", REAL_TENANT_API_KEY};
    private static final int MAX_IN_FLIGHT = 4;

    private final ObjectMapper json = new ObjectMapper();

    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer hungPlatform;

    @Override
    protected void settings(Properties settings) {
        hungPlatform = slowTenant(settings, "{}");
        settings.setProperty("ccs.tenants", "demo,slow");
        // connector.api.max-tenant-in-flight as shipped: half of these with two tenants
        settings.setProperty("connector.api.max-in-flight", String.valueOf(MAX_IN_FLIGHT));
    }

    /** Before the connector stops: its held requests then end at once instead of holding the shutdown. */
    @AfterAll
    void stopTheHungPlatform() {
        hungPlatform.close();
    }

    @Test
    void aTenantWhosePlatformHangsTakesOnlyItsOwnPlaces() throws Exception {
        // as many of the hung tenant's click2calls as the connector has places, each agent's login waiting on the platform
        List<CompletableFuture<HttpResponse<String>>> hung = IntStream.rangeClosed(1, MAX_IN_FLIGHT)
                .mapToObj(agent -> click2call("{\"agentEmail\": \"agent" + agent + "@slow.example\", \"phoneNumber\": \"05321234567\", \"tenant\": \"slow\"}"))
                .toList();
        // each either waits on the hung platform or was refused
        await().atMost(Duration.ofSeconds(30)).until(() -> logins() + hung.stream().filter(CompletableFuture::isDone).count() == MAX_IN_FLIGHT);

        // at once, while the hung logins wait (up to ccs.api.interactive-timeout): what was refused, and the tenant's other
        // doors that wait on its platform, which share its places
        List<HttpResponse<String>> refused = hung.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
        List<HttpResponse<String>> others = List.of(get("/api/v1/softphone-url?agentEmail=agent9@slow.example&tenant=slow", API_KEY),
                get("/api/v1/screen-pop?activecallkey=slow-call-1&tenant=slow", API_KEY),
                post("/api/v1/calls/hold", "application/json", "{\"agentEmail\": \"agent1@slow.example\", \"tenant\": \"slow\"}", API_KEY));
        assertThat(logins()).as("the hung tenant's places: half of connector.api.max-in-flight").isEqualTo(MAX_IN_FLIGHT / 2);
        assertThat(refused).hasSize(MAX_IN_FLIGHT - MAX_IN_FLIGHT / 2).allSatisfy(answer -> {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
            assertThat(json.readTree(answer.body()).get("detail").asText()).contains("connector.api.max-tenant-in-flight", "tenant slow");
            assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
        });
        for (HttpResponse<String> other : others) {
            assertThat(other.statusCode()).as(other.body()).isEqualTo(503);
            assertThat(json.readTree(other.body()).get("detail").asText()).contains("connector.api.max-tenant-in-flight", "tenant slow");
        }
        // bad input is still told as such while the tenant's places are full
        HttpResponse<String> noAgent = get("/api/v1/softphone-url?tenant=slow", API_KEY);
        assertThat(noAgent.statusCode()).as(noAgent.body()).isEqualTo(400);
        assertThat(json.readTree(noAgent.body()).get("field").asText()).isEqualTo("agentEmail");

        HttpResponse<String> healthy = click2call("{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\"}").get();
        assertThat(healthy.statusCode()).as("the other tenant's click2call is dialled: " + healthy.body()).isEqualTo(200);
        assertThat(simulator().requests("click2call")).hasSize(1);
        HttpResponse<String> softphone = get("/api/v1/softphone-url?agentEmail=ayse.yilmaz@demo.example", API_KEY);
        assertThat(softphone.statusCode()).as(softphone.body()).isEqualTo(200);
        assertThat(logins()).as("the refused ones never reached the platform").isEqualTo(MAX_IN_FLIGHT / 2);
    }

    private long logins() {
        return hungPlatform.received().stream().filter(request -> request.query() != null && request.query().contains("function=login")).count();
    }

    private CompletableFuture<HttpResponse<String>> click2call(String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/click2call")).header(API_KEY[0], API_KEY[1])
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
