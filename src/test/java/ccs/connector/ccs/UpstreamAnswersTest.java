package ccs.connector.ccs;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ccs.connector.simulator.CcsSimulator.ApiRequest;
import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the connector reads Call Center Studio's answers: redirects named with the URL to set, interactive calls bounded,
 * a refusal that quotes the request passed on without the request's secrets.
 */
class UpstreamAnswersTest extends ConnectorTestSupport {

    private static final String AGENT = "ayse.yilmaz@demo.example";
    private static final String WIRE = "org.apache.hc.client5.http.wire";
    private static final RecordingHttpServer.Answer GATEWAY_REFUSAL = RecordingHttpServer.Answer.status(403);

    private RecordingHttpServer gateway;

    @Override
    protected void settings(Properties settings) {
        LogCapture.install();
        RecordingHttpServer oldHost = startHttpServer();
        oldHost.answerWhen(request -> true, RecordingHttpServer.Answer.status(301)
                .withHeader("Location", "https://moved.callcenterstudio.com/api/?function=ping&app_token=moved-secret-token"));
        // a tenant behind a gateway that answers 403 to its app token, where the platform answers "Invalid Application Token"
        gateway = startHttpServer();
        gateway.answerWhen(request -> true, GATEWAY_REFUSAL);
        settings.setProperty("ccs.tenants", "demo,moved,gated");
        settings.setProperty("ccs.tenant.moved.api-url", oldHost.url("/api/"));
        settings.setProperty("ccs.tenant.moved.app-token", "moved-secret-token");
        settings.setProperty("ccs.tenant.gated.api-url", gateway.url("/api/"));
        settings.setProperty("ccs.tenant.gated.app-token", "gated-secret-token");
        realTenantSecrets(settings);
        // an agent no other case logs in: a login is what a refused app token holds back
        settings.setProperty("ccs.simulator.agents", "ayse.yilmaz@demo.example,mehmet.kaya@demo.example,zeynep.demir@demo.example,"
                + "emre.test@demo.example,deniz.arslan@demo.example");
    }

    /** A case's fault ends with it: the tenant's click2calls are not held back by an earlier case's time-out. */
    @BeforeEach
    void platformsAnswerAgain() {
        closeTheCircuit("demo");
    }

    @Test
    void aTenantWhoseApiRedirectsIsNamedWithTheUrlToSet() throws Exception {
        String toSet = "set ccs.api-url to https://moved.callcenterstudio.com/api/";
        await().atMost(Duration.ofSeconds(30)).until(() -> Arrays.stream(LogCapture.text().split("\n"))
                .anyMatch(line -> line.contains(" WARN ") && line.contains("tenant moved") && line.contains(toSet)));

        HttpResponse<String> click2call = click2call(AGENT, "05321234567", "moved");
        assertThat(click2call.statusCode()).isEqualTo(502);
        assertThat(click2call.body()).contains(toSet);
        assertThat(LogCapture.text() + click2call.body()).doesNotContain("moved-secret-token");
    }

    @Test
    void a403ToTheAppTokenAloneIsARefusedAppTokenNamingTheTenantsSetting() throws Exception {
        HttpResponse<String> click2call = click2call(AGENT, "05321234567", "gated");

        // the contract's 422 for a token refused upstream, not a 503 of a platform that is down
        assertThat(click2call.statusCode()).as(click2call.body()).isEqualTo(422);
        assertThat(click2call.body()).contains("the application token of tenant gated was refused by Call Center Studio (HTTP 403): "
                + "check ccs.tenant.gated.app-token");
        assertThat(LogCapture.text() + click2call.body()).doesNotContain("gated-secret-token");
    }

