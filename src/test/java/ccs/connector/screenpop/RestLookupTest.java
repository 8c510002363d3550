package ccs.connector.screenpop;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import ccs.connector.support.RecordingHttpServer.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/** crm.lookup=rest against a real HTTP CRM on loopback: formats in order, answers, errors and the timeout. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestLookupTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
    }

    private static final String ELIF = """
            [{"id": "42", "name": "Elif Şahin", "company": "Anadolu Tekstil", "phone": "905321234567", "url": "https://crm.example.com/42"}]""";

    private final ObjectMapper json = new ObjectMapper();
    // created in settings(), which runs from the superclass constructor: no initializer here
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = startHttpServer();
        settings.setProperty("crm.lookup", "rest");
        settings.setProperty("crm.lookup.url", crm.url("/api/contacts?apikey=crm-side-key&phone={phone}"));
        settings.setProperty("crm.lookup.formats", "e164,national,digits");
        settings.setProperty("crm.lookup.timeout", "10s");
        // Camel prints its property summary only without the supervising route controller: turn it off here
        // so the test sees what an operator who turns it off would
        settings.setProperty("camel.routecontroller.enabled", "false");
        // a secret a rotation keeps for a while, named by a key that ends in .previous (as connector.api-key.previous)
        settings.setProperty("connector.webhook-token.previous", "previous-webhook-token-0123456789");
    }

    @Test
    @Order(1)
    void eachFormatIsAskedForInTurnUntilTheCrmKnowsTheNumber() throws Exception {
        crm.thenAnswer(Answer.status(404)).thenAnswer(Answer.json(200, "[]")).thenAnswer(Answer.json(200, ELIF));
        int before = crm.received().size();

        HttpResponse<String> answer = get("/api/v1/screen-pop?phone=0532%20123%2045%2067&agentEmail=ayse.yilmaz@demo.example");

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode contact = json.readTree(answer.body()).get("contacts").get(0);
        assertThat(contact.get("name").asText()).isEqualTo("Elif Şahin");
        assertThat(contact.get("match").get("format").asText()).isEqualTo("digits");
        assertThat(contact.get("match").get("value").asText()).isEqualTo("905321234567");
        List<Received> asked = crm.received().subList(before, crm.received().size());
        assertThat(asked).extracting(Received::method).containsOnly("GET");
        assertThat(asked).extracting(Received::path).containsOnly("/api/contacts");
        assertThat(asked).extracting(Received::query).containsExactly(
                "apikey=crm-side-key&phone=%2B905321234567", "apikey=crm-side-key&phone=05321234567", "apikey=crm-side-key&phone=905321234567");
        assertThat(asked.get(0).header("Accept")).isEqualTo("application/json");
        for (Received request : asked) {
            assertThat(request.headers().keySet()).as("nothing of the screen pop request reaches the CRM")
                    .noneMatch(name -> name.equalsIgnoreCase("agentEmail") || name.equalsIgnoreCase("phone")
                            || name.toLowerCase().startsWith("camel"));
        }
    }

    @Test
    @Order(2)
    void theCrmMayAnswerAnObjectWithContactsOrOneContact() throws Exception {
        crm.thenAnswer(Answer.json(200, "{\"contacts\": " + ELIF + "}"));
        HttpResponse<String> card = get("/api/v1/screen-pop?phone=05321234567");
        assertThat(json.readTree(card.body()).get("contacts").get(0).get("id").asText()).isEqualTo("42");
        assertThat(card.headers().firstValue("Cache-Control")).as("a caller's card").hasValue("no-store");

        // a CRM that answers in a Turkish charset of its own: the name as it wrote it
        crm.thenAnswer(Answer.json(200, ELIF.replace("Elif Şahin", "Elif Şahin Gül İğdır")).withHeader("Content-Type",
                "application/json; charset=windows-1254"));
        HttpResponse<String> turkish = get("/api/v1/screen-pop?phone=05321234567");
        assertThat(turkish.statusCode()).as(turkish.body()).isEqualTo(200);
        assertThat(json.readTree(turkish.body()).get("contacts").get(0).get("name").asText()).isEqualTo("Elif Şahin Gül İğdır");

        // an envelope whose CRM writes an empty list as null holds no contact: the envelope is no contact card
        crm.thenAnswer(Answer.json(200, "{\"contacts\": null, \"total\": 0}"));
        HttpResponse<String> none = get("/api/v1/screen-pop?phone=05321234567");
        assertThat(none.statusCode()).as(none.body()).isEqualTo(404);

        crm.thenAnswer(Answer.json(200, "{\"id\": \"7\", \"name\": \"Tek Kişi\"}"));
        assertThat(json.readTree(get("/api/v1/screen-pop?phone=05321234567").body()).get("contacts").get(0).get("name").asText())
                .isEqualTo("Tek Kişi");
    }

    @Test
    @Order(3)
    void aCrmThatKnowsNoFormatIsA404() throws Exception {
        HttpResponse<String> answer = get("/api/v1/screen-pop?phone=05321234567");

        assertThat(answer.statusCode()).isEqualTo(404);
    }

    @Test
    @Order(4)
    void aCrmErrorOrGarbageIsA502ThatKeepsTheCrmsUrlAndAnswerToItself() throws Exception {
        crm.thenAnswer(new Answer(500, "internal details of the CRM", java.util.Map.of("Set-Cookie", "crm=1"), Duration.ZERO));
        HttpResponse<String> failed = get("/api/v1/screen-pop?phone=05321234567");
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(json.readTree(failed.body()).get("detail").asText()).contains("HTTP 500");
        assertThat(failed.body()).doesNotContain("internal details", "crm-side-key");
        assertThat(failed.headers().map()).doesNotContainKey("set-cookie");

        crm.thenAnswer(new Answer(200, "<html>Login</html>", java.util.Map.of("Content-Type", "text/html"), Duration.ZERO));
        HttpResponse<String> garbage = get("/api/v1/screen-pop?phone=05321234567");
        assertThat(garbage.statusCode()).isEqualTo(502);
        assertThat(json.readTree(garbage.body()).get("detail").asText()).contains("not JSON");

        // an error the CRM answers with 200 is no contact card for the agent
        crm.thenAnswer(Answer.json(200, "{\"error\": \"unauthorized\", \"message\": \"API key expired\"}"));
        HttpResponse<String> error = get("/api/v1/screen-pop?phone=05321234567");
        assertThat(error.statusCode()).as(error.body()).isEqualTo(502);
        assertThat(json.readTree(error.body()).get("detail").asText()).contains("answered an error");

        // read whole, an answer this long would take the connector's memory, and every call with it
        String contact = ELIF.substring(1, ELIF.length() - 1);
        crm.thenAnswer(Answer.json(200, "[" + (contact + ",").repeat(20_000) + contact + "]"));
        HttpResponse<String> huge = get("/api/v1/screen-pop?phone=05321234567");
        assertThat(huge.statusCode()).as(huge.body()).isEqualTo(502);
        assertThat(json.readTree(huge.body()).get("detail").asText()).contains("more than 1024 KiB");

        // far longer ones, with their length or streamed without it: the connector stops reading past the limit,
        // rather than after holding all of it
        String everyContact = "[" + (contact + ",").repeat(600_000) + contact + "]";
        for (Answer far : List.of(Answer.json(200, everyContact), Answer.json(200, everyContact).chunked())) {
            int cutShortBefore = crm.answersCutShort();
            crm.thenAnswer(far);
            HttpResponse<String> huger = get("/api/v1/screen-pop?phone=05321234567");
            assertThat(huger.statusCode()).as(huger.body()).isEqualTo(502);
            assertThat(json.readTree(huger.body()).get("detail").asText())
                    .isEqualTo("the CRM lookup answered more than 1024 KiB: no contact list an agent can read is that long");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> crm.answersCutShort() == cutShortBefore + 1);
        }
    }

    @Test
    @Order(5)
    void aCrmSlowerThanTheTimeoutIsA504() throws Exception {
        // the late answer holds a contact, so the lookup left behind ends with it and asks nothing more
        crm.thenAnswer(Answer.json(200, ELIF).after(Duration.ofSeconds(20)));

        HttpResponse<String> answer = get("/api/v1/screen-pop?phone=05321234567");

        assertThat(answer.statusCode()).isEqualTo(504);
        assertThat(json.readTree(answer.body()).get("detail").asText()).contains("did not answer within 10s").contains("crm.lookup.timeout");
    }

    @Test
    @Order(6)
    void anUnreachableCrmIsA502() throws Exception {
        crm.close();

        HttpResponse<String> answer = get("/api/v1/screen-pop?phone=05321234567");

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(json.readTree(answer.body()).get("detail").asText()).contains("cannot be reached").doesNotContain("crm-side-key");
    }

    @Test
    @Order(7)
    void theKeyInTheLookupUrlAndThePreviousSecretsStayOutOfTheStartupSummaryAndTheErrorLines() {
        List<String> lines = LogCapture.text().lines().toList();
        assertThat(lines).filteredOn(line -> line.contains("crm.lookup.url = ")).isNotEmpty()
                .allSatisfy(line -> assertThat(line).endsWith("crm.lookup.url = xxxxxx"));
        assertThat(lines).filteredOn(line -> line.contains("answered 50")).isNotEmpty()
                .allSatisfy(line -> assertThat(line).doesNotContain("crm-side-key"));
        assertThat(lines).filteredOn(line -> line.contains("connector.webhook-token.previous = ")).isNotEmpty()
                .allSatisfy(line -> assertThat(line).endsWith("connector.webhook-token.previous = xxxxxx"));
        assertThat(LogCapture.text()).doesNotContain("previous-webhook-token-0123456789");
    }
}
