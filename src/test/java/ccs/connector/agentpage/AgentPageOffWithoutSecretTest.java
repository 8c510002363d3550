package ccs.connector.agentpage;

import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A real tenant (nothing listens at its URL: only startup matters here) without connector.agent-page.secret. */
class AgentPageOffWithoutSecretTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
    }

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("ccs.api-url", "http://127.0.0.1:9/api/");
        settings.setProperty("connector.webhook-token", "off-test-webhook-token-0123456789");
        settings.setProperty("connector.api-key", "off-test-api-key-0123456789");
    }

    @Test
    void thePageIsOffAndStartupSaysSoInOneLine() throws Exception {
        assertThat(get("/agent").statusCode()).isEqualTo(404);
        assertThat(get("/agent/softphone-url").statusCode()).isEqualTo(404);
        assertThat(post("/agent/status", "application/json", "{\"status\": \"available\", \"time\": \"2026-11-30T09:00:00Z\"}").statusCode())
                .isEqualTo(404);
        assertThat(post("/api/v1/agent-links", "application/json", "{\"agentEmail\": \"ayse@acme.example\"}",
                "X-Api-Key", "off-test-api-key-0123456789").statusCode()).isEqualTo(404);
        assertThat(LogCapture.text().lines().filter(line -> line.contains("The agent page /agent is off"))).singleElement().asString()
                .contains("connector.agent-page.secret");
    }
}