    @Test
    void anInteractiveCallGivesUpWithinItsBudgetWhileACdrPageKeepsTheLongerOne() throws Exception {
        simulator().inject(Fault.delay("click2call", 9000, 1));
        HttpResponse<String> click2call = click2call(AGENT, "05321234567", null);
        // the request went out and may have placed the call: no answer in time is no "down" to try again on
        assertThat(click2call.statusCode()).as(click2call.body()).isEqualTo(504);
        assertThat(click2call.body()).contains("did not answer click2call");

        simulator().inject(Fault.delay("reportsCDRLogs", 9000, 1));
        Exchange page = template.send("direct:ccs-api-call", exchange -> {
            exchange.setVariable(CcsApi.FUNCTION, "reportsCDRLogs");
            exchange.setVariable(CcsApi.PARAMS, Map.of("startdate", "2026-11-02 00:00:00", "finishdate", "2026-11-02 01:00:00"));
        });
        assertThat(page.getException()).isNull();
        assertThat(page.getMessage().getBody(Map.class)).containsKey("CallList");
    }

    @Test
    void aLoginWithoutAnAnswerInTimeIsA504NamingTheLoginAndNoCallIsPlaced() throws Exception {
        // the OpenAPI's 504 tells the CRM to read the function named: a login's leaves nothing of the request sent
        simulator().inject(Fault.delay("login", 9000, 1));
        int calls = simulator().requests("click2call").size();
        HttpResponse<String> click2call = click2call("deniz.arslan@demo.example", "05321234567", null);
        assertThat(click2call.statusCode()).as(click2call.body()).isEqualTo(504);
        assertThat(click2call.body()).contains("did not answer login");
        assertThat(simulator().requests("click2call")).hasSize(calls);
    }

    @Test
    void anInteractiveCallHasItsWholeBudgetConnectingIncluded() throws Exception {
        // the deadline of the whole answer once left out the 2 s set aside for connecting: past its 6 s of the shipped 8 s
        // (504), and as far from the 8 s as can be (the most the setting takes), which a busy machine's stall must not reach
        simulator().inject(Fault.delay("click2call", 6100, 1));
        HttpResponse<String> click2call = click2call(AGENT, "05321234567", null);

        assertThat(click2call.statusCode()).as(click2call.body()).isEqualTo(200);
    }

    @Test
    void anAnswerThatDripsInIsCutAtTheBudgetAsOneThatDoesNotCome() throws Exception {
        // no read ever waits as long as its timeout, so only a deadline for the whole answer bounds it
        simulator().inject(Fault.trickle("click2call", 16_000, 1));
        HttpResponse<String> click2call = click2call(AGENT, "05321234567", null);

        assertThat(click2call.statusCode()).as(click2call.body()).isEqualTo(504);
        assertThat(click2call.body()).contains("did not answer click2call");
    }

    @Test
    void anAnswerFarLongerThanAnyTheApiGivesIsNotReadPastItsLimit() throws Exception {
        // read whole, such an answer took the heap: the CDR poll asked for the same page again a minute later
        simulator().inject(Fault.flood("reportsCDRLogs", 1));
        Exchange page = template.send("direct:ccs-api-call", exchange -> {
            exchange.setVariable(CcsApi.FUNCTION, "reportsCDRLogs");
            exchange.setVariable(CcsApi.PARAMS, Map.of("startdate", "2026-11-02 00:00:00", "finishdate", "2026-11-02 01:00:00"));
        });

        assertThat(page.getException()).isInstanceOf(UpstreamException.class)
                .hasMessageContaining("answered reportsCDRLogs with more than 4 MiB");
        assertThat(((UpstreamException) page.getException()).mayHaveCarriedOut("reportsCDRLogs")).isTrue();
    }

    @Test
    void successAndLoginWrittenAsTextCountAsTheBooleansTheySay() throws Exception {
        placesRenewsAndPingsWithFlagsAsWritten(() -> simulator().answerFlagsAsText(true));
    }

    @Test
    void successAndLoginWrittenAsDigitsCountAsTheBooleansTheySay() throws Exception {
        // {"success": "1"} as some tenants' exports write their booleans: a placed click2call was a 502 of an unknown outcome
        placesRenewsAndPingsWithFlagsAsWritten(() -> simulator().answerFlagsAsDigits(true));
    }

