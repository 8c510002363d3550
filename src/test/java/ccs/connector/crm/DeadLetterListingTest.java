package ccs.connector.crm;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import ccs.connector.state.Database;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /api/v1/dead-letters after a night of a CRM refusing everything: the dead letters come a page at a time, oldest first,
 * each once, so that a listing of many thousands never has to fit into the heap at once (in the lean profile, 200,000 letters
 * listed in one answer ended the connector with an OutOfMemoryError).
 */
class DeadLetterListingTest extends ConnectorTestSupport {

    private static final int LETTERS = 2_345;
    private static final Instant FIRST = Instant.parse("2026-11-30T22:00:00.123456Z");
    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        // the state store as a night of refusals left it: many letters, some of them in the same instant, and among them
        // a few CDR records that could not be read
        try (Database store = Database.h2(dataDir)) {
            for (int i = 0; i < LETTERS; i++) {
                store.update("INSERT INTO DEAD_LETTER (id, kind, reason, attempts, failed_at, letter, replay) VALUES (?, ?, ?, 9, ?, ?, FALSE)",
                        id(i), unreadable(i) ? "cdr-record" : "event", "RejectedDeliveryException: the CRM answered HTTP 422",
                        Timestamp.from(FIRST.plusMillis(i / 3)),
                        "{\"eventId\":\"" + id(i) + "\",\"event\":{}}");
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theDeadLettersComeAPageAtATimeOldestFirstEachOnce() throws Exception {
        JsonNode first = list("");
        assertThat(first.get("deadLetters").size()).as("one answer holds at most 1000").isEqualTo(1000);
        assertThat(first.hasNonNull("next")).isTrue();

        List<String> ids = new ArrayList<>();
        JsonNode page = list("?limit=500");
        int pages = 1;
        page.get("deadLetters").forEach(letter -> ids.add(letter.get("id").asText()));
        while (page.hasNonNull("next")) {
            page = list("?limit=500&after=" + URLEncoder.encode(page.get("next").asText(), StandardCharsets.UTF_8));
            page.get("deadLetters").forEach(letter -> ids.add(letter.get("id").asText()));
            pages++;
        }
        assertThat(pages).isEqualTo(5);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < LETTERS; i++) {
            expected.add(id(i));
        }
        expected.sort((a, b) -> {
            int byTime = Integer.compare(index(a) / 3, index(b) / 3);
            return byTime != 0 ? byTime : a.compareTo(b);
        });
        assertThat(ids).as("every letter once, oldest first").containsExactlyElementsOf(expected);
    }

    @Test
    void theCdrRecordsKeptForAPersonAreFoundAmongTheNightsEventsByTheirKind() throws Exception {
        // the status page counts them; the operator finds them without paging through every event of the night
        List<String> ids = new ArrayList<>();
        JsonNode page = list("?kind=cdr-record&limit=2");
        page.get("deadLetters").forEach(letter -> ids.add(letter.get("id").asText() + " " + letter.get("kind").asText()));
        while (page.hasNonNull("next")) {
            page = list("?kind=cdr-record&limit=2&after=" + URLEncoder.encode(page.get("next").asText(), StandardCharsets.UTF_8));
            page.get("deadLetters").forEach(letter -> ids.add(letter.get("id").asText() + " " + letter.get("kind").asText()));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < LETTERS; i++) {
            if (unreadable(i)) {
                expected.add(id(i) + " cdr-record");
            }
        }
        assertThat(ids).containsExactlyElementsOf(expected);
        assertThat(list("?kind=event&limit=1000&after=" + URLEncoder.encode(list("?kind=event").get("next").asText(), StandardCharsets.UTF_8))
                .get("deadLetters")).hasSize(1000);
    }

    @Test
    void aLimitOrACursorThatCannotBeReadIsA400NamingIt() throws Exception {
        for (String query : List.of("limit=0", "limit=1001", "limit=ten", "after=not-a-cursor", "after=", "kind=cdr", "kind=")) {
            HttpResponse<String> answer = get("/api/v1/dead-letters?" + query);
            assertThat(answer.statusCode()).as(query + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json.readTree(answer.body()).get("field").asText()).as(query).isEqualTo(query.substring(0, query.indexOf('=')));
        }
    }

    private JsonNode list(String query) throws Exception {
        HttpResponse<String> answer = get("/api/v1/dead-letters" + query);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json.readTree(answer.body());
    }

    private static String id(int i) {
        return "demo:ccs.cdr:night-" + i;
    }

    private static boolean unreadable(int i) {
        return i % 500 == 7;
    }

    private static int index(String id) {
        return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
    }
}
