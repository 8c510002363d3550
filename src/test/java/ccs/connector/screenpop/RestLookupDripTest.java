package ccs.connector.screenpop;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * crm.lookup=rest against a CRM whose answers drip in a byte at a time: the screen pop stops waiting after
 * crm.lookup.timeout, and the lookup left behind must end too, within the HTTP response timeout, rather than hold one
 * of the lookup's consumers for as long as the answer goes on.
 */
class RestLookupDripTest extends ConnectorTestSupport {

    private static final String ELIF = """
            [{"id": "42", "name": "Elif Şahin", "phone": "905321234567"}]""";
    /** The lookup's consumers (route crm-lookup): every one of them held by a dripping answer. */
    private static final int CONSUMERS = 20;

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = startHttpServer();
        settings.setProperty("crm.lookup", "rest");
        settings.setProperty("crm.lookup.url", crm.url("/api/contacts?phone={phone}"));
        settings.setProperty("crm.lookup.formats", "e164");
        settings.setProperty("crm.lookup.timeout", "200ms");
        settings.setProperty("camel.component.http.response-timeout", "1000");
        settings.setProperty("camel.component.http.so-timeout", "1000");
    }

    @Test
    void lookupsWhoseAnswersDripInEndWithinTheResponseTimeoutAndLaterScreenPopsAreAnswered() throws Exception {
        // no read waits as long as the so-timeout: only a deadline for the whole answer ends such a lookup
        crm.answerWhen(request -> request.query().contains("905551112233"),
                Answer.json(200, ELIF + " ".repeat(600)).drippedOver(Duration.ofMinutes(3)));
        crm.answerWhen(request -> request.query().contains("905321234567"), Answer.json(200, ELIF));
        for (int i = 0; i < CONSUMERS; i++) {
            assertThat(get("/api/v1/screen-pop?phone=05551112233").statusCode()).isEqualTo(504);
        }

        // another caller, whom the CRM answers at once
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> get("/api/v1/screen-pop?phone=05321234567").statusCode() == 200);
        HttpResponse<String> card = get("/api/v1/screen-pop?phone=05321234567");
        assertThat(card.statusCode()).isEqualTo(200);
        assertThat(card.body()).contains("Elif");
    }
}
