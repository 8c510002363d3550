package ccs.connector.webhook;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ccs.connector.crm.DeadLetters;
import ccs.connector.simulator.SentCallback;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static ccs.connector.webhook.IvrGuideExamples.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three tenants on the simulator, two with webhook tokens of their own (ccs.tenant.<name>.webhook-token), the default
 * one among them: each tenant's webhooks are admitted by its own token alone, the third's by the connector's, and the
 * hangup URL of a click2call carries its tenant's token. Over HTTP, to a real local HTTP server as CRM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookTenantTokensTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
        // request URLs carry the tokens: lines of the HTTP server and of the routes must come out masked
        LogCapture.debug("ccs.connector", "org.apache.camel.component.platform.http");
    }

    private static final String FORM = "application/x-www-form-urlencoded";
    /** The default tenant's: one that URL-encoding changes. */
    private static final String DEMO_TOKEN = "demo:w3bh00k@t0k3n~1";
    private static final String BETA_TOKEN = "beta-w3bh00k-t0k3n-2";
    /** The token beta's replaced: a rotation is under way. */
    private static final String BETA_PREVIOUS = "beta-0ld-w3bh00k-t0k3n";

    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("ccs.tenants", "demo,beta,gamma");
        settings.setProperty("ccs.tenant.demo.webhook-token", DEMO_TOKEN);
        settings.setProperty("ccs.tenant.beta.webhook-token", BETA_TOKEN);
        settings.setProperty("ccs.tenant.beta.webhook-token.previous", BETA_PREVIOUS);
        // the calls here have no CDR record to wait for
        settings.setProperty("connector.webhook.enrich-with-cdr", "false");
    }

    @Test
    @Order(1)
    void eachTenantIsAdmittedByItsOwnTokenAloneAndATenantWithoutOneByTheConnectors() throws Exception {
        Map<String, String> tokenOf = Map.of("demo", DEMO_TOKEN, "beta", BETA_TOKEN, "gamma", webhookToken());
        Map<String, String> keyOf = Map.of("demo", "ccs.tenant.demo.webhook-token", "beta", "ccs.tenant.beta.webhook-token",
                "gamma", "connector.webhook-token");
        List<String> tokens = List.of(DEMO_TOKEN, BETA_TOKEN, BETA_PREVIOUS, webhookToken());
        // no tenant parameter: the default tenant
        for (String named : new String[] {null, "demo", "beta", "gamma"}) {
            String tenant = named == null ? "demo" : named;
            for (int i = 0; i < tokens.size(); i++) {
                String token = tokens.get(i);
                String call = "tokens-" + named + "-" + i;
                HttpResponse<String> answer = get("/webhooks/ccs/ivr?token=" + enc(token) + (named == null ? "" : "&tenant=" + named)
                        + "&callkeyX=" + call);

                String what = "tenant " + named + ", token " + i + ": " + answer.body();
                if (token.equals(tokenOf.get(tenant)) || tenant.equals("beta") && token.equals(BETA_PREVIOUS)) {
                    assertThat(answer.statusCode()).as(what).isEqualTo(200);
                    assertThat(json.readTree(answer.body()).get("id").asText()).startsWith(tenant + ":ccs.ivr.notification:" + call + ":");
                } else {
                    assertThat(answer.statusCode()).as(what).isEqualTo(401);
                    assertThat(json.readTree(answer.body()).get("detail").asText()).as(what)
                            .isEqualTo("query parameter token does not match " + keyOf.get(tenant));
                    assertThat(answer.body()).doesNotContain(tokens.toArray(String[]::new));
                }
            }
        }

        String fields = encode(IvrGuideExamples.hangup("tokens-beta-hangup"));
        assertThat(post("/webhooks/ccs/hangup?tenant=beta&token=" + BETA_TOKEN, FORM, fields).statusCode()).isEqualTo(200);
        assertThat(post("/webhooks/ccs/hangup?tenant=beta", FORM, fields, "Authorization", "Bearer " + BETA_PREVIOUS).statusCode()).isEqualTo(200);
        assertRefused(post("/webhooks/ccs/hangup?tenant=beta", FORM, encode(IvrGuideExamples.hangup("tokens-refused-bearer")),
                "Authorization", "Bearer " + webhookToken()), "the Authorization header's bearer credential does not match ccs.tenant.beta.webhook-token");
        assertRefused(post("/webhooks/ccs/hangup?tenant=beta", FORM, encode(IvrGuideExamples.hangup("tokens-refused-none"))),
                "query parameter token is missing: webhooks must carry ccs.tenant.beta.webhook-token (or send it as Authorization: Bearer)");
        delivered(crm, "beta:ccs.call.hangup:tokens-beta-hangup");
    }

    @Test
    @Order(2)
    void aTenantNotServedIsJudgedByTheConnectorsTokenAndKeptAsBeforeButNoTenantsTokenAdmitsIt() throws Exception {
        HttpResponse<String> kept = get("/webhooks/ccs/ivr?token=" + enc(webhookToken()) + "&tenant=nosuchtenant&callkeyX=tokens-unknown-kept");
        assertThat(kept.statusCode()).as(kept.body()).isEqualTo(400);
        assertThat(json.readTree(kept.body()).get("field").asText()).isEqualTo("tenant");

        assertRefused(get("/webhooks/ccs/ivr?token=" + BETA_TOKEN + "&tenant=nosuchtenant&callkeyX=tokens-unknown-refused"),
                "query parameter token does not match connector.webhook-token");
        assertThat(deadLetterTexts().values()).anyMatch(letter -> letter.contains("tokens-unknown-kept"))
                .noneMatch(letter -> letter.contains("tokens-unknown-refused"));
    }

    /** The tenant chooses the token: the guard and the route must read one and the same. */
    @Test
    @Order(3)
    void aTenantGivenTwiceIs400NamingItAndNothingIsReadOrStored() throws Exception {
        for (String query : List.of("tenant=beta&tenant=gamma", "tenant=gamma&tenant=beta", "tenant=beta&t%65nant=beta")) {
            HttpResponse<String> answer = get("/webhooks/ccs/ivr?token=" + BETA_TOKEN + "&" + query + "&callkeyX=tokens-tenant-twice");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            JsonNode problem = json.readTree(answer.body());
            assertThat(problem.get("detail").asText()).isEqualTo("tenant is given 2 times in the query: give it once");
            assertThat(problem.get("field").asText()).isEqualTo("tenant");
        }
        assertThat(deadLetterTexts().values()).noneMatch(letter -> letter.contains("tokens-tenant-twice"));
        // logged as a wrong token is, once a minute: the platform does not send it again
        assertThat(LogCapture.text().lines().filter(line -> line.contains("tenant given 2 times in the query")))
                .singleElement().asString().contains(" WARN ").contains("Refused a webhook (route webhook-ivr) from 127.0.0.1")
                .doesNotContain(BETA_TOKEN);
    }

    @Test
    @Order(4)
    void aClick2callsHangupUrlCarriesItsTenantsTokenAndItsHangupIsAdmitted() throws Exception {
        Map<String, String> tokenOf = Map.of("demo", DEMO_TOKEN, "beta", BETA_TOKEN, "gamma", webhookToken());
        for (String tenant : List.of("demo", "beta", "gamma")) {
            String transaction = "tokens-c2c-" + tenant;
            HttpResponse<String> answer = post("/api/v1/click2call", "application/json", "{\"agentEmail\": \"ayse.yilmaz@demo.example\", "
                    + "\"phoneNumber\": \"05321234567\", \"transactionId\": \"" + transaction + "\", \"tenant\": \"" + tenant + "\"}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

            assertThat(simulator().requests("click2call")).filteredOn(r -> transaction.equals(r.params().get("transactionid")))
                    .singleElement().satisfies(r -> assertThat(r.params().get("hangup_url")).isEqualTo(baseUrl() + "/webhooks/ccs/hangup?token="
                            + enc(tokenOf.get(tenant)) + (tenant.equals("demo") ? "" : "&tenant=" + tenant)));
            await().atMost(Duration.ofSeconds(30)).until(() -> callback(transaction) != null);
            SentCallback callback = callback(transaction);
            assertThat(callback.status()).as(callback.answer()).isEqualTo(200);

            String event = delivered(crm, json.readTree(callback.answer()).get("id").asText()).toString();
            assertThat(event).contains("\"transactionId\":\"" + transaction + "\"").doesNotContain(tokenOf.get(tenant), enc(tokenOf.get(tenant)));
        }
    }

    /** A tenant's token is one of the connector's secret values: scrubbed wherever it appears in what the platform sends. */
    @Test
    @Order(5)
    void aTenantsTokenNeverReachesTheCrm() throws Exception {
        Map<String, String> fields = IvrGuideExamples.hangup("tokens-scrubbed");
        fields.put("note", "echoed " + BETA_TOKEN + " and " + BETA_PREVIOUS + " and " + enc(DEMO_TOKEN));
        assertThat(post("/webhooks/ccs/hangup?tenant=beta&token=" + BETA_TOKEN, FORM, encode(fields)).statusCode()).isEqualTo(200);

        assertThat(delivered(crm, "beta:ccs.call.hangup:tokens-scrubbed").at("/data/raw/note").asText()).isEqualTo("echoed *** and *** and ***");
    }

    /** A call key is the platform's, and tenants may be on different platforms, or name any call key in their webhooks. */
    @Test
    @Order(6)
    void theCustomVariablesAScreenPopReadReachTheHangupOfItsOwnTenantAlone() throws Exception {
        String call = simulator().ring("ayse.yilmaz@demo.example", "05337654321").key();
        HttpResponse<String> screenPop = get("/api/v1/screen-pop?activecallkey=" + call + "&agentEmail=ayse.yilmaz@demo.example");
        assertThat(json.readTree(screenPop.body()).has("customVariables")).as(screenPop.body()).isTrue();

        for (String tenant : List.of("beta", "demo")) {
            Map<String, String> fields = IvrGuideExamples.hangup(call);
            String token = tenant.equals("beta") ? BETA_TOKEN : DEMO_TOKEN;
            assertThat(post("/webhooks/ccs/hangup?tenant=" + tenant + "&token=" + enc(token), FORM, encode(fields)).statusCode()).isEqualTo(200);
        }

        assertThat(delivered(crm, "beta:ccs.call.hangup:" + call).at("/data").has("customVariables")).isFalse();
        assertThat(delivered(crm, "demo:ccs.call.hangup:" + call).at("/data").has("customVariables")).isTrue();
    }

    @Test
    @Order(6)
    void aRefusedWebhookLeavesOneLineAMinuteNamingTheSettingItDidNotMatch() {
        // the platform does not send a refused callback again: the operator gets a line, a scanner no flood
        List<String> lines = LogCapture.text().lines().filter(line -> line.contains("Refused a webhook (route webhook-ivr)")
                && line.contains("query parameter token does not match ccs.tenant.beta.webhook-token")).toList();
        assertThat(lines).as("refused several times in the first test's minute").hasSize(1);
        assertThat(lines.get(0)).contains("from 127.0.0.1").contains("the platform does not send it again");
        assertThat(LogCapture.text()).contains("Refused a webhook (route webhook-hangup)")
                .contains("the credential of its Authorization header does not match ccs.tenant.beta.webhook-token")
                .contains("it carries no token of ccs.tenant.beta.webhook-token");
    }

    /**
     * A request kept for tenant beta while beta was not served yet, which the connector's token admitted then: beta, added
     * since with a token of its own, would refuse it, and a replay built beta's event from it (anyone holding the connector's
     * token could forge one). A letter its own token admitted is replayed.
     */
    @Test
    @Order(7)
    void aKeptRequestIsReplayedOnlyWhileTheTokenThatAdmittedItAdmitsItsTenant() throws Exception {
        DeadLetters letters = new DeadLetters(stateStore(), null, null);
        letters.keep("beta:ccs.ivr.notification:request:forged", "webhook-request", letter("forged-ivr-1", "connector.webhook-token"));
        letters.keep("beta:ccs.ivr.notification:request:own", "webhook-request", letter("own-ivr-1", "ccs.tenant.beta.webhook-token"));

        HttpResponse<String> replay = post("/api/v1/dead-letters/replay?tenant=beta", null, null);

        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
        assertThat(json.readTree(replay.body()).get("replaying").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> crm.received().stream()
                .anyMatch(received -> received.body().contains("\"id\":\"beta:ccs.ivr.notification:own-ivr-1:")));
        assertThat(deadLetterTexts()).containsKey("beta:ccs.ivr.notification:request:forged");
        assertThat(crm.received()).noneMatch(received -> received.body().contains("forged-ivr-1"));

        // a request kept now names the token that admitted it
        assertThat(get("/webhooks/ccs/ivr?tenant=beta&token=" + enc(BETA_TOKEN) + "&event=no-call-key").statusCode()).isEqualTo(400);
        assertThat(deadLetterTexts().values()).filteredOn(letter -> letter.contains("no-call-key")).singleElement().asString()
                .contains("\"admittedBy\" : \"ccs.tenant.beta.webhook-token\"");
    }

    /** A webhook request's dead letter, as route webhook-dead-letter keeps one, admitted by the token of that setting. */
    private static String letter(String callKey, String admittedBy) {
        return "{\"type\": \"ccs.ivr.notification\", \"tenant\": \"beta\", \"reason\": \"tenant 'beta' is not served\", "
                + "\"field\": \"tenant\", \"failedAt\": \"2026-11-30T10:00:00Z\", \"admittedBy\": \"" + admittedBy + "\", "
                + "\"request\": {\"callkeyX\": \"" + callKey + "\", \"event\": \"call_hangup\"}}";
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void noTenantsTokenIsInTheLogsOrMetrics() throws Exception {
        String logs = LogCapture.text() + get("/observe/metrics").body();

        assertThat(logs).contains("(tenant beta, ").doesNotContain(DEMO_TOKEN, enc(DEMO_TOKEN), BETA_TOKEN, BETA_PREVIOUS);
    }

    private SentCallback callback(String transaction) {
        return simulator().callbacks().stream().filter(sent -> transaction.equals(sent.fields().get("transaction_id"))).findFirst().orElse(null);
    }

    private void assertRefused(HttpResponse<String> answer, String detail) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(401);
        assertThat(json.readTree(answer.body()).get("detail").asText()).isEqualTo(detail);
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
