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
 * GET /api/v1/dead-letters?tenant= on a connector of several tenants: the operator of one tenant sees that tenant's letters
 * alone, of every kind, a page at a time, whatever letter case the tenant is named in; one whose name begins as another's
 * (acme-eu) is not among them; POST /api/v1/dead-letters/replay?tenant= replays that tenant's letters alone.
 */
class DeadLetterTenantsTest extends ConnectorTestSupport {

    private static final Instant FIRST = Instant.parse("2026-11-30T22:00:00Z");
    private static final String ACME_TOKEN = "acme-w3bh00k-t0k3n-of-its-own";
    private static final List<String> STORED = List.of("demo:ccs.cdr:night-0", "Acme:ccs.cdr:night-1", "acme-eu:ccs.cdr:night-2",
            "Acme:ccs.call.hangup:night-3", "acme_x:ccs.cdr:night-4", "Acme:ccs.cdr.invalid:night-5");
    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("ccs.tenants", "demo,Acme,acme-eu");
        settings.setProperty("ccs.tenant.Acme.webhook-token", ACME_TOKEN);
        try (Database store = Database.h2(dataDir)) {
            for (int i = 0; i < STORED.size(); i++) {
                store.update("INSERT INTO DEAD_LETTER (id, kind, reason, attempts, failed_at, letter, replay) VALUES (?, ?, ?, 9, ?, ?, FALSE)",
                        STORED.get(i), STORED.get(i).contains(".invalid:") ? "cdr-record" : "event", "RejectedDeliveryException: the CRM answered HTTP 422",
                        Timestamp.from(FIRST.plusSeconds(i)), "{\"eventId\":\"" + STORED.get(i) + "\",\"event\":{}}");
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void oneTenantsLettersAreListedAloneAPageAtATimeInAnyCase() throws Exception {
        // a webhook request of the tenant that could not become an event, named in another case: kept as the tenant's
        HttpResponse<String> kept = post("/webhooks/ccs/hangup?tenant=ACME&token=" + ACME_TOKEN, "application/json", "null");
        assertThat(kept.statusCode()).as(kept.body()).isEqualTo(400);
        String request = deadLetters().keySet().stream().filter(id -> id.contains(":request:")).findFirst().orElseThrow();
        assertThat(request).startsWith("Acme:ccs.call.hangup:request:");
        // one that names a tenant not served, which begins as a served one's name: never filed under the served tenant
        HttpResponse<String> unserved = post("/webhooks/ccs/hangup?tenant=Acme%3Ax&token=" + webhookToken(), "application/json", "null");
        assertThat(unserved.statusCode()).as(unserved.body()).isEqualTo(400);
        assertThat(deadLetters().keySet()).filteredOn(id -> id.contains(":request:") && !id.equals(request)).singleElement()
                .asString().startsWith("unknown-tenant:ccs.call.hangup:request:");

        for (String named : List.of("Acme", "acme", "ACME")) {
            List<String> ids = new ArrayList<>();
            JsonNode page = list("?tenant=" + named + "&limit=1");
            page.get("deadLetters").forEach(letter -> ids.add(letter.get("id").asText()));
            while (page.hasNonNull("next")) {
                page = list("?tenant=" + named + "&limit=1&after=" + URLEncoder.encode(page.get("next").asText(), StandardCharsets.UTF_8));
                page.get("deadLetters").forEach(letter -> ids.add(letter.get("id").asText()));
            }
            assertThat(ids).as(named).containsExactly("Acme:ccs.cdr:night-1", "Acme:ccs.call.hangup:night-3", "Acme:ccs.cdr.invalid:night-5", request);
        }
        assertThat(ids(list("?tenant=acme&kind=cdr-record"))).containsExactly("Acme:ccs.cdr.invalid:night-5");
        assertThat(ids(list("?kind=webhook-request&tenant=acme"))).containsExactly(request);
        assertThat(ids(list("?tenant=acme-eu"))).containsExactly("acme-eu:ccs.cdr:night-2");
        assertThat(ids(list("?tenant=demo"))).containsExactly("demo:ccs.cdr:night-0");
        assertThat(ids(list(""))).hasSize(STORED.size() + 2);
    }

    @Test
    void aReplayOfOneTenantMarksThatTenantsLettersAlone() throws Exception {
        // another replica leads: the letters stay marked, as they are until the leader puts them back into the outbox
        leadElsewhere();
        try {
            HttpResponse<String> replay = post("/api/v1/dead-letters/replay?tenant=ACME", null, null);

            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
            // its two events; its unreadable CDR record is never replayed
            assertThat(json.readTree(replay.body()).get("replaying").asInt()).isEqualTo(2);
            assertThat(replaying(list(""))).containsExactly("Acme:ccs.cdr:night-1", "Acme:ccs.call.hangup:night-3");
        } finally {
            // the stored letters hold no event to replay: unmarked, for the other tests
            stateStore().update("UPDATE DEAD_LETTER SET replay = FALSE");
            leadHere();
        }
    }

    @Test
    void aTenantNotServedOrEmptyIsA400NamingIt() throws Exception {
        for (String query : List.of("tenant=globex", "tenant=", "tenant=acme_x", "tenant=%25")) {
            for (HttpResponse<String> answer : List.of(get("/api/v1/dead-letters?" + query), post("/api/v1/dead-letters/replay?" + query, null, null))) {
                assertThat(answer.statusCode()).as(query + ": " + answer.body()).isEqualTo(400);
                assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                JsonNode problem = json.readTree(answer.body());
                assertThat(problem.get("field").asText()).as(query).isEqualTo("tenant");
                assertThat(problem.get("detail").asText()).as(query).contains("tenant");
            }
        }
        assertThat(replaying(list(""))).as("nothing marked by a refused replay").isEmpty();
    }

    /** Read as absent, a misspelt tenant replayed every tenant's letters, those whose CRM mapping was not fixed yet too. */
    @Test
    void aReplayWithAParameterItDoesNotTakeIsA400NamingItAndMarksNothing() throws Exception {
        leadElsewhere();
        try {
            HttpResponse<String> answer = post("/api/v1/dead-letters/replay?tenants=acme", null, null);

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            JsonNode problem = json.readTree(answer.body());
            assertThat(problem.get("field").asText()).isEqualTo("tenants");
            assertThat(problem.get("detail").asText()).isEqualTo("tenants is no query parameter of this request: it takes tenant");
            assertThat(replaying(list(""))).isEmpty();
        } finally {
            stateStore().update("UPDATE DEAD_LETTER SET replay = FALSE");
            leadHere();
        }
    }

    private JsonNode list(String query) throws Exception {
        HttpResponse<String> answer = get("/api/v1/dead-letters" + query);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json.readTree(answer.body());
    }

    private static List<String> replaying(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("deadLetters").forEach(letter -> {
            if (letter.get("replaying").asBoolean()) {
                ids.add(letter.get("id").asText());
            }
        });
        return ids;
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("deadLetters").forEach(letter -> ids.add(letter.get("id").asText()));
        return ids;
    }
}
