package ccs.connector.api;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What HTTP clients rely on, under /api and /webhooks: problem details for every error (RFC 9457),
 * 404 and 405 with Allow for requests no route takes, HEAD wherever GET is served, 415 for a body
 * that is not JSON, WWW-Authenticate on a 401, no file uploads.
 */
class HttpStandardsTest extends ConnectorTestSupport {

    private static final String AGENT = "ayse.yilmaz@demo.example";

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected void settings(java.util.Properties settings) {
        LogCapture.install();
        // a body that stops coming is answered within the test's patience (30 s by default)
        settings.setProperty("connector.http.body-timeout", "2s");
    }
    private final HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void anUnknownPathIsA404Problem() throws Exception {
        for (String path : new String[] {"/api/v1/nothing-here", "/webhooks/ccs/nothing-here?token=" + webhookToken(), "/api/v2/click2call"}) {
            HttpResponse<String> answer = get(path);
            assertProblem(answer, 404).contains("no resource at " + path.replaceAll("\\?.*", ""));
        }
    }

    /** RFC 9110, section 6.6.1: the time of each answer, in the one form a client must read (IMF-fixdate). */
    @Test
    void everyAnswerIsDated() throws Exception {
        for (HttpResponse<String> answer : List.of(get("/observe/health/ready"), get("/api/v1/nothing-here"),
                post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded", "call_id=dated-1&disposition=ANSWER"))) {
            String date = answer.headers().firstValue("Date").orElseThrow(() -> new AssertionError("no Date on " + answer.uri()));
            assertThat(date).matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
            assertThat(Duration.between(ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(), Instant.now()).abs())
                    .isLessThan(Duration.ofMinutes(1));
        }
    }

    @Test
    void theApiAndWebhooksPrefixesAloneAre404Problems() throws Exception {
        for (String path : new String[] {"/api", "/webhooks", "/api/v1/", "/webhooks/ccs"}) {
            for (String method : new String[] {"GET", "POST", "DELETE"}) {
                assertProblem(send(method, path), 404).as(method + " " + path).contains("no resource at " + path);
            }
            HttpResponse<String> head = send("HEAD", path);
            assertThat(head.statusCode()).isEqualTo(404);
            assertThat(head.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    @Test
    void aMethodThePathDoesNotTakeIsA405ProblemWithAllow() throws Exception {
        HttpResponse<String> get = get("/api/v1/click2call");
        assertProblem(get, 405).contains("GET");
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");

        HttpResponse<String> delete = send("DELETE", "/api/v1/calls/ahRzfm1");
        assertProblem(delete, 405);
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET, HEAD");

        HttpResponse<String> put = send("PUT", "/webhooks/ccs/ivr?token=" + webhookToken());
        assertProblem(put, 405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST");

        for (String action : new String[] {"hangup", "hold", "unhold"}) {
            HttpResponse<String> control = get("/api/v1/calls/" + action);
            assertProblem(control, 405).contains("/api/v1/calls/" + action + " does not take GET");
            assertThat(control.headers().firstValue("Allow")).as("not the lookup of a call named " + action).hasValue("POST");
        }
        assertThat(send("HEAD", "/api/v1/calls/hangup").statusCode()).isEqualTo(405);
        assertThat(simulator().requests("reportsCDRLogs")).as("no call named after an action looked up")
                .noneMatch(request -> java.util.Set.of("hangup", "hold", "unhold").contains(String.valueOf(request.params().get("activecallkey"))));

        HttpResponse<String> health = send("POST", "/observe/health");
        assertProblem(health, 405);
        assertThat(health.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void aLiterallyNamedPathWithATrailingSlashIsStillNotACallsLookup() throws Exception {
        for (String action : new String[] {"hangup", "hold", "unhold"}) {
            HttpResponse<String> control = get("/api/v1/calls/" + action + "/");
            assertProblem(control, 405).contains("does not take GET");
            assertThat(control.headers().firstValue("Allow")).as(action).hasValue("POST");
        }
        assertThat(simulator().requests("reportsCDRLogs")).as("no call named after an action looked up")
                .noneMatch(request -> java.util.Set.of("hangup", "hold", "unhold").contains(String.valueOf(request.params().get("activecallkey"))));
    }

    @Test
    void aMethodTheServerDoesNotKnowIsA501Problem() throws Exception {
        // RFC 9110, section 9.1: a method the server does not recognize is 501, one a path does not take 405
        for (String path : new String[] {"/api/v1/status", "/webhooks/ccs/hangup?token=" + webhookToken(), "/api/v1/nothing-here"}) {
            String answer = raw("FROB " + path + " HTTP/1.1\r\n\r\n");
            assertThat(answer).as(path).startsWith("HTTP/1.1 501").containsIgnoringCase("content-type: application/problem+json")
                    .contains("\"detail\":\"this server does not know the request's method: it serves GET, HEAD, POST and DELETE\"")
                    .doesNotContain("FROB");
        }
        assertThat(raw("PATCH /api/v1/status HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 405");
    }

    @Test
    void headIsServedWhereGetIs() throws Exception {
        HttpResponse<String> get = get("/api/v1/softphone-url?agentEmail=" + AGENT);
        HttpResponse<String> head = send("HEAD", "/api/v1/softphone-url?agentEmail=" + AGENT);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Cache-Control")).as("an answer that holds a session").hasValue("no-store");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(head.body()).isEmpty();

        assertThat(send("HEAD", "/api/v1/softphone-url").statusCode()).isEqualTo(400);
        assertThat(send("HEAD", "/api/v1/openapi.json").statusCode()).isEqualTo(200);
        assertThat(send("HEAD", "/observe/health/live").statusCode()).isEqualTo(200);
        assertThat(send("HEAD", "/api/v1/click2call").headers().firstValue("Allow")).hasValue("POST");
        // an IVR notification by GET hands on an event: HEAD, a safe method, does not
        HttpResponse<String> ivrHead = send("HEAD", "/webhooks/ccs/ivr?token=" + webhookToken() + "&callkeyX=head-is-safe-1");
        assertThat(ivrHead.statusCode()).isEqualTo(405);
        assertThat(ivrHead.headers().firstValue("Allow")).hasValue("GET, POST");
    }

    @Test
    void anAcceptHeaderThePathCannotMeetStillGetsItsAnswer() throws Exception {
        for (String[] request : new String[][] {{"/observe/metrics", "text/plain"}, {"/observe/metrics", "application/openmetrics-text"},
                {"/observe/health", "text/html"}, {"/observe/health/ready", "text/plain"}, {"/api/v1/status", "text/html"}}) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + request[0])).header("Accept", request[1]).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(request[0] + " " + request[1] + ": " + answer.body()).isEqualTo(200);
        }
    }

    @Test
    void aBodyThatIsNotJsonIs415AndBrokenJsonIs400() throws Exception {
        String click2call = "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\"}";
        assertProblem(post("/api/v1/click2call", "text/plain", click2call), 415).contains("application/json", "another Content-Type")
                .doesNotContain("text/plain");
        assertProblem(post("/api/v1/click2call", null, click2call), 415).contains("no Content-Type");
        assertProblem(post("/api/v1/click2call", "application/x-www-form-urlencoded", "agentEmail=" + AGENT), 415);
        assertProblem(post("/api/v1/click2call", "application/json; charset=x-no-such-charset", click2call), 415)
                .isEqualTo("the body declares charset x-no-such-charset, which this server does not know: send the JSON in UTF-8");
        assertProblem(post("/api/v1/agent-links", "application/json; charset=\"@@\"", "{\"agentEmail\": \"" + AGENT + "\"}"), 415)
                .isEqualTo("the body declares a charset, which this server does not know: send the JSON in UTF-8");
        assertProblem(post("/api/v1/click2call", "application/json", "{\"agentEmail\": "), 400);
        assertProblem(post("/api/v1/cdr/backfill", "application/json", "[\"not\", \"an object\"]"), 400)
                .isEqualTo("the body is not the JSON object this path takes");
        assertProblem(post("/webhooks/ccs/hangup?token=" + webhookToken(), "text/plain", "call_id=1"), 415);
    }

    @Test
    void a401SaysHowToAuthenticate() throws Exception {
        HttpResponse<String> answer = post("/webhooks/ccs/hangup?token=wrong", "application/x-www-form-urlencoded", "call_id=1");
        assertProblem(answer, 401).contains("connector.webhook-token").doesNotContain(webhookToken());
        assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Bearer "));
    }

    @Test
    void aBadFieldIsAProblemNamingTheField() throws Exception {
        HttpResponse<String> answer = post("/api/v1/click2call", "application/json", "{\"agentEmail\": \"" + AGENT + "\"}");
        assertProblem(answer, 400).startsWith("phoneNumber is missing");
        assertThat(json.readTree(answer.body()).get("field").asText()).isEqualTo("phoneNumber");
    }

    @Test
    void aFieldGivenTwiceInABodyIsAProblemNamingTheField() throws Exception {
        String day = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Istanbul")).minusDays(3).toString();
        int dialled = simulator().requests("click2call").size();
        String[][] requests = {
                {"/api/v1/click2call", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", \"agentEmail\": \"" + AGENT + "\"}",
                        "agentEmail", "the body gives field agentEmail twice"},
                {"/api/v1/calls/hold", "{\"agentEmail\": \"" + AGENT + "\", \"agentEmail\": \"" + AGENT + "\"}",
                        "agentEmail", "the body gives field agentEmail twice"},
                {"/api/v1/agent-links", "{\"agentEmail\": \"" + AGENT + "\", \"agentEmail\": \"" + AGENT + "\"}",
                        "agentEmail", "the body is not the JSON object this path takes: Duplicate field 'agentEmail'"},
                {"/api/v1/cdr/backfill", "{\"from\": \"" + day + "\", \"to\": \"" + day + "\", \"from\": \"" + day + "\"}",
                        "from", "the body is not the JSON object this path takes: Duplicate field 'from'"},
                {"/api/v1/agents/performance/backfill", "{\"from\": \"" + day + "\", \"to\": \"" + day + "\", \"to\": \"" + day + "\"}",
                        "to", "the body is not the JSON object this path takes: Duplicate field 'to'"}};
        for (String[] request : requests) {
            HttpResponse<String> answer = post(request[0], "application/json", request[1]);
            assertProblem(answer, 400).as(request[0]).startsWith(request[3]);
            assertThat(json.readTree(answer.body()).path("field").asText(null)).as(request[0]).isEqualTo(request[2]);
        }
        HttpResponse<String> door = agentDoor("/agent/screen-pop", agentPageCookie(AGENT), "{\"phone\": \"05321234567\", \"phone\": \"05331234567\"}");
        assertProblem(door, 400).startsWith("the body is not the JSON object this path takes: Duplicate field 'phone'");
        assertThat(json.readTree(door.body()).path("field").asText(null)).isEqualTo("phone");
        assertThat(simulator().requests("click2call")).as("nothing dialled").hasSize(dialled);
    }

    @Test
    void aBackfillFieldSpeltOtherwiseIsAProblemNamingItAndStartsNothing() throws Exception {
        String day = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Istanbul")).minusDays(3).toString();
        for (String path : new String[] {"/api/v1/cdr/backfill", "/api/v1/agents/performance/backfill"}) {
            // read as a field the path does not take, it backfilled the default tenant: a 202
            HttpResponse<String> answer = post(path, "application/json", "{\"Tenant\": \"demo\", \"from\": \"" + day + "\", \"to\": \"" + day + "\"}");
            assertProblem(answer, 400).as(path).isEqualTo("Tenant is no field of this request: it takes tenant, from, to");
            assertThat(json.readTree(answer.body()).path("field").asText(null)).as(path).isEqualTo("Tenant");
            assertThat(json.readTree(get(path + "?tenant=demo").body()).toString()).as(path).doesNotContain(day + "T00:00");
            // the JSON text null: a 400 naming the field it misses, as before
            assertProblem(post(path, "application/json", "null"), 400).as(path).startsWith("from is missing");
            // the tenant of a backfill goes in its body: one in the query was read nowhere, and the default tenant backfilled
            HttpResponse<String> inQuery = post(path + "?tenant=demo", "application/json", "{\"from\": \"" + day + "\", \"to\": \"" + day + "\"}");
            assertProblem(inQuery, 400).as(path).isEqualTo("tenant is no query parameter of this request: it takes none (the body names the tenant)");
        }
    }

    @Test
    void aScreenPopWithNeitherPhoneNorCallKeyIsAProblemNamingPhone() throws Exception {
        for (HttpResponse<String> answer : java.util.List.of(get("/api/v1/screen-pop"), get("/api/v1/screen-pop?phone=%20&activecallkey="),
                agentDoor("/agent/screen-pop", agentPageCookie(AGENT), "{}"))) {
            assertProblem(answer, 400).as(answer.uri().toString()).startsWith("phone is missing").contains("activecallkey");
            assertThat(json.readTree(answer.body()).path("field").asText(null)).as(answer.uri().toString()).isEqualTo("phone");
        }
    }

    @Test
    void aBodyOverTheLimitIsA413Problem() throws Exception {
        assertProblem(post("/api/v1/click2call", "application/json", "{\"x\": \"" + "y".repeat(70_000) + "\"}"), 413)
                .contains("camel.server.maxBodySize");
    }

    /** A form over one of the HTTP server's own limits: a field too large, too many fields. */
    @Test
    void aFormOverTheServersLimitsIsA413ProblemNamingTheLimit() throws Exception {
        Map<String, String> detailOf = Map.of(
                "call_id=long-field-1&note=" + "x".repeat(8_200), "a form field is larger than 8192 bytes, the most the HTTP server takes in one field",
                "call_id=many-fields-1" + "&note=1".repeat(300), "a form has more than 256 fields, the most the HTTP server takes");
        for (Map.Entry<String, String> form : detailOf.entrySet()) {
            HttpResponse<String> answer = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded", form.getKey());
            assertProblem(answer, 413).isEqualTo(form.getValue() + ": send the request as JSON (Content-Type: application/json) instead");
        }
    }

    @Test
    void aQueryThatIsNotWellEncodedIsA400Problem() throws Exception {
        String detail = "the request cannot be decoded: a query parameter or form field is not well encoded (a % must be followed by two hex digits)";
        String form = "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 20\r\n\r\n";
        int logged = LogCapture.text().length();
        double counted = serverErrorsCounted(400);
        String[] requests = {"GET /webhooks/ccs/ivr?token=" + webhookToken() + "&callkeyX=bad-escape-1&note=100% HTTP/1.1\r\n\r\n",
                "POST /webhooks/ccs/hangup?token=" + webhookToken() + "&note=%zz HTTP/1.1\r\n" + form + "call_id=bad-escape-2",
                "POST /api/v1/click2call?note=%zz HTTP/1.1\r\n" + form + "agentEmail=a%40b.c&x",
                // after a '#', which the server's own decoder stops at, and without a token: a 400, never a dead letter's 503
                "GET /webhooks/ccs/ivr?callkeyX=bad-escape-3#%zz HTTP/1.1\r\n\r\n",
                // a sign after the '%', which the JDK's URLDecoder takes for a hex number
                "GET /webhooks/ccs/ivr?callkeyX=bad-escape-4#%+1 HTTP/1.1\r\n\r\n",
                "POST /webhooks/ccs/hangup?a=1#%-0 HTTP/1.1\r\n" + form + "call_id=bad-escape-5",
                // after 1,024 parameters, where the server's own decoder stops too
                "GET /webhooks/ccs/ivr?" + "a&".repeat(1_030) + "callkeyX=%zz HTTP/1.1\r\n\r\n",
                "GET /webhooks/ccs/ivr?" + "a&".repeat(1_030) + "callkeyX=%+1 HTTP/1.1\r\n\r\n"};
        for (String request : requests) {
            // a client that sends it as it is (java.net.URI refuses to)
            try (Socket socket = new Socket("localhost", port)) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(request.replaceFirst("\r\n", "\r\nHost: localhost\r\nConnection: close\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).as(request).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/problem+json")
                        .contains("\"detail\":\"" + detail + "\"");
            }
        }

        // lost for good (the platform does not send a webhook again): counted, and told once a minute per path
        await().atMost(Duration.ofSeconds(30)).until(() -> serverErrorsCounted(400) - counted == requests.length);
        String lines = LogCapture.text().substring(logged);
        assertThat(lines).doesNotContain("ERROR");
        for (String intake : new String[] {"/webhooks/ccs/ivr", "/webhooks/ccs/hangup"}) {
            assertThat(lines.split("A webhook to " + intake + " was answered 400 by the HTTP server before its token was read "
                    + "\\(" + Pattern.quote(detail) + "\\): it is not kept, and the platform does not send it again", -1)).hasSize(2);
        }
    }

    /** Metric ccs_http_errors_total of the requests the HTTP server answered with {@code status} before any route. */
    private double serverErrorsCounted(int status) throws Exception {
        Matcher count = Pattern.compile("ccs_http_errors_total\\{[^}]*route=\"server\",[^}]*status=\"" + status + "\"[^}]*} (\\S+)")
                .matcher(get("/observe/metrics").body());
        return count.find() ? Double.parseDouble(count.group(1)) : 0;
    }

    @Test
    void formsAndMultipartRequestsNeedNoWritableWorkingDirectory() throws Exception {
        // Vert.x's default upload directory, made unmakeable: the working directory of the image is not the connector's to write
        Path uploads = Path.of("file-uploads");
        Files.deleteIfExists(uploads);
        Files.createSymbolicLink(uploads, Path.of("/nonexistent/file-uploads"));
        try {
            HttpResponse<String> hangup = post("/webhooks/ccs/hangup?token=" + webhookToken(), "application/x-www-form-urlencoded",
                    "call_id=no-upload-dir-1&disposition=ANSWER");
            assertThat(hangup.statusCode()).as(hangup.body()).isEqualTo(200);
            HttpResponse<String> multipart = post("/webhooks/ccs/hangup?token=" + webhookToken(), "multipart/form-data; boundary=b",
                    "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nuploaded\r\n--b--\r\n");
            assertProblem(multipart, 415).startsWith("the body must be application/x-www-form-urlencoded or application/json");
            // deleted once the answer is sent, so a moment after the client has it
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (var kept = Files.list(dataDir.resolve("uploads"))) {
                    return kept.findAny().isEmpty();
                }
            });
        } finally {
            Files.delete(uploads);
        }
    }

    @Test
    void aPostWithoutABodyWhereAJsonObjectIsTakenIsA400() throws Exception {
        // no Content-Length and no Transfer-Encoding, as curl -X POST sends it: a body of length 0 (RFC 9112, section 6.3)
        for (String path : new String[] {"/api/v1/cdr/backfill", "/api/v1/agents/performance/backfill", "/api/v1/click2call",
                "/api/v1/agent-links"}) {
            String answer = raw("POST " + path + " HTTP/1.1\r\n\r\n");
            assertThat(answer).as(path).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/problem+json")
                    .contains("\"detail\":\"the body is empty: send a JSON object");
        }
    }

    @Test
    void a202PointsAtWhereTheAcceptedWorkIsFollowed() throws Exception {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Istanbul"));
        HttpResponse<String> cdr = post("/api/v1/cdr/backfill", "application/json",
                "{\"from\": \"" + today.minusDays(2) + "T00:00:00\", \"to\": \"" + today.minusDays(2) + "T00:10:00\"}");
        assertThat(cdr.statusCode()).as(cdr.body()).isEqualTo(202);
        assertThat(cdr.headers().firstValue("Location")).hasValue("/api/v1/cdr/backfill?tenant=demo");
        HttpResponse<String> agents = post("/api/v1/agents/performance/backfill", "application/json",
                "{\"from\": \"" + today.minusDays(3) + "\", \"to\": \"" + today.minusDays(2) + "\"}");
        assertThat(agents.statusCode()).as(agents.body()).isEqualTo(202);
        assertThat(agents.headers().firstValue("Location")).hasValue("/api/v1/agents/performance/backfill?tenant=demo");
        HttpResponse<String> replay = post("/api/v1/dead-letters/replay", null, "");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
        assertThat(replay.headers().firstValue("Location")).hasValue("/api/v1/dead-letters");
        for (String monitor : new String[] {"/api/v1/cdr/backfill?tenant=demo", "/api/v1/agents/performance/backfill?tenant=demo"}) {
            HttpResponse<String> answer = get(monitor);
            assertThat(answer.statusCode()).as(monitor).isEqualTo(200);
            assertThat(answer.body()).as(monitor).contains("\"from\":\"" + today.minusDays(monitor.contains("agents") ? 3 : 2));
        }
        // a Location a client sends is never echoed
        HttpResponse<String> report = get("/api/v1/cdr/backfill", "Location", "https://elsewhere.example/");
        assertThat(report.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void answersAboutAgentsAndCallsAreNotStoredByCaches() throws Exception {
        java.time.LocalDate yesterday = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Istanbul")).minusDays(1);
        // an agent's figures by e-mail, the dead letters' call keys and the reasons a CRM gave: personal data, as a caller's card;
        // the status page and its JSON quote the latest dead letter's reason too
        for (String path : new String[] {"/api/v1/agents/performance?from=" + yesterday, "/api/v1/dead-letters",
                "/api/v1/screen-pop?phone=05321234567", "/api/v1/softphone-url?agentEmail=" + AGENT, "/api/v1/status", "/status"}) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(path + " " + answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
        }
        assertThat(get("/api/v1/agents/performance?from=x").headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void aQueryParameterGivenTwiceIsA400NamingIt() throws Exception {
        // two e-mails, the same one twice, or two letter cases of one name (headers, which platform-http makes of them,
        // ignore case): a 400 naming the parameter, never "not an e-mail address" of a value the client did not send
        for (String query : new String[] {"agentEmail=" + AGENT + "&agentEmail=zeynep.demir@demo.example", "agentEmail=" + AGENT + "&agentEmail=" + AGENT,
                "agentEmail=" + AGENT + "&AgentEmail=" + AGENT, "agentEmail=" + AGENT + ";agentEmail=" + AGENT}) {
            HttpResponse<String> answer = get("/api/v1/softphone-url?" + query);
            assertProblem(answer, 400).as(query).isEqualTo("agentEmail is given 2 times in the query: give it once");
            assertThat(json.readTree(answer.body()).get("field").asText()).isEqualTo("agentEmail");
        }
        assertProblem(get("/api/v1/screen-pop?phone=05321234567&phone=05551112233"), 400).startsWith("phone is given 2 times");
        assertProblem(get("/api/v1/dead-letters?limit=5&limit=10&limit=1"), 400).startsWith("limit is given 3 times");
        // a parameter given once, and one the path does not know, are as before
        assertThat(get("/api/v1/softphone-url?agentEmail=" + AGENT + "&unknown=1&other=2").statusCode()).isEqualTo(200);
    }

    @Test
    void aCallKeyInThePathThatCannotBeOneIsA400() throws Exception {
        for (String[] key : new String[][] {{"a%0Ab-forged", "activecallkey", "holds a control character"},
                {"a%00b", "activecallkey", "holds a control character"},
                {"%FF%FE", "activecallkey", "is not well encoded: its %-escapes are no UTF-8 text"},
                {"a%0Db/recording", "callKey", "holds a control character"},
                // what a CRM's template writes for a key it has not got: the routes would hand Camel's bean binding no key at all
                {"null", "activecallkey", "is \"null\", which a missing value is written as: give the activecallkey"},
                {"null/recording", "callKey", "is \"null\", which a missing value is written as: give the callKey"},
                {"%27ahRzfm1%27", "activecallkey", "is in quotes: give the activecallkey without them"},
                {"%22ahRzfm1%22/recording", "callKey", "is in quotes: give the callKey without them"}}) {
            HttpResponse<String> answer = get("/api/v1/calls/" + key[0]);
            assertProblem(answer, 400).as(key[0]).isEqualTo(key[1] + " " + key[2]);
            assertThat(json.readTree(answer.body()).get("field").asText()).isEqualTo(key[1]);
        }
        // (a hangup another test sent may still be looking its call up: only these keys count)
        assertThat(simulator().requests()).as("nothing asked of Call Center Studio").noneMatch(request -> request.params().values().stream()
                .anyMatch(value -> value.chars().anyMatch(c -> Character.isISOControl(c) || c == 0xFFFD) || value.equals("ahRzfm1")));
        assertThat(simulator().requests()).as("no lookup without its key").noneMatch(request -> request.function().equals("reportsCDRLogs")
                && !request.params().containsKey("activecallkey") && !request.params().containsKey("startdate"));
        // encoded characters a key may hold are as before: looked up, not found
        assertProblem(get("/api/v1/calls/a%2Fb%20%C5%9F"), 404).isEqualTo("no call with activecallkey a/b ş");
    }

    @Test
    void aBodyThatStopsComingIsA408AndTheConnectionIsClosed() throws Exception {
        double counted = serverErrorsCounted(408);
        for (String path : new String[] {"/api/v1/click2call", "/webhooks/ccs/hangup?token=" + webhookToken()}) {
            try (Socket socket = new Socket("localhost", port)) {
                // no timing asserted: the answer comes once connector.http.body-timeout has passed, the socket waits longer
                socket.setSoTimeout(60_000);
                socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 200\r\n\r\n{\"agentEmail\": ").getBytes(StandardCharsets.UTF_8));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).as(path).startsWith("HTTP/1.1 408").containsIgnoringCase("content-type: application/problem+json")
                        .contains("\"title\":\"Request Timeout\"")
                        .containsIgnoringCase("connection: close")
                        .contains("\"detail\":\"the body did not arrive within 2s (connector.http.body-timeout): send it whole\"");
            }
        }
        assertThat(get("/api/v1/status").statusCode()).as("the server serves on").isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> serverErrorsCounted(408) - counted == 2);
    }

    /** A webhook the server refuses is counted each time, and told once a minute whatever the client varies in it. */
    @Test
    void webhooksTheServerRefusesAreEachCountedAndToldOnceAMinute() throws Exception {
        int logged = LogCapture.text().length();
        double counted = serverErrorsCounted(415);
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> refused = post("/webhooks/ccs/hangup", "application/x-www-form-urlencoded; charset=x-flood-" + i, "call_id=flood-" + i);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(415);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> serverErrorsCounted(415) - counted == 5);
        assertThat(LogCapture.text().substring(logged).lines().filter(line -> line.contains("x-flood-"))).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void a503OfCallCenterStudioHandsOnItsRetryAfter() throws Exception {
        simulator().inject(new ccs.connector.simulator.Fault("reportsCDRLogs", "status", 503, 0, 120, 1, null));
        try {
            HttpResponse<String> answer = get("/api/v1/calls/ahRzfmUnavailable");
            assertProblem(answer, 503).isEqualTo("Call Center Studio tenant demo answered HTTP 503");
            assertThat(answer.headers().firstValue("Retry-After")).as("when the platform said it serves again").hasValue("120");
        } finally {
            simulator().clearFaults();
        }
        simulator().inject(ccs.connector.simulator.Fault.status("reportsCDRLogs", 503, 1));
        try {
            assertThat(get("/api/v1/calls/ahRzfmUnavailable").headers().firstValue("Retry-After")).as("none made up").isEmpty();
        } finally {
            simulator().clearFaults();
        }
    }

    /** Sends a request as it is, with Host and Connection: close, and gives the whole answer. */
    private String raw(String request) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.replaceFirst("\r\n", "\r\nHost: localhost\r\nConnection: close\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Over HTTP/1.1: Vert.x 4.5 sends the body of a HEAD answer over HTTP/2 (h2c), which is its bug, not the routes'. */
    private HttpResponse<String> send(String method, String path) throws Exception {
        return http1.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts an RFC 9457 problem with this status; gives its detail for more assertions. */
    private org.assertj.core.api.AbstractStringAssert<?> assertProblem(HttpResponse<String> answer, int status) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(answer.body());
        assertThat(problem.get("type").asText()).isEqualTo("about:blank");
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        return assertThat(problem.get("detail").asText()).isNotBlank();
    }
}