    private void placesRenewsAndPingsWithFlagsAsWritten(Runnable flagsWritten) throws Exception {
        String agent = "zeynep.demir@demo.example";
        simulator().expireSessions(agent);
        flagsWritten.run();
        try {
            // {"login": "true", "session": ...}, then {"success": "true"}: the call is placed, no 502 of an unknown outcome
            HttpResponse<String> placed = click2call(agent, "05321234567", null);
            assertThat(placed.statusCode()).as(placed.body()).isEqualTo(200);

            // the session ended: {"success": "false", ...} to the click2call and to ping is a refused session, renewed once
            long logins = simulator().requests("login").size();
            simulator().expireSessions(agent);
            HttpResponse<String> renewed = click2call(agent, "05321234568", null);
            assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
            assertThat(simulator().requests("login")).hasSize((int) logins + 1);

            // ping's {"success": "true"} is a live session: the softphone gets the cached one, without a login
            HttpResponse<String> softphone = get("/api/v1/softphone-url?agentEmail=" + agent, "X-Api-Key", REAL_TENANT_API_KEY);
            assertThat(softphone.statusCode()).as(softphone.body()).isEqualTo(200);
            assertThat(simulator().requests("login")).hasSize((int) logins + 1);
        } finally {
            simulator().answerFlagsAsText(false);
        }
    }

