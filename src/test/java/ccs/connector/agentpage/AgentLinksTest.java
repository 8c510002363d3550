package ccs.connector.agentpage;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Properties;

import ccs.connector.ccs.Tenants;
import ccs.connector.simulator.CcsSimulator.ActiveCall;
import ccs.connector.state.Database;
import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The agent page's signed links and its doors over real HTTP, against the simulator. */
class AgentLinksTest extends ConnectorTestSupport {

    private static final String SECRET = "agent-links-test-secret-0123456789abcdef";
    private static final String KEY = "agent-links-test-api-key";
    private static final String AGENT = "ayse.yilmaz@demo.example";
    private static final String OTHER = "mehmet.kaya@demo.example";
    private static final String LEAVER = "deniz.aydin@demo.example";
    /** An agent whose page asks for its softphone URL only in the test of that door's limit. */
    private static final String LOOPER = "zeynep.demir@demo.example";

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("connector.api-key", KEY);
        settings.setProperty("connector.agent-page.secret", SECRET);
        settings.setProperty("connector.agent-page.frame-ancestors", "https://crm.acme.example");
        settings.setProperty("connector.agent-page.screen-pops-per-minute", "10");
        settings.setProperty("connector.agent-page.softphone-urls-per-minute", "5");
    }

    @Test
    void theCrmAsksWithItsKeyForALinkThatOpensThePageForOneAgent() throws Exception {
        assertThat(askForLink(AGENT, null).statusCode()).as("no API key").isEqualTo(401);
        HttpResponse<String> answer = askForLink(AGENT, KEY);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode link = json.readTree(answer.body());
        assertThat(link.get("url").asText()).startsWith(baseUrl() + "/agent?agent=ayse.yilmaz%40demo.example&tenant=demo&expires=")
                .contains("&signature=");
        assertThat(Instant.parse(link.get("expiresAt").asText())).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofMinutes(3)));

        HttpResponse<String> page = open(link.get("url").asText());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"softphone\"");
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("ccs-agent=").contains("; Path=/agent", "; HttpOnly", "; SameSite=Strict", "; Max-Age=28800")
                .doesNotContain(SECRET);
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'", "frame-src " + origin(simulator().softphoneUrl()) + ";",
                        "frame-ancestors https://crm.acme.example", "connect-src 'self'", "script-src 'sha256-")
                .doesNotContain("unsafe-inline");
    }

    @Test
    void aLinkOpensThePageOnceAndEveryLinkAskedForOpensItOnce() throws Exception {
        String first = link(AGENT);
        String second = link(AGENT);
        assertThat(second).as("asked for in the same second, still another link").isNotEqualTo(first);
        assertThat(open(first).statusCode()).isEqualTo(200);
        assertThat(open(second).statusCode()).isEqualTo(200);

        HttpResponse<String> again = open(first);
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(json.readTree(again.body()).get("detail").asText()).startsWith("the agent link was opened already");
        assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(open(first.replaceFirst("&nonce=[^&]*", "")).statusCode()).as("a link without its nonce").isEqualTo(401);
        assertThat(open(first.replaceFirst("nonce=.", "nonce=A")).statusCode()).as("another nonce").isEqualTo(401);
    }

    @Test
    void headOfALinkIsSafeAndLeavesTheLinkToOpenThePage() throws Exception {
        // a link checker or a mail scanner that asks with HEAD (a safe method, RFC 9110 section 9.2.1) changes nothing
        String url = link(AGENT);
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(head.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(head.headers().firstValue("Set-Cookie")).as("no page signed in by a HEAD").isEmpty();
        assertThat(head.body()).isEmpty();

        HttpResponse<String> page = open(url);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.headers().firstValue("Set-Cookie")).isPresent();

        // and answers as GET would once the link is opened, or altered
        HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(after.statusCode()).isEqualTo(401);
        HttpResponse<String> altered = http.send(HttpRequest.newBuilder(URI.create(altered(link(AGENT), "nonce")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(altered.statusCode()).isEqualTo(401);
        // a client cannot make a GET pass for a HEAD
        String another = link(AGENT);
        HttpResponse<String> posing = http.send(HttpRequest.newBuilder(URI.create(another)).header("X-Connector-Head", "true").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posing.headers().firstValue("Set-Cookie")).isPresent();
        assertThat(open(another).statusCode()).isEqualTo(401);
        // nor by a query parameter of that name, which platform-http gives as a header too
        String third = link(AGENT);
        HttpResponse<String> posingInQuery = open(third + "&X-Connector-Head=true");
        assertThat(posingInQuery.statusCode()).isEqualTo(200);
        assertThat(posingInQuery.headers().firstValue("Set-Cookie")).isPresent();
        assertThat(open(third).statusCode()).isEqualTo(401);
    }

    @Test
    void theDoorsAnswerOnlyWithTheCookieAndOnlyForItsAgent() throws Exception {
        String cookie = cookieOf(open(link(AGENT)));

        HttpResponse<String> softphone = agentDoor("/agent/softphone-url", cookie, null);
        assertThat(softphone.statusCode()).as(softphone.body()).isEqualTo(200);
        assertThat(json.readTree(softphone.body()).get("agentEmail").asText()).isEqualTo(AGENT);
        assertThat(json.readTree(softphone.body()).get("url").asText()).startsWith(simulator().softphoneUrl()).contains("session=");
        assertThat(softphone.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(softphone.headers().firstValue("Cache-Control")).as("an answer that holds a session").hasValue("no-store");
        assertThat(agentDoor("/agent/softphone-url?agentEmail=" + AGENT, cookie, null).statusCode()).isEqualTo(200);
        HttpResponse<String> screenPop = agentDoor("/agent/screen-pop", cookie, "{\"phone\": \"0532 123 45 67\"}");
        assertThat(screenPop.statusCode()).as(screenPop.body()).isEqualTo(200);
        assertThat(screenPop.body()).contains("Elif Şahin");

        HttpResponse<String> another = agentDoor("/agent/softphone-url?agentEmail=" + OTHER, cookie, null);
        assertThat(another.statusCode()).isEqualTo(403);
        assertThat(another.body()).doesNotContain("session");
        assertThat(another.headers().firstValue("Cache-Control")).as("the door's errors too").hasValue("no-store");
        assertThat(agentDoor("/agent/screen-pop", cookie, "{\"phone\": \"05321234567\", \"agentEmail\": \"" + OTHER + "\"}").statusCode()).isEqualTo(403);
        assertThat(agentDoor("/agent/softphone-url?tenant=acme", cookie, null).statusCode()).isEqualTo(403);
        // a cookie of another agent's page, set for the whole domain by a sibling site, comes first: the door served its agent
        String planted = cookieOf(open(link(OTHER)));
        HttpResponse<String> twoCookies = agentDoor("/agent/softphone-url", planted + "; " + cookie, null);
        assertThat(twoCookies.statusCode()).as(twoCookies.body()).isEqualTo(401);
        assertThat(json.readTree(twoCookies.body()).get("detail").asText()).startsWith("the request carries two ccs-agent cookies");
        assertThat(simulator().requests("login")).as("no session for the other agent")
                .noneMatch(r -> OTHER.equals(r.params().get("email")));
    }

    /** The platform masks the caller's number from agents: the agent's page is not told it, the CRM's screen pop is. */
    @Test
    void theCardOfAMaskedCallOnTheAgentsPageDoesNotTellTheNumberTheCrmsScreenPopDoes() throws Exception {
        ActiveCall call = simulator().ring(LOOPER, "05337654321");

        HttpResponse<String> card = agentDoor("/agent/screen-pop", cookieOf(open(link(LOOPER))), "{\"activecallkey\": \"" + call.key() + "\"}");
        assertThat(card.statusCode()).as(card.body()).isEqualTo(200);
        assertThat(card.body()).contains("Burak Öztürk").doesNotContain("7654321", "765 43 21");
        assertThat(json.readTree(card.body()).at("/contacts/0/match/format").asText()).isEqualTo("e164");

        HttpResponse<String> crmCard = get("/api/v1/screen-pop?activecallkey=" + call.key() + "&agentEmail=" + LOOPER, "X-Api-Key", KEY);
        assertThat(crmCard.statusCode()).as(crmCard.body()).isEqualTo(200);
        assertThat(json.readTree(crmCard.body()).get("phone").asText()).isEqualTo("+905337654321");
    }

    @Test
    void anAgentsPageGetsAtMostItsScreenPopsAMinuteAndOtherAgentsPagesTheirOwn() throws Exception {
        String cookie = cookieOf(open(link(OTHER)));
        for (int i = 0; i < 10; i++) {
            assertThat(agentDoor("/agent/screen-pop", cookie, "{\"phone\": \"0532 123 45 67\"}").statusCode()).isEqualTo(200);
        }

        HttpResponse<String> refused = agentDoor("/agent/screen-pop", cookie, "{\"phone\": \"0533 765 43 21\"}");
        assertThat(refused.statusCode()).as(refused.headers().map() + " " + refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(json.readTree(refused.body()).get("detail").asText())
                .contains("more than 10 screen pops within a minute (connector.agent-page.screen-pops-per-minute)");
        assertThat(agentDoor("/agent/screen-pop", cookieOf(open(link(AGENT))), "{\"phone\": \"0533 765 43 21\"}").statusCode())
                .as("another agent's page").isEqualTo(200);
    }

    @Test
    void anAgentsPageGetsAtMostItsSoftphoneUrlsAMinuteAndThePlatformIsPingedNoMore() throws Exception {
        String cookie = cookieOf(open(link(LOOPER)));
        String session = null;
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> softphone = agentDoor("/agent/softphone-url", cookie, null);
            assertThat(softphone.statusCode()).as(softphone.body()).isEqualTo(200);
            session = URI.create(json.readTree(softphone.body()).get("url").asText()).getQuery().replaceFirst(".*session=([^&]*).*", "$1");
        }

        // a page (or a cookie taken from one) asking in a loop: each request past the budget is refused before any ping
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> refused = agentDoor("/agent/softphone-url", cookie, null);
            assertThat(refused.statusCode()).as(refused.headers().map() + " " + refused.body()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
            assertThat(json.readTree(refused.body()).get("detail").asText())
                    .isEqualTo("this agent's page asked for more than 5 softphone urls within a minute "
                            + "(connector.agent-page.softphone-urls-per-minute): try again later");
            assertThat(refused.body()).doesNotContain(session);
        }
        String ofTheLooper = session;
        assertThat(simulator().requests("ping")).as("one ping per softphone URL served, none for those refused")
                .filteredOn(ping -> ofTheLooper.equals(ping.params().get("session"))).hasSize(5);
        assertThat(agentDoor("/agent/softphone-url", cookieOf(open(link(OTHER))), null).statusCode()).as("another agent's page")
                .isEqualTo(200);
    }

    @Test
    void theScreenPopDoorTakesJsonOnlyAndSaysSo() throws Exception {
        String cookie = cookieOf(open(link(AGENT)));

        for (String[] request : new String[][] {{"application/x-www-form-urlencoded", "phone=05321234567"},
                {"text/plain", "{\"phone\": \"05321234567\"}"}, {"text/html<script>alert(1)</script>", "{}"}}) {
            HttpResponse<String> answer = post("/agent/screen-pop", request[0], request[1], "Cookie", cookie);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(415);
            assertThat(json.readTree(answer.body()).get("detail").asText())
                    .isEqualTo("the body must be JSON, sent with Content-Type: application/json (the request has another Content-Type)");
        }
        for (String path : new String[] {"/agent/screen-pop", "/api/v1/agent-links"}) {
            HttpResponse<String> empty = post(path, null, null, "Cookie", cookie, "X-Api-Key", KEY);
            assertThat(empty.statusCode()).as(empty.body()).isEqualTo(400);
            assertThat(json.readTree(empty.body()).get("detail").asText()).startsWith("the body is empty");
        }
    }

    @Test
    void withoutALinkNothingIsServed() throws Exception {
        HttpResponse<String> page = get("/agent");
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(challenge -> assertThat(challenge)
                .startsWith("AgentLink ").contains("cookie=\"ccs-agent\""));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).as("an error of the page is its answer too").hasValue("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        HttpResponse<String> nothingHere = get("/agent/nothing-here");
        assertThat(nothingHere.statusCode()).isEqualTo(404);
        assertThat(nothingHere.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(page.body()).contains("signed link").doesNotContain("softphone\"");
        assertThat(get("/agent/softphone-url?agentEmail=" + AGENT).statusCode()).isEqualTo(401);
        assertThat(agentDoor("/agent/screen-pop", null, "{\"phone\": \"05321234567\"}").statusCode()).isEqualTo(401);
        assertThat(agentDoor("/agent/softphone-url", "ccs-agent=forged.value.1.x", null).statusCode()).isEqualTo(401);
    }

    @Test
    void theCrmRevokesAnAgentsPagesAndLinksOnlyANewLinkOpensThePageAgain() throws Exception {
        String phone = "{\"phone\": \"0532 123 45 67\"}";
        String cookie = cookieOf(open(link(LEAVER)));
        String unopened = link(LEAVER);
        String colleague = cookieOf(open(link(AGENT)));
        assertThat(agentDoor("/agent/screen-pop", cookie, phone).statusCode()).isEqualTo(200);

        assertThat(delete("/api/v1/agent-links?agentEmail=" + LEAVER).statusCode()).as("no API key").isEqualTo(401);
        HttpResponse<String> noAgent = delete("/api/v1/agent-links", "X-Api-Key", KEY);
        assertThat(noAgent.statusCode()).isEqualTo(400);
        assertThat(json.readTree(noAgent.body()).get("field").asText()).isEqualTo("agentEmail");
        HttpResponse<String> revoked = delete("/api/v1/agent-links?agentEmail=Deniz.Aydin%40demo.example", "X-Api-Key", KEY);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        JsonNode answer = json.readTree(revoked.body());
        assertThat(answer.get("agentEmail").asText()).isEqualTo(LEAVER);
        assertThat(answer.get("tenant").asText()).isEqualTo("demo");
        assertThat(Instant.parse(answer.get("revokedAt").asText())).isBeforeOrEqualTo(Instant.now());

        HttpResponse<String> door = agentDoor("/agent/screen-pop", cookie, phone);
        assertThat(door.statusCode()).isEqualTo(401);
        assertThat(json.readTree(door.body()).get("detail").asText()).contains("revoked");
        assertThat(get("/agent", "Cookie", cookie).statusCode()).as("the page itself").isEqualTo(401);
        assertThat(open(unopened).statusCode()).as("a link issued before").isEqualTo(401);
        assertThat(agentDoor("/agent/screen-pop", colleague, phone).statusCode()).as("another agent's page").isEqualTo(200);

        // at once: a link carried its expiry to the second, and one asked for in the revocation's second was refused
        String reopened = cookieOf(open(link(LEAVER)));
        assertThat(agentDoor("/agent/screen-pop", reopened, phone).statusCode()).as("a page opened through a new link").isEqualTo(200);
    }

    @Test
    void anExpiredOrAlteredLinkIsRefused() throws Exception {
        String link = link(AGENT);
        String expired = linkSignedWith(SECRET, Clock.fixed(Instant.now().minus(Duration.ofMinutes(3)), ZoneOffset.UTC));
        String signedElsewhere = linkSignedWith(SECRET.replace('0', '1'), Clock.systemUTC());

        HttpResponse<String> tooLate = open(expired);
        assertThat(tooLate.statusCode()).isEqualTo(401);
        assertThat(tooLate.body()).contains("expired");
        assertThat(open(link.replace("agent=ayse.yilmaz", "agent=mehmet.kaya")).statusCode()).as("another agent").isEqualTo(401);
        assertThat(open(link.replaceFirst("expires=(\\d+)", "expires=9$1")).statusCode()).as("a later expiry").isEqualTo(401);
        assertThat(open(altered(link, "signature")).statusCode()).as("another signature").isEqualTo(401);
        assertThat(open(link.replaceFirst("&signature=.*", "")).statusCode()).as("no signature").isEqualTo(401);
        assertThat(open(signedElsewhere).statusCode()).as("another key").isEqualTo(401);
        assertThat(open(tooLate.uri().toString()).headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void aLinkOpensNothingFromItsExpiryOn() throws Exception {
        // the record of a link's openings is kept only until its expiry, so each opening after it could otherwise be a first one
        Instant expiry = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String expired = linkSignedWith(SECRET, Clock.fixed(expiry.minus(Duration.ofMinutes(2)), ZoneOffset.UTC));

        for (int opening = 0; opening < 2; opening++) {
            HttpResponse<String> answer = open(expired);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(401);
            assertThat(answer.body()).contains("expired at " + expiry);
            assertThat(answer.headers().firstValue("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void aCredentialOrBodyTypeInTheUrlIsRefusedEvenWhereItsHeaderWouldPass() throws Exception {
        String cookie = cookieOf(open(link(AGENT)));
        String encodedCookie = URLEncoder.encode(cookie, StandardCharsets.UTF_8);

        HttpResponse<String> cookieInUrl = get("/agent/softphone-url?Cookie=" + encodedCookie);
        assertThat(cookieInUrl.statusCode()).as(cookieInUrl.body()).isEqualTo(400);
        assertThat(json.readTree(cookieInUrl.body()).get("detail").asText()).isEqualTo("Cookie goes in a request header, never in the URL");
        assertThat(agentDoor("/agent/softphone-url?cookie=" + encodedCookie, cookie, null).statusCode()).isEqualTo(400);
        HttpResponse<String> keyInUrl = post("/api/v1/agent-links?X-Api-Key=" + KEY, "application/json", "{\"agentEmail\": \"" + AGENT + "\"}");
        assertThat(keyInUrl.statusCode()).as(keyInUrl.body()).isEqualTo(400);
        assertThat(keyInUrl.body()).contains("X-Api-Key goes in a request header, never in the URL").doesNotContain(KEY);

        // the HTTP server also splits a query at ';'
        HttpResponse<String> keyAfterSemicolon = post("/api/v1/agent-links?x=1;X-Api-Key=" + KEY, "application/json", "{\"agentEmail\": \"" + AGENT + "\"}");
        assertThat(keyAfterSemicolon.statusCode()).as(keyAfterSemicolon.body()).isEqualTo(400);
        assertThat(get("/agent/softphone-url?x=1;Cookie=" + encodedCookie).statusCode()).isEqualTo(400);

        // nor a JSON type: a body without one (another page of the site, posting with no CORS preflight) is never taken for JSON
        HttpResponse<String> typeInUrl = post("/agent/screen-pop?Content-Type=application/json", null, "{\"phone\": \"05321234567\"}",
                "Cookie", cookie);
        assertThat(typeInUrl.statusCode()).as(typeInUrl.body()).isEqualTo(400);
        assertThat(json.readTree(typeInUrl.body()).get("detail").asText()).isEqualTo("Content-Type goes in a request header, never in the URL");
    }

    @Test
    void aLinkNeedsAnAgentEmailAndNamesTheAgentInLowerCase() throws Exception {
        HttpResponse<String> answer = post("/api/v1/agent-links", "application/json", "{\"agentEmail\": \"not an address\"}", "X-Api-Key", KEY);
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(json.readTree(answer.body()).get("field").asText()).isEqualTo("agentEmail");
        HttpResponse<String> notText = post("/api/v1/agent-links", "application/json", "{\"agentEmail\": 5}", "X-Api-Key", KEY);
        assertThat(json.readTree(notText.body()).get("detail").asText()).startsWith("agentEmail must be a string");

        // one JSON object, each field once: the last of two agents, or the first of two objects, is no link
        HttpResponse<String> twoAgents = post("/api/v1/agent-links", "application/json",
                "{\"agentEmail\": \"" + AGENT + "\", \"agentEmail\": \"" + OTHER + "\"}", "X-Api-Key", KEY);
        assertThat(twoAgents.statusCode()).as(twoAgents.body()).isEqualTo(400);
        HttpResponse<String> twoObjects = post("/api/v1/agent-links", "application/json",
                "{\"agentEmail\": \"" + AGENT + "\"} {\"agentEmail\": \"" + OTHER + "\"}", "X-Api-Key", KEY);
        assertThat(twoObjects.statusCode()).as(twoObjects.body()).isEqualTo(400);
        String cookie = cookieOf(open(link(AGENT)));
        assertThat(agentDoor("/agent/screen-pop", cookie, "{\"phone\": \"05321234567\", \"phone\": \"05331234567\"}").statusCode())
                .isEqualTo(400);

        JsonNode mixedCase = json.readTree(askForLink("Ayse.YILMAZ@Demo.Example", KEY).body());
        assertThat(mixedCase.get("agentEmail").asText()).isEqualTo(AGENT);
        HttpResponse<String> softphone = agentDoor("/agent/softphone-url", cookieOf(open(mixedCase.get("url").asText())), null);
        assertThat(json.readTree(softphone.body()).get("agentEmail").asText()).isEqualTo(AGENT);
    }

    /** A link for {@link #AGENT} that a connector with this key and clock made. */
    private String linkSignedWith(String secret, Clock clock) {
        Database database = stateStore();
        return (String) new AgentLinks(secret, tenants(), baseUrl() + "/agent", Duration.ofMinutes(2), Duration.ofHours(8),
                new AgentPageRevocations(database, Duration.ofHours(8)), new AgentLinkOpenings(database), clock)
                .link(Map.of("agentEmail", AGENT)).get("url");
    }

    private HttpResponse<String> askForLink(String agent, String key) throws Exception {
        String body = "{\"agentEmail\": \"" + agent + "\"}";
        return key == null ? post("/api/v1/agent-links", "application/json", body) : post("/api/v1/agent-links", "application/json", body, "X-Api-Key", key);
    }

    private String link(String agent) throws Exception {
        return json.readTree(askForLink(agent, KEY).body()).get("url").asText();
    }

    /** The link with the first character of a parameter's value changed (to another one, whatever it was). */
    private static String altered(String link, String parameter) {
        int at = link.indexOf(parameter + "=") + parameter.length() + 1;
        return link.substring(0, at) + (link.charAt(at) == 'A' ? 'B' : 'A') + link.substring(at + 1);
    }

    private HttpResponse<String> open(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookieOf(HttpResponse<String> page) {
        return page.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    private Tenants tenants() {
        return context.getRegistry().lookupByNameAndType("tenants", Tenants.class);
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
