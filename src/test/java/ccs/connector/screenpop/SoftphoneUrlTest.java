package ccs.connector.screenpop;

import java.net.http.HttpResponse;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/v1/softphone-url with the shipped settings: the tenant by name, the simulator's fake softphone. */
class SoftphoneUrlTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
    }

    private static final String AGENT = "mehmet.kaya@demo.example";
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theUrlIsTheSimulatorsSoftphoneWithTheTenantNameAndTheAgentsCachedSession() throws Exception {
        HttpResponse<String> answer = get("/api/v1/softphone-url?agentEmail=" + AGENT);

        assertThat(answer.statusCode()).isEqualTo(200);
        String url = json.readTree(answer.body()).get("url").asText();
        String session = url.substring(url.indexOf("&session=") + "&session=".length());
        assertThat(url).isEqualTo(simulator().softphoneUrl() + "?tenant=demo&session=" + session);
        assertThat(simulator().liveSessions()).contains(session);

        String again = json.readTree(get("/api/v1/softphone-url?agentEmail=" + AGENT.toUpperCase()).body()).get("url").asText();
        assertThat(again).as("the session is cached, not a login per request").isEqualTo(url);
        assertThat(simulator().requests("login")).filteredOn(r -> AGENT.equals(r.params().get("email"))).hasSize(1);

        assertThat(LogCapture.text()).contains("Logged in agent " + AGENT).doesNotContain(session);

        // the platform ends the session before the cache's TTL: the softphone would sign in with a dead one
        simulator().expireSessions(AGENT);
        String renewed = json.readTree(get("/api/v1/softphone-url?agentEmail=" + AGENT).body()).get("url").asText();
        assertThat(renewed).isNotEqualTo(url);
        assertThat(simulator().liveSessions()).contains(renewed.substring(renewed.indexOf("&session=") + "&session=".length()));
    }

    @Test
    void withoutAnAgentOrWithAnythingButAnAddressItIsA400AndAnUnknownAgentA422() throws Exception {
        HttpResponse<String> none = get("/api/v1/softphone-url");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json.readTree(none.body()).get("detail").asText()).contains("agentEmail");
        assertThat(json.readTree(none.body()).get("field").asText()).isEqualTo("agentEmail");

        int logins = simulator().requests("login").size();
        for (String notAnAgent : new String[] {"bad", "ayse.yilmaz@demo.example&agentEmail=zeynep.demir@demo.example"}) {
            HttpResponse<String> refused = get("/api/v1/softphone-url?agentEmail=" + notAnAgent);
            assertThat(refused.statusCode()).as(notAnAgent).isEqualTo(400);
            assertThat(json.readTree(refused.body()).get("field").asText()).isEqualTo("agentEmail");
        }
        assertThat(simulator().requests("login")).as("nothing asked of the platform").hasSize(logins);

        HttpResponse<String> unknown = get("/api/v1/softphone-url?agentEmail=nobody@demo.example");
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(json.readTree(unknown.body()).get("detail").asText()).contains("nobody@demo.example").contains("User not found");
    }

    @Test
    void anUnknownTenantIsA400() throws Exception {
        HttpResponse<String> answer = get("/api/v1/softphone-url?agentEmail=" + AGENT + "&tenant=other");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(json.readTree(answer.body()).get("detail").asText()).contains("tenant 'other' is not served");
    }
}