    @Test
    void aPingAnsweredWithoutSuccessTrueOrFalseIsAnAnswerThatCannotBeReadNotARefusedAppToken() throws Exception {
        // the health probe's ping (the app token alone) answered {}, while every other request is answered as usual
        simulator().inject(new Fault("ping", "no-envelope", 200, 0, 0, 1000, "app_token"));
        // the probe pings the tenants in turn: the last one (gated) answers late, so a probe lasts seconds after demo's ping
        gateway.clearRules();
        gateway.answerWhen(request -> true, GATEWAY_REFUSAL.after(Duration.ofSeconds(2)));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> get("/observe/metrics").body().contains("ccs_upstream_up{tenant=\"demo\"} 0.0"));
            // the gauge changes with the status, once the probe has pinged every tenant, not as each ping ends
            JsonNode demo = tenantStatus("demo");
            assertThat(demo.path("problem").asText()).as(demo.toString())
                    .contains("answered ping without \"success\": true or false").doesNotContain("application token");
            // no login of the tenant is held back: the platform never said the token is wrong
            HttpResponse<String> click2call = click2call("emre.test@demo.example", "05321234567", null);
            assertThat(click2call.statusCode()).as(click2call.body()).isEqualTo(200);
            assertThat(LogCapture.text()).doesNotContain("tenant demo refuses the application token");
        } finally {
            simulator().clearFaults();
            gateway.clearRules();
            gateway.answerWhen(request -> true, GATEWAY_REFUSAL);
            await().atMost(Duration.ofSeconds(60)).until(() -> get("/observe/metrics").body().contains("ccs_upstream_up{tenant=\"demo\"} 1.0"));
        }
    }

    private JsonNode tenantStatus(String tenant) throws Exception {
        for (JsonNode status : new ObjectMapper().readTree(get("/api/v1/status", "X-Api-Key", REAL_TENANT_API_KEY).body()).path("tenants")) {
            if (tenant.equals(status.path("tenant").asText())) {
                return status.path("ccs");
            }
        }
        throw new AssertionError("no status of tenant " + tenant);
    }

    @Test
    void aRefusalThatQuotesTheRequestIsPassedOnWithoutItsSessionOrAppToken() throws Exception {
        // the HTTP client's wire lines print answers as they come (README: keep wire logging off), and the log is the JVM's:
        // a test class that turned them on must not leave this test's bare secrets to the next class that reads the log
        Level wire = LogManager.getLogger(WIRE).getLevel();
        Configurator.setLevel(WIRE, Level.INFO);
        try {
            simulator().inject(Fault.echo("click2call", 1));
            HttpResponse<String> click2call = click2call(AGENT, "05321234567", null);
            List<ApiRequest> click2calls = simulator().requests("click2call");
            String session = click2calls.get(click2calls.size() - 1).params().get("session");
            assertThat(click2call.statusCode()).as(click2call.body()).isEqualTo(502);
            assertThat(click2call.body()).contains("refused the click2call: cannot serve", "***").doesNotContain(session);

            simulator().inject(Fault.echo("login", 1));
            HttpResponse<String> login = click2call("mehmet.kaya@demo.example", "05321234567", null);
            // a failure envelope is no "login": false: the platform's slip (502), asked again by the next request
            assertThat(login.statusCode()).as(login.body()).isEqualTo(502);
            assertThat(login.body()).contains("answered a login of agent mehmet.kaya@demo.example without a session: cannot serve", "***")
                    .doesNotContain(simulator().appToken());
            assertThat(Arrays.stream(LogCapture.text().split("\n")).filter(line -> line.contains("cannot serve")).toList())
                    .isNotEmpty().allSatisfy(line -> assertThat(line).doesNotContain(session, simulator().appToken()));
            HttpResponse<String> again = click2call("mehmet.kaya@demo.example", "05321234567", null);
            assertThat(again.statusCode()).as("no refusal is kept for it: " + again.body()).isEqualTo(200);
        } finally {
            Configurator.setLevel(WIRE, wire);
        }
    }

    /**
     * A 4xx of the platform's own (a wrong ccs.api-url path answers 404) is a bad answer of the upstream, 502, naming the
     * setting; it was 503, as if the platform were down, so a CRM tried again a request that would only fail again. The
     * platform answered: the tenant's next request is sent.
     */
    @Test
    void aStatusOfThePlatformThatRefusesTheRequestIsA502NamingTheApiUrl() throws Exception {
        simulator().inject(Fault.status("click2call", 404, 1));
        HttpResponse<String> refused = click2call(AGENT, "05321234567", null);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(502);
        assertThat(new ObjectMapper().readTree(refused.body()).get("detail").asText())
                .isEqualTo("Call Center Studio tenant demo answered HTTP 404 to a request it does not take: is ccs.api-url the tenant's API?");
        assertThat(refused.headers().firstValue("Retry-After")).isEmpty();

        HttpResponse<String> next = click2call(AGENT, "05321234568", null);
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    }

    /**
     * The request that finds the platform away (a 503 or 429 without a Retry-After of its own, no connection) opens the
     * tenant's circuit, and is told when to try again as the requests held back after it are: it was a 503 without
     * Retry-After, and the agent page, which tries again only after a Retry-After, gave up on it.
     */
    @Test
    void theRequestThatFindsThePlatformAwayIsToldWhenToTryAgainAsThoseHeldBackAfterIt() throws Exception {
        simulator().inject(Fault.status("click2call", 503, 1));
        HttpResponse<String> first = click2call(AGENT, "05321234567", null);
        HttpResponse<String> heldBack = click2call(AGENT, "05321234568", null);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(503);
        assertThat(first.body()).contains("Call Center Studio tenant demo answered HTTP 503");
        assertThat(first.headers().firstValue("Retry-After")).contains("10");
        assertThat(heldBack.statusCode()).as(heldBack.body()).isEqualTo(503);
        assertThat(heldBack.headers().firstValue("Retry-After")).isPresent();
    }

    /** A click2call of the CRM, with the API key; of the default tenant when {@code tenant} is null. */
    private HttpResponse<String> click2call(String agent, String phoneNumber, String tenant) throws Exception {
        return post("/api/v1/click2call", "application/json", "{\"agentEmail\": \"" + agent + "\", \"phoneNumber\": \"" + phoneNumber + "\""
                + (tenant == null ? "" : ", \"tenant\": \"" + tenant + "\"") + "}", "X-Api-Key", REAL_TENANT_API_KEY);
    }
}
