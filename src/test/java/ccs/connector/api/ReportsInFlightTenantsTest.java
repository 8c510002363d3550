package ccs.connector.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * connector.api.max-reports-in-flight with three tenants, two on a Call Center Studio that answers nothing for minutes (a
 * real HTTP server): a hung tenant's report requests fill its own places only, and the other tenants' reports are served
 * meanwhile, until all tenants' reports together fill half of connector.api.max-in-flight; click2calls and screen pops keep
 * the rest.
 */
class ReportsInFlightTenantsTest extends ConnectorTestSupport {

    private static final String[] API_KEY = {"X-Api-Key", REAL_TENANT_API_KEY};

    private final ObjectMapper json = new ObjectMapper();

    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer hungPlatform;

    @Override
    protected void settings(Properties settings) {
        hungPlatform = slowTenant(settings, "{}");
        settings.setProperty("ccs.tenant.slow2.api-url", hungPlatform.url("/api/"));
        settings.setProperty("ccs.tenant.slow2.app-token", "app-token-of-the-second-slow-tenant");
        settings.setProperty("ccs.tenants", "demo,slow,slow2");
        settings.setProperty("connector.api.max-reports-in-flight", "2");
        // all tenants' reports: 3 places at once
        settings.setProperty("connector.api.max-in-flight", "6");
        settings.setProperty("ccs.agent-performance.answer-timeout", "10m");
    }

    /** Before the connector stops: its held requests then end at once instead of holding the shutdown. */
    @AfterAll
    void stopTheHungPlatform() {
        hungPlatform.close();
    }

    @Test
    void aTenantWhosePlatformHangsTakesOnlyItsOwnReportPlaces() throws Exception {
        // agent performance: each day within ccs.api.cdr-timeout, so they wait on the hung platform for minutes
        String day = LocalDate.now(ZoneId.of("Europe/Istanbul")).minusDays(2).toString();
        List<CompletableFuture<HttpResponse<String>>> hung = List.of(getAsync("/api/v1/agents/performance?tenant=slow&from=" + day),
                getAsync("/api/v1/agents/performance?tenant=slow&from=" + day));
        // both wait on the hung platform, each in one of the places
        await().atMost(Duration.ofSeconds(60)).until(() -> hungPlatform.received().stream()
                .filter(request -> request.query() != null && request.query().contains("startdate=" + day)).count() == 2);

        HttpResponse<String> third = get("/api/v1/calls/slow-call-1?tenant=slow", API_KEY);
        assertThat(third.statusCode()).as("the hung tenant's places are full: " + third.body()).isEqualTo(503);
        assertThat(json.readTree(third.body()).get("detail").asText()).contains("connector.api.max-reports-in-flight");
        assertThat(third.headers().firstValue("Retry-After")).hasValue("5");

        HttpResponse<String> performance = get("/api/v1/agents/performance?tenant=demo&from=" + day, API_KEY);
        assertThat(performance.statusCode()).as("the other tenant's report is served: " + performance.body()).isEqualTo(200);
        HttpResponse<String> lookup = get("/api/v1/calls/no-such-call", API_KEY);
        assertThat(lookup.statusCode()).as("the default tenant's call lookup is asked of its platform: " + lookup.body()).isEqualTo(404);
        assertThat(simulator().requests("reportsAgentPerf")).isNotEmpty();
        HttpResponse<String> unknown = get("/api/v1/calls/acme-call-1/recording?tenant=acme", API_KEY);
        assertThat(unknown.statusCode()).as("a tenant not served has no places: " + unknown.body()).isEqualTo(400);
        assertThat(json.readTree(unknown.body()).get("field").asText()).isEqualTo("tenant");
        assertThat(json.readTree(third.body()).get("detail").asText()).as("the refusal names whose places are full").contains("tenant slow");
        assertThat(hung).as("the hung tenant's requests are still waiting on its platform").noneMatch(CompletableFuture::isDone);

        // the second hung tenant takes the last of all tenants' report places; its next report is refused for all of them
        CompletableFuture<HttpResponse<String>> alsoHung = getAsync("/api/v1/agents/performance?tenant=slow2&from=" + day);
        await().atMost(Duration.ofSeconds(60)).until(() -> hungPlatform.received().stream()
                .filter(request -> request.query() != null && request.query().contains("startdate=" + day)).count() == 3);
        HttpResponse<String> overAll = get("/api/v1/calls/slow2-call-1?tenant=slow2", API_KEY);
        assertThat(overAll.statusCode()).as("all tenants' report places are full: " + overAll.body()).isEqualTo(503);
        assertThat(json.readTree(overAll.body()).get("detail").asText()).contains("of all tenants", "connector.api.max-in-flight");
        assertThat(get("/api/v1/calls/no-such-call", API_KEY).statusCode()).as("so is the default tenant's").isEqualTo(503);
        HttpResponse<String> screenPop = get("/api/v1/screen-pop?phone=05321234567", API_KEY);
        assertThat(screenPop.statusCode()).as("a screen pop still has a place: " + screenPop.body()).isEqualTo(200);
        assertThat(alsoHung).isNotDone();
    }

    private CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header(API_KEY[0], API_KEY[1]).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
