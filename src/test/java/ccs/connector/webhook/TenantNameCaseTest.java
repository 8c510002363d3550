package ccs.connector.webhook;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import ccs.connector.simulator.SentCallback;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static ccs.connector.webhook.IvrGuideExamples.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A tenant is a subdomain, and DNS names have no letter case: a tenant configured as Acme is the same tenant when the
 * platform's callbacks or the CRM name it acme or ACME, and its events keep the configured name in their ids, so a
 * callback sent again in another case is still one event. Over HTTP, to a real local HTTP server as CRM.
 */
class TenantNameCaseTest extends ConnectorTestSupport {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String ACME_TOKEN = "acme-w3bh00k-t0k3n-of-its-own";

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("ccs.tenants", "demo,Acme");
        settings.setProperty("ccs.tenant.Acme.webhook-token", ACME_TOKEN);
        // the calls here have no CDR record to wait for
        settings.setProperty("connector.webhook.enrich-with-cdr", "false");
    }

    @Test
    void aHangupCallbackNamingTheTenantInAnyCaseIsTheConfiguredTenantsOneEvent() throws Exception {
        String form = encode(IvrGuideExamples.hangup("case-hangup"));
        for (String named : List.of("acme", "ACME", "Acme", "aCmE")) {
            HttpResponse<String> answer = post("/webhooks/ccs/hangup?tenant=" + named + "&token=" + ACME_TOKEN, FORM, form);
            assertThat(answer.statusCode()).as(named + ": " + answer.body()).isEqualTo(200);
            assertThat(json.readTree(answer.body()).get("id").asText()).isEqualTo("Acme:ccs.call.hangup:case-hangup");
        }
        assertThat(delivered(crm, "Acme:ccs.call.hangup:case-hangup").get("source").asText()).contains("Acme");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(30))
                .until(() -> requestsFor(crm, "Acme:ccs.call.hangup:case-hangup").size() == 1);
    }

    @Test
    void anIvrNotificationNamingTheTenantInAnotherCaseIsAdmittedByItsToken() throws Exception {
        HttpResponse<String> answer = get("/webhooks/ccs/ivr?token=" + ACME_TOKEN + "&tenant=ACME&callkeyX=case-ivr");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String id = json.readTree(answer.body()).get("id").asText();
        assertThat(id).startsWith("Acme:ccs.ivr.notification:case-ivr:");
        // the same notification, its tenant in another case: one event
        for (String named : new String[] {"Acme", "acme"}) {
            HttpResponse<String> again = get("/webhooks/ccs/ivr?token=" + ACME_TOKEN + "&tenant=" + named + "&callkeyX=case-ivr");
            assertThat(json.readTree(again.body()).get("id").asText()).as(named).isEqualTo(id);
        }

        // the other tenant's token still does not admit it, and the refusal names the tenant's own setting
        HttpResponse<String> refused = get("/webhooks/ccs/ivr?token=" + webhookToken() + "&tenant=acme&callkeyX=case-ivr-refused");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        assertThat(json.readTree(refused.body()).get("detail").asText()).isEqualTo("query parameter token does not match ccs.tenant.Acme.webhook-token");
    }

    @Test
    void aClick2callNamingTheTenantInAnotherCaseGoesOutAsTheConfiguredTenant() throws Exception {
        String transaction = "case-c2c";
        HttpResponse<String> answer = post("/api/v1/click2call", "application/json", "{\"agentEmail\": \"ayse.yilmaz@demo.example\", "
                + "\"phoneNumber\": \"05321234567\", \"transactionId\": \"" + transaction + "\", \"tenant\": \"ACME\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

        assertThat(simulator().requests("click2call")).filteredOn(r -> transaction.equals(r.params().get("transactionid")))
                .singleElement().satisfies(r -> assertThat(r.params().get("hangup_url"))
                        .isEqualTo(baseUrl() + "/webhooks/ccs/hangup?token=" + ACME_TOKEN + "&tenant=Acme"));
        await().atMost(Duration.ofSeconds(30)).until(() -> callback(transaction) != null);
        SentCallback callback = callback(transaction);
        assertThat(callback.status()).as(callback.answer()).isEqualTo(200);
        assertThat(json.readTree(callback.answer()).get("id").asText()).startsWith("Acme:ccs.call.hangup:");
    }

    @Test
    void anAgentPageServesItsOwnTenantNamedInAnotherCase() throws Exception {
        String cookie = agentPageCookie("ayse.yilmaz@demo.example");
        HttpResponse<String> own = agentDoor("/agent/softphone-url?tenant=DEMO", cookie, null);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(agentDoor("/agent/softphone-url?tenant=acme", cookie, null).statusCode()).isEqualTo(403);
    }

    @Test
    void aTenantNotServedIsStill400NamingTheTenantsAsConfigured() throws Exception {
        HttpResponse<String> answer = get("/webhooks/ccs/ivr?token=" + webhookToken() + "&tenant=globex&callkeyX=case-unknown");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(json.readTree(answer.body()).get("field").asText()).isEqualTo("tenant");
        assertThat(json.readTree(answer.body()).get("detail").asText())
                .startsWith("tenant 'globex' is not served by this connector; known tenants: [demo, Acme];");
    }

    private SentCallback callback(String transaction) {
        return simulator().callbacks().stream().filter(sent -> transaction.equals(sent.fields().get("transaction_id"))).findFirst().orElse(null);
    }
}
