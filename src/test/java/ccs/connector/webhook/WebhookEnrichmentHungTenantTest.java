package ccs.connector.webhook;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.junit.jupiter.api.Test;

import static ccs.connector.webhook.IvrGuideExamples.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hangups' CDR lookups share ten consumers between the tenants. A lookup whose hangup gave up waiting for it (after
 * connector.webhook.enrich-timeout) ends then, so a tenant whose Call Center Studio hangs holds them no longer than that:
 * before, each went on for ccs.api.interactive-timeout, and another tenant's hangups waited behind them and lost their CDR.
 */
class WebhookEnrichmentHungTenantTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;
    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer hungPlatform;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        hungPlatform = startHttpServer();
        hungPlatform.answerWhen(request -> true, Answer.json(200, "{\"CallList\": []}").after(Duration.ofSeconds(20)));
        settings.setProperty("ccs.tenants", "demo,hung");
        settings.setProperty("ccs.tenant.hung.api-url", hungPlatform.url("/api/"));
        settings.setProperty("ccs.tenant.hung.app-token", "app-token-of-the-tenant-whose-platform-hangs");
        realTenantSecrets(settings);
        settings.setProperty("ccs.cdr.enabled", "false");
        settings.setProperty("ccs.api.interactive-timeout", "8s");
        // one retry, well after the first attempt: what the demo hangup meets is the hung lookups' first attempts
        settings.setProperty("connector.webhook.enrich-retries", "1");
        settings.setProperty("connector.webhook.enrich-retry-delay", "5s");
    }

    @Test
    void aTenantWhosePlatformHangsHoldsTheLookupsNoLongerThanItsHangupsWait() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(hangup("hung", "hung-call-" + i).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> hungPlatform.received().stream()
                .filter(request -> String.valueOf(request.query()).contains("reportsCDRLogs")).count() == 10);
        // every consumer is on a hung lookup; the hangups behind them give up after 2 s, and so do their lookups now
        Thread.sleep(2500);

        LocalDateTime now = LocalDateTime.now(ZoneId.of("Europe/Istanbul"));
        String call = simulator().generateCdrs(1, now.minusMinutes(10), now.minusMinutes(5)).get(0);
        assertThat(hangup("demo", call).statusCode()).isEqualTo(200);
        assertThat(delivered(crm, "demo:ccs.call.hangup:" + call).at("/data/cdr/callKey").asText()).isEqualTo(call);
    }

    private HttpResponse<String> hangup(String tenant, String call) throws Exception {
        return post("/webhooks/ccs/hangup?token=" + webhookToken() + "&tenant=" + tenant, "application/x-www-form-urlencoded",
                encode(IvrGuideExamples.hangupNow(call)));
    }
}
