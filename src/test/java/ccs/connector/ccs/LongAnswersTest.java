package ccs.connector.ccs;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import ccs.connector.http.WholeAnswerLimit;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Answers of Call Center Studio far longer than any the API gives, several at once (a proxy's page, a misrouted download):
 * each call fails as answered garbage, 502 naming the limit, and the connector serves on. An answer is held several times
 * over on its way to a map, so the bound is on what is read (bean ccsAnswerLimit): no answer past 4 MiB, and no more than
 * 8 MiB of the answers being read at once.
 */
class LongAnswersTest extends ConnectorTestSupport {

    private static final int MIB = 1 << 20;
    private static final Map<String, String> RECORDING = Map.of("callkey", "ahRzfm1");

    private RecordingHttpServer padded;

    @Override
    protected void settings(Properties settings) {
        padded = startHttpServer();
        // logins answered with 6 MiB of valid JSON, with its length or streamed without it
        padded.answerWhen(request -> request.query().contains("function=login") && request.query().contains("ayse"), Answer.json(200, padded(6 * MIB)));
        padded.answerWhen(request -> request.query().contains("function=login"), Answer.json(200, padded(6 * MIB)).chunked());
        // a day of agent performance under the limit, held open before its last byte while it is read: the test's days only,
        // not the recent ones the daily run asks for
        padded.answerWhen(request -> request.query().contains("function=reportsAgentPerf") && request.query().contains("startdate=2026-11-0"),
                Answer.json(200, padded(3 * MIB + MIB * 3 / 4)).heldBeforeItsLastByte());
        // an answer of 1.5 MiB, 1.25 of it counted against the budget (the first 256 KiB of each answer are not)
        padded.answerWhen(request -> request.query().contains("function=recordinginfo"), Answer.json(200, padded(MIB * 3 / 2)));
        padded.answerWhen(request -> request.query().contains("function=ping"), Answer.json(200, "{\"success\": true}"));
        settings.setProperty("ccs.tenants", "demo,padded");
        settings.setProperty("ccs.tenant.padded.api-url", padded.url("/api/"));
        settings.setProperty("ccs.tenant.padded.app-token", "padded-secret-token");
        realTenantSecrets(settings);
    }

    @Test
    void answersLongerThanAnyTheApiGivesFailTheirCallsAndTheConnectorServesOn() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = List.of("ayse.yilmaz", "ayse.kaya", "mehmet.kaya", "zeynep.demir").stream()
                .map(agent -> click2call(agent + "@padded.example", "padded")).toList();

        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> answered = call.join();
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(502);
            // past the limit, or, read beside the others, past what was left of the budget
            assertThat(answered.body()).containsAnyOf("tenant padded answered login with more than 4 MiB: no answer of the API is that long",
                    "tenant padded answered login with more than was left of the 8 MiB");
        }
        HttpResponse<String> served = click2call("ayse.yilmaz@demo.example", "demo").join();
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    }

    @Test
    void theAnswersBeingReadAtOnceShareABudgetThatRefusesOneMore() throws Exception {
        // two answers of 3.75 MiB each, read to their last byte and held there: 7 MiB of the 8 counted, and 1.25 more is too many
        List<CompletableFuture<Exchange>> held = List.of(call("reportsAgentPerf", Map.of("startdate", "2026-11-02", "finishdate", "2026-11-02")),
                call("reportsAgentPerf", Map.of("startdate", "2026-11-03", "finishdate", "2026-11-03")));
        try {
            // both read up to their held last byte before the first recordinginfo: one read beside them took its share first
            WholeAnswerLimit limit = context.getRegistry().lookupByNameAndType("ccsAnswerLimit", WholeAnswerLimit.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> limit.budgetLeft() < 2 * MIB);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(call("recordinginfo", RECORDING).join().getException())
                    .isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("tenant padded answered recordinginfo with more than was left of the 8 MiB the answers being read at once may hold"));
            // a short answer is never refused for the long ones
            assertThat(call("ping", Map.of()).join().getException()).isNull();
        } finally {
            padded.releaseHeld();
        }

        // whole, the held answers are read as any other, and what they held of the budget is given back
        for (CompletableFuture<Exchange> report : held) {
            assertThat(report.join().getException()).isNull();
        }
        assertThat(call("recordinginfo", RECORDING).join().getException()).isNull();
    }

    /** {@code {"success": true, "pad": "aaa..."}}, {@code bytes} long. */
    private static String padded(int bytes) {
        String envelope = "{\"success\": true, \"pad\": \"\"}";
        return envelope.replace("\"\"", "\"" + "a".repeat(bytes - envelope.length()) + "\"");
    }

    private CompletableFuture<HttpResponse<String>> click2call(String agent, String tenant) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/click2call"))
                .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json").header("X-Api-Key", REAL_TENANT_API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"agentEmail\": \"" + agent + "\", \"phoneNumber\": \"05321234567\", \"tenant\": \""
                        + tenant + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<Exchange> call(String function, Map<String, String> params) {
        return template.asyncSend("direct:ccs-api-call", exchange -> {
            exchange.setVariable(CcsApi.TENANT, "padded");
            exchange.setVariable(CcsApi.FUNCTION, function);
            exchange.setVariable(CcsApi.PARAMS, params);
        });
    }
}
