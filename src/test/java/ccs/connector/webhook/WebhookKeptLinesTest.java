package ccs.connector.webhook;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.TestTicker;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IVR notifications after the vendor renamed the call key's parameter (the guide: names "can be updated or changed upon
 * request"), on a clock the test moves: each is a 400 kept in the dead letters, and the log has one WARN line a minute per
 * route and reason, the next one counting those kept alike meanwhile, where it had a line for each.
 */
@ExtendWith(LogCapture.PerClass.class)
class WebhookKeptLinesTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
    }

    private static final String LINE = "A request to webhook-ivr cannot become an event (callkeyX is missing)";
    /** The guide's names, but the call key's as the vendor renamed it. */
    private static final Map<String, String> RENAMED = Map.of("call-key", "callkey", "event", "event", "caller", "callerid",
            "called", "callednum", "queue-name", "queuename", "queue-id", "queueid", "agent-email", "myemail", "call-date", "calldate");

    private final TestTicker ticker = new TestTicker();
    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected Ticker clock() {
        return ticker;
    }

    @Test
    void requestsKeptAlikeGetOneWarnLineAMinuteAndEachALetter() throws Exception {
        String first = kept(IvrGuideExamples.answered());
        String second = kept(IvrGuideExamples.abandonedInQueue());

        assertThat(first).isNotEqualTo(second);
        assertThat(deadLetters()).as("both kept").containsKeys(first, second);
        assertThat(lines()).singleElement().asString().endsWith(LINE + ": kept as dead letter " + first);

        ticker.advance(61, TimeUnit.SECONDS);
        String third = kept(IvrGuideExamples.endedBeforeQueue());

        assertThat(deadLetters()).containsKeys(first, second, third);
        assertThat(lines()).hasSize(2).last().asString()
                .endsWith(LINE + ": kept as dead letter " + third + " (1 more kept alike since the previous line)");
    }

    /** A reason that quotes what the request sent (a tenant not served) is alike whatever it quotes. */
    @Test
    void reasonsThatQuoteTheRequestAreAlikeWhateverTheyQuote() throws Exception {
        for (String tenant : List.of("globex", "initech")) {
            HttpResponse<String> answer = get("/webhooks/ccs/ivr?token=" + webhookToken() + "&tenant=" + tenant + "&"
                    + IvrGuideExamples.encode(IvrGuideExamples.answered(), RENAMED));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        }

        assertThat(LogCapture.text().lines().filter(line -> line.contains("A request to webhook-ivr cannot become an event (tenant 'globex'")
                || line.contains("A request to webhook-ivr cannot become an event (tenant 'initech'")))
                .singleElement().asString().contains("(tenant 'globex' is not served by this connector");
    }

    /** The token pasted as the tenant as well: it reached the WARN line (and the letter: WebhookIntakeTest). */
    @Test
    void aTokenGivenAsTheTenantIsNotInTheLine() throws Exception {
        // past the minute of any earlier line of a tenant not served
        ticker.advance(61, TimeUnit.SECONDS);
        HttpResponse<String> answer = get("/webhooks/ccs/ivr?token=" + webhookToken() + "&tenant=" + webhookToken() + "&"
                + IvrGuideExamples.encode(IvrGuideExamples.answered()));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);

        assertThat(LogCapture.text().lines().filter(line -> line.contains("kept as dead letter unknown-tenant:ccs.ivr.notification:request:")))
                .singleElement().asString().contains("(tenant '***' is not served").doesNotContain(webhookToken());
        // a later test's line of a tenant not served is written, not counted as alike within this minute
        ticker.advance(61, TimeUnit.SECONDS);
    }

    /** Sends the notification under the renamed names: a 400 kept in the dead letters; the letter's id. */
    private String kept(Map<String, String> example) throws Exception {
        Set<String> before = deadLetters().keySet();
        HttpResponse<String> answer = get("/webhooks/ccs/ivr?token=" + webhookToken() + "&" + IvrGuideExamples.encode(example, RENAMED));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(json.readTree(answer.body()).get("field").asText()).isEqualTo("callkeyX");
        return assertThat(deadLetters().keySet()).filteredOn(id -> !before.contains(id)).singleElement().actual();
    }

    private static List<String> lines() {
        return LogCapture.text().lines().filter(line -> line.contains(LINE)).toList();
    }
}
