package ccs.connector.screenpop;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import ccs.connector.support.RecordingHttpServer.Received;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** crm.lookup=rest with {phone} in the path of crm.lookup.url: the number goes out URL-encoded, every lookup through one HTTP endpoint. */
class RestLookupPathTest extends ConnectorTestSupport {

    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = startHttpServer();
        settings.setProperty("crm.lookup", "rest");
        settings.setProperty("crm.lookup.url", crm.url("/api/phones/{phone}/contacts?apikey=crm-side-key"));
        settings.setProperty("crm.lookup.formats", "e164,national");
        // no 504 on a busy machine: each screen pop waits for all its lookups
        settings.setProperty("crm.lookup.timeout", "30s");
    }

    @Test
    void numbersInThePathGoOutEncodedThroughOneHttpEndpoint() throws Exception {
        crm.answerWhen(request -> request.rawPath().contains("%2B905321234567"), Answer.json(200, """
                [{"id": "42", "name": "Elif Şahin", "phone": "905321234567"}]"""));
        crm.answerWhen(request -> true, Answer.status(404));
        HttpResponse<String> card = get("/api/v1/screen-pop?phone=05321234567");
        assertThat(card.statusCode()).as(card.body()).isEqualTo(200);
        assertThat(card.body()).contains("Elif");
        long endpoints = httpEndpointsTo(crm);

        List<String> numbers = List.of("05321234561", "05321234562", "05321234563", "05321234564");
        for (String number : numbers) {
            assertThat(get("/api/v1/screen-pop?phone=" + number).statusCode()).isEqualTo(404);
        }

        List<Received> asked = crm.received();
        assertThat(asked).extracting(Received::query).containsOnly("apikey=crm-side-key");
        assertThat(asked).extracting(Received::rawPath).containsExactly("/api/phones/%2B905321234567/contacts",
                "/api/phones/%2B905321234561/contacts", "/api/phones/05321234561/contacts",
                "/api/phones/%2B905321234562/contacts", "/api/phones/05321234562/contacts",
                "/api/phones/%2B905321234563/contacts", "/api/phones/05321234563/contacts",
                "/api/phones/%2B905321234564/contacts", "/api/phones/05321234564/contacts");
        // an endpoint per number was an HTTP client and a connection pool each, up to Camel's 1,000 endpoints
        assertThat(httpEndpointsTo(crm)).isEqualTo(endpoints);
    }
}
