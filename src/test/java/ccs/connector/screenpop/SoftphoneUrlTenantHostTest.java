package ccs.connector.screenpop;

import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.FreePorts;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ccs.softphone-tenant=host, with a second tenant that is not the embedded simulator (its API is
 * the same simulator under another host name): that tenant gets ccs.softphone-url, the real softphone.
 */
class SoftphoneUrlTenantHostTest extends ConnectorTestSupport {

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        int simulatorPort = FreePorts.next();
        settings.setProperty("ccs.simulator.port", String.valueOf(simulatorPort));
        settings.setProperty("ccs.tenants", "demo,acme");
        settings.setProperty("ccs.tenant.acme.api-url", "http://localhost:" + simulatorPort + "/api/");
        // an API URL of its own takes a token of its own: the simulator's
        settings.setProperty("ccs.tenant.acme.app-token", "sim-app-token-0123456789");
        settings.setProperty("ccs.softphone-tenant", "host");
        settings.setProperty("ccs.softphone-url", "https://softphone.alo-tech.com/mi4biz/sso/");
        realTenantSecrets(settings);
    }

    @Test
    void theTenantGoesAsTheHostOfItsApiUrlAndARealTenantGetsTheConfiguredSoftphone() throws Exception {
        String acme = json.readTree(get("/api/v1/softphone-url?agentEmail=ayse.yilmaz@demo.example&tenant=acme", "X-Api-Key", REAL_TENANT_API_KEY).body()).get("url").asText();
        assertThat(acme).startsWith("https://softphone.alo-tech.com/mi4biz/sso/?tenant=localhost&session=");
        assertThat(simulator().liveSessions()).contains(acme.substring(acme.indexOf("&session=") + "&session=".length()));

        String demo = json.readTree(get("/api/v1/softphone-url?agentEmail=ayse.yilmaz@demo.example", "X-Api-Key", REAL_TENANT_API_KEY).body()).get("url").asText();
        assertThat(demo).startsWith(simulator().softphoneUrl() + "?tenant=127.0.0.1&session=");
        assertThat(demo).as("one session per tenant").doesNotEndWith(acme.substring(acme.indexOf("&session=")));
    }
}
