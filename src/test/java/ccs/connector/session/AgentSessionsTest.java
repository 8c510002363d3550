package ccs.connector.session;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ccs.connector.ccs.CcsException;
import ccs.connector.ccs.InvalidAppTokenException;
import ccs.connector.ccs.UnknownAgentException;
import ccs.connector.ccs.UpstreamException;
import ccs.connector.simulator.CcsSimulator.ApiRequest;
import ccs.connector.simulator.Fault;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.TestTicker;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.main.MainConfigurationProperties;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Agent sessions through direct:ccs-session and direct:ccs-agent-call, against the simulator over HTTP. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentSessionsTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
        // the HTTP client's own debug lines print request URLs: they must come out masked too
        LogCapture.debug("org.apache.camel.component.http", "org.apache.hc.client5.http", "ccs.connector");
    }

    private final TestTicker ticker = new TestTicker();
    private final Set<String> sessionsSeen = new HashSet<>();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("ccs.simulator.agents", "burst@test.example,ttl@test.example,renew@test.example,"
                + "lookup@test.example,other@test.example,refused@test.example,gateway@test.example,envelope@test.example");
        settings.setProperty("ccs.tenants", "demo,wrongtoken");
        settings.setProperty("ccs.tenant.wrongtoken.app-token", "not-the-application-token");
        settings.setProperty("ccs.session.ttl", "8h");
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        // bound before ConnectorConfiguration builds the session cache
        configuration.addConfiguration(new CamelConfiguration() {
            @Override
            public void configure(CamelContext camel) {
                camel.getRegistry().bind("sessionTicker", ticker);
            }
        });
        super.configure(configuration);
    }

    @Test
    @Order(1)
    void fiftyConcurrentRequestsForOneAgentCauseOneLogin() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> sessions = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sessions.add(pool.submit(() -> {
                start.await();
                return session(null, "burst@test.example");
            }));
        }
        start.countDown();
        Set<String> distinct = new HashSet<>();
        for (Future<String> session : sessions) {
            distinct.add(session.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();

        assertThat(distinct).hasSize(1).doesNotContainNull();
        assertThat(logins("burst@test.example")).isEqualTo(1);
        String metrics = get("/observe/metrics").body();
        assertThat(metrics).containsPattern("ccs_logins_total\\{.*outcome=\"success\".*} [1-9]")
                .containsPattern("ccs_session_cache_total\\{.*result=\"hit\".*} [1-9]")
                .containsPattern("ccs_session_cache_total\\{.*result=\"miss\".*} [1-9]");
    }

    @Test
    @Order(2)
    void aSessionIsReusedWithinItsTtlAndRenewedAfterIt() {
        String first = session(null, "ttl@test.example");
        ticker.advance(8 * 60 - 1, TimeUnit.MINUTES);
        assertThat(session(null, "TTL@test.example")).as("same agent, other letter case, within 8h").isEqualTo(first);
        assertThat(logins("ttl@test.example")).isEqualTo(1);

        ticker.advance(2, TimeUnit.MINUTES);
        String renewed = session(null, "ttl@test.example");

        assertThat(renewed).isNotEqualTo(first);
        assertThat(logins("ttl@test.example")).isEqualTo(2);
    }

    @Test
    @Order(3)
    void aSessionRefusedUpstreamIsRenewedOnceAndTheCallRepeated() {
        Map<String, Object> before = agentCall(null, "renew@test.example", "getmyactivecalls", Map.of());
        assertThat(before).containsEntry("success", true);
        String oldSession = session(null, "renew@test.example");
        simulator().clearRequests();

        assertThat(simulator().expireSessions("renew@test.example")).isEqualTo(1);
        Map<String, Object> after = agentCall(null, "renew@test.example", "getmyactivecalls", Map.of());

        assertThat(after).containsEntry("success", true);
        assertThat(logins("renew@test.example")).isEqualTo(1);
        List<ApiRequest> calls = simulator().requests("getmyactivecalls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).params().get("session")).isEqualTo(oldSession);
        String newSession = calls.get(1).params().get("session");
        assertThat(newSession).isNotEqualTo(oldSession).isEqualTo(session(null, "renew@test.example"));
    }

    /** The guide: "if the login parameter returns false in the response", renew the session and repeat the request. */
    @Test
    @Order(3)
    void aSessionRefusedWithLoginFalseAsTheGuideSaysIsRenewedOnceWithoutAskingPing() {
        simulator().refuseSessionsAsLoginFalse(true);
        try {
            String oldSession = session(null, "renew@test.example");
            simulator().expireSessions("renew@test.example");
            simulator().clearRequests();

            Map<String, Object> after = agentCall(null, "renew@test.example", "getmyactivecalls", Map.of());

            assertThat(after).containsEntry("success", true);
            assertThat(logins("renew@test.example")).isEqualTo(1);
            // the health probe pings with the app token meanwhile: only a ping of a session would be the renewal asking
            assertThat(simulator().requests("ping")).as("login false says it outright").noneMatch(ping -> ping.params().containsKey("session"));
            List<ApiRequest> calls = simulator().requests("getmyactivecalls");
            assertThat(calls).hasSize(2);
            assertThat(calls.get(0).params().get("session")).isEqualTo(oldSession);
            assertThat(calls.get(1).params().get("session")).isNotEqualTo(oldSession);

            // the softphone's session, checked with ping: a ping answered login false renews it too
            String renewed = session(null, "renew@test.example");
            simulator().expireSessions("renew@test.example");
            String live = context.getRegistry().lookupByNameAndType("agentSessions", AgentSessions.class).liveSession(null, "renew@test.example");
            assertThat(live).isNotEqualTo(renewed).isIn(simulator().liveSessions());
        } finally {
            simulator().refuseSessionsAsLoginFalse(false);
        }
    }

    @Test
    @Order(4)
    void aFailureThatIsNotAboutTheSessionCausesNoLogin() {
        session(null, "lookup@test.example");
        simulator().clearRequests();

        Map<String, Object> answer = agentCall(null, "lookup@test.example", "getactivecall", Map.of("activecallkey", "no-such-call"));

        assertThat(answer).containsEntry("success", false);
        assertThat(simulator().requests("login")).isEmpty();
        assertThat(simulator().requests("getactivecall")).hasSize(1);
        assertThat(simulator().requests("ping")).hasSize(1);
    }

    /** A gateway that answers 403 to every request: one renewal, then a refusal that no retry repeats (each would log in). */
    @Test
    @Order(4)
    void aFreshSessionRefusedWithAnHttpStatusIsARefusalAfterOneLogin() {
        session(null, "refused@test.example");
        simulator().clearRequests();
        simulator().inject(Fault.status("getmyactivecalls", 403, 2));
        simulator().inject(Fault.status("ping", 403, 1).onlyWith("session"));

        assertThatThrownBy(() -> agentCall(null, "refused@test.example", "getmyactivecalls", Map.of()))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("refused a fresh session of agent refused@test.example")
                .satisfies(e -> assertThat(((UpstreamException) e).isRepeatable()).isFalse())
                .extracting(e -> ((CcsException) e).httpStatus()).isEqualTo(502);
        assertThat(logins("refused@test.example")).isEqualTo(1);
        assertThat(simulator().requests("getmyactivecalls")).hasSize(2);

        // kept, the refused fresh session was refused at the next request and renewed again: a login per request
        assertThatThrownBy(() -> agentCall(null, "refused@test.example", "getmyactivecalls", Map.of()))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("refused a fresh session of agent refused@test.example")
                .satisfies(e -> assertThat(((UpstreamException) e).isRepeatable()).isFalse());
        assertThat(logins("refused@test.example")).isEqualTo(1);
        assertThat(simulator().requests("getmyactivecalls")).hasSize(2);
    }

    /** The same with the platform's own refusal, a failure envelope that ping confirms: before, the second envelope went back as an answer. */
    @Test
    @Order(4)
    void aFreshSessionRefusedWithAFailureEnvelopeIsARefusalAfterOneLogin() {
        session(null, "envelope@test.example");
        simulator().clearRequests();
        simulator().inject(Fault.refusal("click2hold", 2));
        simulator().inject(Fault.refusal("ping", 2).onlyWith("session"));

        for (int request = 0; request < 2; request++) {
            assertThatThrownBy(() -> agentCall(null, "envelope@test.example", "click2hold", Map.of()))
                    .isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("refused a fresh session of agent envelope@test.example")
                    .extracting(e -> ((CcsException) e).httpStatus()).isEqualTo(502);
        }
        assertThat(logins("envelope@test.example")).isEqualTo(1);
        assertThat(simulator().requests("click2hold")).hasSize(2);
    }

    /**
     * A gateway that refuses one function with 403 while ping finds the session valid: a refusal without a login. Logging
     * in again, the fresh session refused too, left it cached, and the next request logged in again: a login per request.
     */
    @Test
    @Order(4)
    void aFunctionRefusedWithAnHttpStatusWhileTheSessionIsValidIsARefusalWithoutALogin() {
        String session = session(null, "gateway@test.example");
        simulator().clearRequests();
        simulator().inject(Fault.status("click2hold", 403, 2));

        for (int request = 0; request < 2; request++) {
            assertThatThrownBy(() -> agentCall(null, "gateway@test.example", "click2hold", Map.of()))
                    .isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("answered HTTP 401 or 403 to click2hold of agent gateway@test.example")
                    .extracting(e -> ((CcsException) e).httpStatus()).isEqualTo(502);
        }
        assertThat(logins("gateway@test.example")).isZero();
        assertThat(session(null, "gateway@test.example")).isEqualTo(session);
    }

    @Test
    @Order(5)
    void anUnknownAgentGetsAClearErrorAfterOneLoginAttempt() {
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> agentCall(null, "nobody@test.example", "getmyactivecalls", Map.of()))
                    .isInstanceOf(UnknownAgentException.class)
                    .hasMessageContaining("nobody@test.example")
                    .hasMessageContaining("User not found")
                    .extracting(e -> ((CcsException) e).httpStatus()).isEqualTo(422);
        }
        assertThat(logins("nobody@test.example")).isEqualTo(1);
        assertThat(simulator().requests("getmyactivecalls").stream()
                .filter(r -> "nobody@test.example".equals(r.params().get("email")))).isEmpty();
    }

    /** An HTML page for a login, say a gateway's maintenance page: counted as failed, where no outcome counted it. */
    @Test
    @Order(5)
    void aLoginThePlatformDidNotAnswerIsCountedAsFailed() throws Exception {
        simulator().inject(Fault.html("login", 1));
        assertThatThrownBy(() -> session(null, "other@test.example")).isInstanceOf(UpstreamException.class);
        assertThat(get("/observe/metrics").body()).contains("ccs_logins_total{outcome=\"failed\",tenant=\"demo\"} 1.0");
    }

    @Test
    @Order(6)
    void aWrongAppTokenGetsAClearErrorAfterOneLoginAttempt() {
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> session("wrongtoken", "other@test.example"))
                    .isInstanceOf(InvalidAppTokenException.class)
                    .hasMessageContaining("Invalid Application Token")
                    .hasMessageContaining("ccs.app-token")
                    .hasMessageNotContaining("not-the-application-token");
        }
        // at most one login: the health probe's ping may have found the refusal before any login
        assertThat(simulator().requests("login").stream()
                .filter(r -> "not-the-application-token".equals(r.params().get("app_token")))).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void theLogsAndMetricsHoldNoTokenAndNoSession() throws Exception {
        sessionsSeen.addAll(simulator().liveSessions());
        String logs = LogCapture.text() + get("/observe/metrics").body();

        assertThat(logs).contains("Logged in agent burst@test.example");
        assertThat(logs).doesNotContain(simulator().appToken(), "not-the-application-token",
                context.resolvePropertyPlaceholders("{{connector.webhook-token}}"));
        assertThat(sessionsSeen).isNotEmpty();
        for (String session : sessionsSeen) {
            assertThat(logs).doesNotContain(session);
        }
    }

    private String session(String tenant, String agentEmail) {
        Exchange result = template.send("direct:ccs-session", exchange -> {
            exchange.setVariable("tenant", tenant);
            exchange.setVariable("agentEmail", agentEmail);
        });
        rethrow(result);
        String session = result.getMessage().getBody(String.class);
        sessionsSeen.add(session);
        return session;
    }

    private Map<String, Object> agentCall(String tenant, String agentEmail, String function, Map<String, String> params) {
        Exchange result = template.send("direct:ccs-agent-call", exchange -> {
            exchange.setVariable("tenant", tenant);
            exchange.setVariable("agentEmail", agentEmail);
            exchange.setVariable("ccsFunction", function);
            exchange.setVariable("ccsParams", params);
        });
        rethrow(result);
        @SuppressWarnings("unchecked")
        Map<String, Object> answer = result.getMessage().getBody(Map.class);
        return answer;
    }

    private static void rethrow(Exchange result) {
        Exception failure = result.getException();
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure != null) {
            throw new CamelExecutionException("route failed", result, failure);
        }
    }

    private long logins(String agentEmail) {
        return simulator().requests("login").stream().filter(r -> agentEmail.equalsIgnoreCase(r.params().get("email"))).count();
    }
}
