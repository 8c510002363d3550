package ccs.connector.webhook;

import java.net.http.HttpResponse;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** With connector.webhook.allowed-networks set, webhooks from other addresses are refused (the test client is on loopback). */
class WebhookAllowListTest extends ConnectorTestSupport {

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.webhook.allowed-networks", "10.0.0.0/8, fd00::/8");
    }

    @Test
    void aRequestFromOutsideTheAllowedNetworksIs403AndAWrongTokenStill401() throws Exception {
        String form = IvrGuideExamples.encode(IvrGuideExamples.hangup("allow-list-1"));
        HttpResponse<String> outside = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded", form,
                "X-Forwarded-For", "10.1.2.3");
        HttpResponse<String> wrongToken = post("/webhooks/ccs/hangup?token=wrong", "application/x-www-form-urlencoded", form);

        assertThat(outside.statusCode()).isEqualTo(403);
        assertThat(new ObjectMapper().readTree(outside.body()).get("detail").asText()).contains("connector.webhook.allowed-networks");
        assertThat(wrongToken.statusCode()).isEqualTo(401);
        assertThat(dataDir.resolve("crm-out")).doesNotExist();
    }
}
