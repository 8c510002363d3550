package ccs.connector.webhook;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.junit.jupiter.api.Test;

import static ccs.connector.webhook.IvrGuideExamples.encode;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CDR lookups of hangups when one of the tenants a connector serves has its app token refused, or its Call Center
 * Studio down (a real HTTP server answering 503): the other tenants' hangups keep their CDR.
 */
class WebhookEnrichmentTenantsTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;
    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer downPlatform;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        downPlatform = startHttpServer();
        downPlatform.answerWhen(request -> true, Answer.status(503));
        settings.setProperty("ccs.tenants", "demo,revoked,down");
        settings.setProperty("ccs.tenant.revoked.app-token", "a-revoked-application-token");
        settings.setProperty("ccs.tenant.down.api-url", downPlatform.url("/api/"));
        settings.setProperty("ccs.tenant.down.app-token", "app-token-of-the-tenant-whose-platform-is-down");
        realTenantSecrets(settings);
        settings.setProperty("ccs.cdr.enabled", "false");
    }

    @Test
    void aTenantWhoseTokenIsRefusedDoesNotStopTheOtherTenantsLookups() throws Exception {
        // more lookups refused than the circuit breaker needs to open, were a refusal a failure of Call Center Studio
        thirtyHangupsGoOnWithoutCdr("revoked");

        assertADemoHangupGetsItsCdr();
    }

    @Test
    void aTenantWhoseCallCenterStudioIsDownDoesNotStopTheOtherTenantsLookups() throws Exception {
        // more failed lookups than the circuit breaker needs to open
        thirtyHangupsGoOnWithoutCdr("down");
        assertThat(downPlatform.received().stream().filter(request -> String.valueOf(request.query()).contains("reportsCDRLogs")))
                .as("lookups of the down tenant once its circuit breaker opened").hasSizeLessThan(30);

        assertADemoHangupGetsItsCdr();
    }

    private void thirtyHangupsGoOnWithoutCdr(String tenant) throws Exception {
        for (int i = 0; i < 30; i++) {
            assertThat(hangup(tenant, tenant + "-call-" + i).statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 30; i++) {
            assertThat(delivered(crm, tenant + ":ccs.call.hangup:" + tenant + "-call-" + i).get("data").has("cdr")).isFalse();
        }
    }

    private void assertADemoHangupGetsItsCdr() throws Exception {
        LocalDateTime now = LocalDateTime.now(ZoneId.of("Europe/Istanbul"));
        String call = simulator().generateCdrs(1, now.minusMinutes(10), now.minusMinutes(5)).get(0);
        assertThat(hangup("demo", call).statusCode()).isEqualTo(200);

        assertThat(delivered(crm, "demo:ccs.call.hangup:" + call).at("/data/cdr/callKey").asText()).isEqualTo(call);
    }

    private java.net.http.HttpResponse<String> hangup(String tenant, String call) throws Exception {
        return post("/webhooks/ccs/hangup?token=" + webhookToken() + "&tenant=" + tenant, "application/x-www-form-urlencoded",
                encode(IvrGuideExamples.hangupNow(call)));
    }
}
