package ccs.connector.webhook;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import ccs.connector.click2call.CallCorrelations;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.FailingWrites;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static ccs.connector.webhook.IvrGuideExamples.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hangup callback is acknowledged without the state store (the platform does not send a hangup again): its
 * correlation with the click2call and the call's custom variables are read after the answer, in the enrichment
 * stage (route webhook-hangup-cdr), also with connector.webhook.enrich-with-cdr=false. A store that stalls (H2's
 * exclusive mode: every other statement waits, as on a frozen PostgreSQL) or fails is waited for within the
 * stage's budget; after it the event goes on uncorrelated with a WARN line.
 */
class HangupStateStoreAwayTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
    }

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String AGENT = "ayse.yilmaz@demo.example";
    private static final String TABLE = "CLICK2CALL_CORRELATION";

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        settings.setProperty("connector.webhook.enrich-with-cdr", "false");
        settings.setProperty("connector.webhook.enrich-retries", "3");
        settings.setProperty("connector.webhook.enrich-retry-delay", "300ms");
    }

    @AfterEach
    void storeBack() {
        FailingWrites.stop(stateStore(), TABLE);
    }

    @Test
    void aHangupIsAcknowledgedWhileTheStoreStallsAndReachesTheCrmCorrelatedOnceItIsBack() throws Exception {
        String call = "store-stalled-" + System.nanoTime();
        clickToCall("crm-tx-stalled", "05321110001", "CASE-STALLED");
        remember(call, "{\"ivr_choice\": \"2\"}");

        HttpResponse<String> answer;
        try (Connection exclusive = stateStore().dataSource().getConnection(); Statement statement = exclusive.createStatement()) {
            // every statement of another connection waits until exclusive mode ends
            statement.execute("SET EXCLUSIVE 1");
            try {
                answer = hangup(call, "05321110001");
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> requestsFor(crm, "demo:ccs.call.hangup:" + call).isEmpty());
            } finally {
                statement.execute("SET EXCLUSIVE 0");
            }
        }

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode data = delivered(crm, "demo:ccs.call.hangup:" + call).get("data");
        assertThat(data.get("transactionId").asText()).isEqualTo("crm-tx-stalled");
        assertThat(data.get("crmReference").asText()).isEqualTo("CASE-STALLED");
        assertThat(data.at("/customVariables/ivr_choice").asText()).isEqualTo("2");
    }

    @Test
    void aStoreThatFailsIsTriedAgainAfterTheAnswerAndTheHangupReachesTheCrmCorrelated() throws Exception {
        String call = "store-failing-" + System.nanoTime();
        clickToCall("crm-tx-failing", "05321110002", "CASE-FAILING");
        FailingWrites.start(stateStore(), TABLE, "UPDATE", 1000);

        HttpResponse<String> answer = hangup(call, "05321110002");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> FailingWrites.remaining() <= 998);
        assertThat(requestsFor(crm, "demo:ccs.call.hangup:" + call)).as("not delivered uncorrelated at once").isEmpty();
        FailingWrites.stop(stateStore(), TABLE);

        JsonNode data = delivered(crm, "demo:ccs.call.hangup:" + call).get("data");
        assertThat(data.get("transactionId").asText()).isEqualTo("crm-tx-failing");
        assertThat(data.get("crmReference").asText()).isEqualTo("CASE-FAILING");
    }

    @Test
    void afterTheBudgetTheHangupGoesOnUncorrelatedWithAWarnLine() throws Exception {
        String call = "store-away-" + System.nanoTime();
        clickToCall("crm-tx-away", "05321110003", "CASE-AWAY");
        FailingWrites.start(stateStore(), TABLE, "UPDATE", 1000);

        assertThat(hangup(call, "05321110003").statusCode()).isEqualTo(200);

        JsonNode data = delivered(crm, "demo:ccs.call.hangup:" + call).get("data");
        assertThat(data.get("transactionId").isNull()).isTrue();
        assertThat(data.has("crmReference")).isFalse();
        assertThat(FailingWrites.remaining()).as("one attempt and its three retries").isEqualTo(996);
        assertThat(LogCapture.text()).contains("Hangup event of call " + call + " (tenant demo) goes on without the CRM's transaction id"
                + " and reference and without custom variables, after 3 retries: the connector's database failed (UPDATE)");
        assertThat(get("/observe/metrics").body()).containsPattern("ccs_webhooks_correlation_total\\{.*outcome=\"not-correlated\".*} 1");
    }

    /** A click2call the connector dispatched, as remembered for the correlation of its hangup. */
    private void clickToCall(String transactionId, String number, String reference) {
        context.getRegistry().lookupByNameAndType("callCorrelations", CallCorrelations.class).remember("demo", transactionId, AGENT, number, reference);
    }

    /** The custom variables a screen pop read of the call. */
    private void remember(String call, String variables) {
        stateStore().update("INSERT INTO TENANT_CALL_VARIABLES (tenant, call_key, variables, read_at) VALUES ('demo', ?, ?, ?)", call, variables, Timestamp.from(Instant.now()));
    }

    /** The hangup callback of the click2call, without its transaction id (it is correlated by agent, number and time). */
    private HttpResponse<String> hangup(String call, String number) throws Exception {
        Map<String, String> fields = IvrGuideExamples.hangupNow(call);
        fields.put("transaction_id", "");
        fields.put("agent_username", AGENT);
        fields.put("called_num", number);
        // generous for a busy machine, far below what a stalled store would hold an answer
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/webhooks/ccs/hangup?token=" + webhookToken()))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", FORM).POST(HttpRequest.BodyPublishers.ofString(encode(fields))).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
