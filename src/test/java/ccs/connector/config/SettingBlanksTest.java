package ccs.connector.config;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Settings written with a blank around their value, as a properties line with a space at its end (Java keeps it) or an
 * environment variable copied with one: the routes read them as the checks and the startup summary do, without the
 * blanks. {@code crm.sink=rest } loaded no sink route, so every event waited for a consumer and was dead-lettered,
 * while the startup summary said {@code crm.sink=rest}.
 */
class SettingBlanksTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("crm.sink", "rest ");
        settings.setProperty("crm.rest.url", " " + crm.url("/events") + "\t");
        settings.setProperty("connector.webhook.enrich-with-cdr", "false");
    }

    @Test
    void aSinkSelectedWithASpaceAtItsEndDeliversToTheCrm() throws Exception {
        String form = "call_id=ahRzfmBLANKS1&call_date=" + URLEncoder.encode("2026-11-02 10:00:00", StandardCharsets.UTF_8)
                + "&duration=42&transaction_id=crm-blanks-1&disposition=ANSWER&tenant=demo";
        HttpResponse<String> hangup = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded", form);
        assertThat(hangup.statusCode()).isEqualTo(200);

        assertThat(delivered(crm, "demo:ccs.call.hangup:ahRzfmBLANKS1").get("type").asText()).isEqualTo("ccs.call.hangup");
        assertThat(requestsFor(crm, "demo:ccs.call.hangup:ahRzfmBLANKS1").get(0).path()).isEqualTo("/events");
    }
}
