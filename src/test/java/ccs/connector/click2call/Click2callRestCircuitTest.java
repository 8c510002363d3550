package ccs.connector.click2call;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * REST click2calls and call controls of a tenant whose Call Center Studio hangs (a real HTTP server that takes the
 * connection and answers nothing): the first waits ccs.api.interactive-timeout and fails, opening the tenant's circuit
 * (bean click2callCircuits, which its queued requests share); the tenant's next ones are answered 503 with Retry-After at
 * once, never sent, instead of each waiting that long on one of the tenant's places of connector.api.max-tenant-in-flight,
 * and so are its softphone URLs and screen pops by call key, which ask the same platform; its queued ones fail at once as
 * well.
 */
class Click2callRestCircuitTest extends ConnectorTestSupport {

    private static final String[] API_KEY = {"X-Api-Key", REAL_TENANT_API_KEY};

    private final ObjectMapper json = new ObjectMapper();

    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer hungPlatform;
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        hungPlatform = slowTenant(settings, "{\"success\": true}");
        crm = restCrm(settings);
        settings.setProperty("ccs.tenants", "demo,slow");
        settings.setProperty("ccs.api.interactive-timeout", "2s");
        // no probe of a tenant's platform within the test: only the requests' own dispatches reach it
        settings.setProperty("connector.health.cache", "10m");
        // the circuit stays open within the test once a request opened it
        settings.setProperty("ccs.click2call.circuit-cool-down", "5m");
    }

    /** Before the connector stops: its held requests then end at once instead of holding the shutdown. */
    @AfterAll
    void stopTheHungPlatform() {
        hungPlatform.close();
    }

    @Test
    void afterOneRequestFoundTheTenantsPlatformAwayItsNextRestRequestsAreAnswered503AtOnceNeverSent() throws Exception {
        HttpResponse<String> first = click2call("agent1", "slow-1");
        assertThat(first.statusCode()).as("no answer in ccs.api.interactive-timeout: " + first.body()).isEqualTo(504);
        assertThat(logins()).as("the first one's login").isEqualTo(1);

        HttpResponse<String> next = click2call("agent2", "slow-2");
        HttpResponse<String> hold = post("/api/v1/calls/hold", "application/json", "{\"agentEmail\": \"agent1@slow.example\", \"tenant\": \"slow\"}", API_KEY);
        // the other doors that ask the same platform: an agent's session for the softphone, a call read for a screen pop
        HttpResponse<String> softphone = get("/api/v1/softphone-url?agentEmail=agent4@slow.example&tenant=slow", API_KEY);
        HttpResponse<String> screenPop = get("/api/v1/screen-pop?activecallkey=slow-call-1&agentEmail=agent5@slow.example&tenant=slow", API_KEY);
        for (HttpResponse<String> heldBack : List.of(next, hold, softphone, screenPop)) {
            assertThat(heldBack.statusCode()).as(heldBack.body()).isEqualTo(503);
            assertThat(heldBack.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(heldBack.headers().firstValue("Retry-After")).as("the cool-down left").hasValueSatisfying(seconds ->
                    assertThat(Integer.parseInt(seconds)).isBetween(1, 300));
            assertThat(json.readTree(heldBack.body()).get("detail").asText())
                    .startsWith("Call Center Studio tenant slow did not answer login").contains("a moment ago: not sent", "ccs.click2call.circuit-cool-down");
        }
        // the tenant's queued requests meet the same circuit: the platform is one
        drop(dataDir.resolve("inbox").resolve("click2call"), "slow-3.json",
                "{\"tenant\": \"slow\", \"agentEmail\": \"agent3@slow.example\", \"phoneNumber\": \"05321234567\", \"transactionId\": \"slow-3\"}");
        assertThat(failure(crm, "slow:ccs.click2call.failed:slow-3").at("/data/error").asText())
                .startsWith("Call Center Studio tenant slow did not answer login").contains("a moment ago: not sent");
        assertThat(logins()).as("the held-back requests were not sent").isEqualTo(1);

        JsonNode healthy = json.readTree(post("/api/v1/click2call", "application/json",
                "{\"agentEmail\": \"ayse.yilmaz@demo.example\", \"phoneNumber\": \"05321234567\"}", API_KEY).body());
        assertThat(healthy.get("success").asBoolean()).as("another tenant's circuit: " + healthy).isTrue();

        // once the circuit closed: the held-back transaction id was never remembered, so it is sent now rather than refused
        // as dispatched or in flight already (409)
        closeTheCircuit("slow");
        HttpResponse<String> again = click2call("agent2", "slow-2");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(504);
        assertThat(logins()).isEqualTo(2);

        // a softphone URL that finds the platform away opens the circuit as a click2call does
        closeTheCircuit("slow");
        HttpResponse<String> session = get("/api/v1/softphone-url?agentEmail=agent6@slow.example&tenant=slow", API_KEY);
        assertThat(session.statusCode()).as(session.body()).isEqualTo(504);
        HttpResponse<String> afterSession = click2call("agent7", "slow-7");
        assertThat(afterSession.statusCode()).as(afterSession.body()).isEqualTo(503);
        assertThat(json.readTree(afterSession.body()).get("detail").asText()).contains("a moment ago: not sent");
        assertThat(logins()).isEqualTo(3);
    }

    /** The requests' logins, which go out first (no login is answered, so nothing else of them goes out); not the probe's pings or a CDR poll. */
    private long logins() {
        return hungPlatform.received().stream().filter(request -> request.query() != null && request.query().startsWith("function=login&")).count();
    }

    private HttpResponse<String> click2call(String agent, String transactionId) throws Exception {
        return post("/api/v1/click2call", "application/json", "{\"agentEmail\": \"" + agent + "@slow.example\", \"phoneNumber\": \"05321234567\", "
                + "\"tenant\": \"slow\", \"transactionId\": \"" + transactionId + "\"}", API_KEY);
    }
}
