package ccs.connector.agentpage;

import java.util.List;
import java.util.Properties;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.Settings;
import ccs.connector.screenpop.SoftphoneUrls;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentPageConfigurationTest {

    @Test
    void aWrongSettingNamesItsKey() {
        assertThatThrownBy(() -> configure("connector.agent-page.enabled", "yes")).hasMessageContaining("connector.agent-page.enabled");
        assertThatThrownBy(() -> configure("connector.agent-page.agent-status", "yes")).hasMessageContaining("connector.agent-page.agent-status");
        assertThatThrownBy(() -> configure("connector.agent-page.secret", "too-short")).hasMessageContaining("connector.agent-page.secret")
                .hasMessageNotContaining("too-short");
        assertThatThrownBy(() -> configure("connector.agent-page.frame-ancestors", "https://crm.acme.example/agents"))
                .hasMessageContaining("connector.agent-page.frame-ancestors");
        assertThatThrownBy(() -> configure("connector.agent-page.url", "agents.acme.example")).hasMessageContaining("connector.agent-page.url");
        assertThatThrownBy(() -> configure("connector.agent-page.cookie-ttl", "2d")).hasMessageContaining("connector.agent-page.cookie-ttl");
    }

    @Test
    void theAgentStatusDoorIsOffAloneOrWithThePage() {
        assertThat(agentStatusDoor(configure("connector.agent-page.agent-status", "false"))).isEqualTo("false");
        assertThat(agentStatusDoor(configure("connector.agent-page.enabled", "false"))).isEqualTo("false");
        assertThat(agentStatusDoor(configure("connector.agent-page.enabled", "true"))).isEqualTo("true");
    }

    private static String agentStatusDoor(CamelContext camel) {
        return camel.resolvePropertyPlaceholders("{{connector.agent-page.agent-status}}");
    }

    private static CamelContext configure(String key, String value) {
        Properties properties = new Properties();
        properties.setProperty(key, value);
        CamelContext camel = new DefaultCamelContext();
        camel.getPropertiesComponent().setInitialProperties(properties);
        Tenants tenants = new Tenants(List.of(new Tenant("demo", "http://127.0.0.1:9/api/", "token", java.time.ZoneOffset.UTC)), "demo");
        AgentPageConfiguration.configure(camel, Settings.of(camel), tenants,
                new SoftphoneUrls(tenants, tenant -> "https://softphone.alo-tech.com/generic/sso/", false), "agent@demo.example");
        return camel;
    }
}
