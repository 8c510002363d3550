package ccs.connector.ccs;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import ccs.connector.api.AnswerText;
import ccs.connector.api.RetryAfter;
import ccs.connector.config.Secrets;
import ccs.connector.http.WholeAnswerLimit;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The two halves of one Call Center Studio API call around the HTTP request of route
 * {@code ccs-api-call}: {@link #prepare} builds the query (secrets included, which is why it
 * travels in the {@code CamelHttpQuery} header and never in an endpoint URI that Camel could
 * print or tag metrics with) and {@link #answer} turns the reply into a map or a typed error.
 *
 * <p>The route reads these exchange variables: {@value #TENANT} (name, default tenant when
 * absent), {@value #FUNCTION}, {@value #PARAMS} (a map, optional) and {@value #SESSION}
 * (the agent's session; without it the tenant's app token is sent). A refused app token is
 * recorded in {@link AppTokens} and thrown as {@link InvalidAppTokenException}.
 */
public final class CcsApi {

    public static final String TENANT = "tenant";
    public static final String FUNCTION = "ccsFunction";
    public static final String PARAMS = "ccsParams";
    public static final String SESSION = "ccsSession";
    /** Optional: how long the caller waits for the answer, when less than the call's own budget; the call ends with the wait. */
    public static final String CALLER_WAIT = "ccsCallerWait";
    /** Set by {@link #prepare}: the tenant's API base URL, for the {@code toD} of the route. */
    public static final String API_URL = "ccsApiUrl";
    /** Set by {@link #prepare}: the connect and response timeouts of this call in milliseconds, for the route's endpoint. */
    public static final String CONNECT_TIMEOUT = "ccsConnectTimeout";
    public static final String RESPONSE_TIMEOUT = "ccsResponseTimeout";

    /** The report functions (reportsCDRLogs, reportsAgentPerf): asked by startdate they keep the longer budget, every other call is interactive. */
    private static final String REPORTS = "reports";
    private static final long MAX_CONNECT_MILLIS = 2000;

    /**
     * The functions that act on a call: a 500, a gateway's 502 or 504, or a proxy's own 52x leaves unknown whether the
     * platform carried them out (a 501, 503 or 505 says the request was not processed).
     */
    private static final Set<String> CALL_ACTIONS = Set.of("click2call", "click2hang", "click2hold", "click2unhold");

    /** The flags of an answer's envelope: a call's outcome, a login's. */
    private static final List<String> FLAGS = List.of("success", "login");

    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private final Tenants tenants;
    private final AppTokens appTokens;
    private final Duration interactiveTimeout;
    private final Duration cdrTimeout;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param interactiveTimeout the most a call other than a CDR page may take, connecting included (click2call, login,
     *                           getactivecall, ping: someone waits for them)
     * @param cdrTimeout         the same for a report by date: a CDR page ({@code reportsCDRLogs}), a day of agent performance ({@code reportsAgentPerf})
     */
    public CcsApi(Tenants tenants, AppTokens appTokens, Duration interactiveTimeout, Duration cdrTimeout) {
        this.tenants = tenants;
        this.appTokens = appTokens;
        this.interactiveTimeout = interactiveTimeout;
        this.cdrTimeout = cdrTimeout;
    }

    public void prepare(Exchange exchange) {
        Tenant tenant = tenants.get(exchange.getVariable(TENANT, String.class));
        String function = exchange.getVariable(FUNCTION, String.class);
        if (function == null || function.isBlank()) {
            throw new IllegalArgumentException("variable " + FUNCTION + " must name the API function");
        }
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("function", function);
        Map<?, ?> params = exchange.getVariable(PARAMS, Map.class);
        if (params != null) {
            params.forEach((name, value) -> query.put(String.valueOf(name), value));
        }
        String session = exchange.getVariable(SESSION, String.class);
        if (session != null) {
            query.put("session", session);
        } else {
            query.put("app_token", tenant.appToken());
        }
        exchange.getMessage().setHeader(Exchange.HTTP_QUERY, encode(query));
        exchange.setVariable(API_URL, tenant.apiUrl());
        boolean report = function.startsWith(REPORTS) && params != null && params.containsKey("startdate");
        long budget = (report ? cdrTimeout : interactiveTimeout).toMillis();
        Duration callerWait = exchange.getVariable(CALLER_WAIT, Duration.class);
        if (callerWait != null) {
            // nobody reads an answer past it, and the call would hold its thread and connection on for nothing
            budget = Math.min(budget, callerWait.toMillis());
        }
        exchange.setVariable(CONNECT_TIMEOUT, Math.min(MAX_CONNECT_MILLIS, budget / 4));
        // the response timeout is also the deadline of the whole exchange, connecting included (ccsAnswerLimit's AnswerDeadline)
        exchange.setVariable(RESPONSE_TIMEOUT, budget);
    }

    public Map<String, Object> answer(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeader(Exchange.HTTP_QUERY);
        Tenant tenant = tenants.get(exchange.getVariable(TENANT, String.class));
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status == 429) {
            throw UpstreamException.throttled(tenant.name(), retryAfter(message.getHeader("Retry-After", String.class)));
        }
        if (status >= 300 && status <= 399) {
            throw UpstreamException.moved(tenant.name(), exchange.getVariable(API_URL, String.class), message.getHeader("Location", String.class));
        }
        String function = exchange.getVariable(FUNCTION, String.class);
        if ((status == 500 || status == 502 || status == 504 || status >= 520) && CALL_ACTIONS.contains(function)) {
            throw UpstreamException.serverFailed(tenant.name(), function, status);
        }
        if (status == 401 || status == 403) {
            if (exchange.getVariable(SESSION) == null) {
                // the request's one credential was the app token: a gateway's way of saying "Invalid Application Token"
                throw appTokens.refused(tenant.name(), "HTTP " + status);
            }
            throw UpstreamException.credentialRefused(tenant.name(), status);
        }
        if (status == 503) {
            // when the platform says it serves again, the caller hears it (a 503's Retry-After, RFC 9110 section 10.2.3)
            throw UpstreamException.unavailable(tenant.name(), status, retryAfter(message.getHeader("Retry-After", String.class)));
        }
        if (status >= 400 && status <= 499 && status != 408) {
            throw UpstreamException.rejected(tenant.name(), status);
        }
        if (status < 200 || status > 299) {
            throw UpstreamException.unavailable(tenant.name(), status);
        }
        String body = AnswerText.of(message);
        if (body == null || body.isBlank()) {
            throw UpstreamException.garbage(tenant.name(), function, "with an empty body");
        }
        Map<String, Object> answer;
        try {
            answer = json.readValue(body, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            answer = null;
        }
        if (answer == null) {
            // JSON's null reads as no map at all
            String type = message.getHeader(Exchange.CONTENT_TYPE, "no content type", String.class);
            throw UpstreamException.garbage(tenant.name(), function, "with a body that is not a JSON object (" + type + ")");
        }
        flagsAsBooleans(answer);
        if (exchange.getVariable(SESSION) == null && InvalidAppTokenException.INVALID_APP_TOKEN.equals(answer.get("message"))) {
            throw appTokens.refused(tenant.name(), InvalidAppTokenException.INVALID_APP_TOKEN);
        }
        if (answer.get("message") instanceof String text) {
            // the platform may quote the request it answers, and its message goes on into errors, events and logs
            answer.put("message", new Secrets(Arrays.asList(exchange.getVariable(SESSION, String.class), tenant.appToken())).scrub(text));
        }
        return answer;
    }

    /**
     * The answer's {@code success} and {@code login} as JSON booleans where it writes them as text ({@code "true"},
     * {@code "false"}, any case) or as digits ({@code "1"}, {@code "0"}, text or number, as some tenants' exports write
     * booleans): every reader of an answer compares them with {@link Boolean}, and a {@code "true"} or {@code "1"} read as
     * neither made a placed click2call a 502, a login one without a session and the health probe's {@code ping} a refused
     * app token.
     */
    private static void flagsAsBooleans(Map<String, Object> answer) {
        for (String flag : FLAGS) {
            Object value = answer.get(flag);
            String text = value instanceof String || value instanceof Integer || value instanceof Long ? value.toString().trim() : null;
            if (text != null && (text.equalsIgnoreCase("true") || text.equals("1"))) {
                answer.put(flag, Boolean.TRUE);
            } else if (text != null && (text.equalsIgnoreCase("false") || text.equals("0"))) {
                answer.put(flag, Boolean.FALSE);
            }
        }
    }

    /**
     * The answer of a call action ({@code click2call}, {@code click2hang}...) says {@code "success": true}, or this throws: a
     * refusal for {@code "success": false}, an unreadable answer (outcome unknown) for anything else.
     */
    public static void requireSuccess(String tenant, String function, Map<String, Object> answer) {
        Object success = answer.get("success");
        if (Boolean.FALSE.equals(success)) {
            throw UpstreamException.refused(tenant, "refused the " + function + ": " + answer.get("message"));
        }
        if (!Boolean.TRUE.equals(success)) {
            throw UpstreamException.garbage(tenant, function, "to " + function + " without \"success\": true or false");
        }
    }

    /**
     * The HTTP request got no answer, or one longer than any the API gives (bean ccsAnswerLimit: 502). When no connection could be made the platform never saw it: Call Center Studio is
     * down, 503, so also when none of the client's pooled connections came free in time ({@link WholeAnswerLimit#neverSent}).
     * Otherwise (timed out, connection dropped) it may have carried the request out: 504, and not to be repeated.
     */
    public void unreachable(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String why = failure == null ? "no answer" : failure.getClass().getSimpleName() + ": " + Secrets.mask(failure.getMessage());
        String tenant = tenants.get(exchange.getVariable(TENANT, String.class)).name();
        if (failure instanceof WholeAnswerLimit.TooLongException) {
            throw UpstreamException.garbage(tenant, exchange.getVariable(FUNCTION, String.class),
                    exchange.getVariable(FUNCTION, String.class) + " with " + failure.getMessage());
        }
        throw WholeAnswerLimit.neverSent(failure) ? UpstreamException.unreachable(tenant, why) : UpstreamException.noAnswer(tenant, exchange.getVariable(FUNCTION, String.class), why);
    }

    /** A 429's or 503's {@code Retry-After} in whole seconds, rounded up; 0 when it gives none. */
    static int retryAfter(String header) {
        Duration wait = RetryAfter.read(header);
        return wait == null ? 0 : (int) Math.min(Integer.MAX_VALUE, wait.plusMillis(999).toSeconds());
    }

    private static String encode(Map<String, Object> query) {
        StringJoiner joined = new StringJoiner("&");
        query.forEach((name, value) -> {
            if (value != null) {
                joined.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
            }
        });
        return joined.toString();
    }
}
