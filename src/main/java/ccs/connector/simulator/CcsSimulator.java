package ccs.connector.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import ccs.connector.config.Secrets;
import ccs.connector.simulator.SyntheticCalls.Ending;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process model of the Call Center Studio API ({@code ../shared/reference/ccs-api.md})
 * over real HTTP on loopback: {@code /api/?function=...} answers like a tenant does, the fake
 * softphone answers at any path ending in {@code /sso/}, and {@code /sim/...} lets tests and
 * engineers look inside (recorded requests) and steer it (faults, session expiry, calls).
 */
public final class CcsSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CcsSimulator.class);

    static {
        // The JDK server writes a response's headers and body as two packets; without TCP_NODELAY,
        // Nagle's algorithm and the client's delayed ACK hold every answer back about 40 ms. The
        // property is read once, when the first JDK HTTP server of the JVM starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    private static final String WRONG_SESSION = "Yanlış API anahtarı";
    /** How long a {@code flood} answer is: far longer than any answer the API gives. */
    static final long FLOOD_BYTES = 64L << 20;

    /** One request the simulator received on {@code /api/}. */
    public record ApiRequest(String function, Map<String, String> params, Instant at) {
    }

    /** A call that is live on the platform. */
    public record ActiveCall(String key, String agent, String callerId, String calledNum, String queue,
                             boolean inbound, String status, Instant startedAt) {
    }

    private record SimSession(String agent, Instant expiresAt) {
    }

    private record ActiveFault(Fault fault, AtomicInteger remaining) {
    }

    private final SimulatorSettings settings;
    private final Clock clock = Clock.systemUTC();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService workers;
    private final ScheduledExecutorService scheduler;
    private final Callbacks callbacks = new Callbacks();
    private final SyntheticCalls calls;
    private final CdrStore cdrs = new CdrStore();
    private final AgentFigures agentFigures;
    private final Map<String, SimSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, ActiveCall> activeCalls = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<ApiRequest> requests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ActiveFault> faults = new ConcurrentLinkedQueue<>();
    private volatile CompletableFuture<Void> heldAnswers = new CompletableFuture<>();
    private final String softphonePage;
    private volatile boolean hangupTransactionId;
    private volatile boolean agentUsername;
    private volatile boolean sessionRefusedAsLogin;
    private volatile boolean activeCallAtTopLevel;
    /** True: reportsCDRLogs answers its cursor as a JSON number (each cursor numbered as it is first given) instead of text. */
    private volatile boolean cursorsAsNumbers;
    private final Map<String, Long> cursorNumbers = new ConcurrentHashMap<>();
    private final Map<String, String> numberedCursors = new ConcurrentHashMap<>();
    /** True: answers write their success and login flags as text ("true", "false") instead of JSON booleans. */
    private volatile boolean flagsAsText;
    private volatile boolean flagsAsDigits;
    /** The HTTP status a call with a session it does not honour gets instead of the failure envelope; 0 = the envelope. */
    private volatile int refusedSessionStatus;

    private CcsSimulator(SimulatorSettings settings) throws IOException {
        this.settings = settings;
        this.server = HttpServer.create(new InetSocketAddress(settings.host, settings.port), 256);
        this.workers = Executors.newFixedThreadPool(8, daemon("ccs-simulator-http"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("ccs-simulator-calls"));
        this.calls = new SyntheticCalls(settings.randomSeed, settings.agents, "https://recordings.invalid/" + settings.tenant + "/");
        this.softphonePage = resource("/simulator/softphone.html");
        this.agentFigures = new AgentFigures(settings.agents, settings.randomSeed);
        this.hangupTransactionId = settings.hangupTransactionId;
        this.agentUsername = settings.agentUsername;
        server.createContext("/api/", this::handleApi);
        server.createContext("/sim/", this::handleControl);
        server.createContext("/", this::handleSoftphone);
        server.setExecutor(workers);
    }

    /** Starts a simulator; with port 0 it takes a free port. */
    public static CcsSimulator start(SimulatorSettings settings) throws IOException {
        CcsSimulator simulator = new CcsSimulator(settings);
        simulator.seed();
        simulator.server.start();
        if (settings.demo) {
            long every = settings.demoInterval.toMillis();
            simulator.scheduler.scheduleWithFixedDelay(simulator::demoCall, Math.min(every, 5000), every, TimeUnit.MILLISECONDS);
        }
        LOG.info("Call Center Studio simulator listens on {} (tenant {}, {} agents, {} CDR records{})",
                simulator.baseUrl(), settings.tenant, settings.agents.size(), simulator.cdrs.size(),
                settings.demo ? ", demo traffic every " + settings.demoInterval.toSeconds() + "s" : "");
        return simulator;
    }

    public String baseUrl() {
        return "http://" + settings.host + ":" + server.getAddress().getPort();
    }

    /** The tenant API base, as {@code ccs.api-url} names a real one. */
    public String apiUrl() {
        return baseUrl() + "/api/";
    }

    /** The fake softphone's SSO base, as {@code ccs.softphone-url} names the real one. */
    public String softphoneUrl() {
        return baseUrl() + "/generic/sso/";
    }

    @Override
    public void close() {
        server.stop(0);
        scheduler.shutdownNow();
        workers.shutdownNow();
    }

    // ---- what tests and engineers can look at and steer -------------------------------------

    public List<ApiRequest> requests() {
        return List.copyOf(requests);
    }

    public List<ApiRequest> requests(String function) {
        return requests.stream().filter(r -> function.equalsIgnoreCase(r.function())).toList();
    }

    public void clearRequests() {
        requests.clear();
    }

    public void inject(Fault fault) {
        faults.add(new ActiveFault(fault, new AtomicInteger(fault.times())));
    }

    public void clearFaults() {
        faults.clear();
        releaseHeld();
    }

    /** Lets the answers that {@code hold} faults hold back go. */
    public void releaseHeld() {
        CompletableFuture<Void> released = heldAnswers;
        heldAnswers = new CompletableFuture<>();
        released.complete(null);
    }

    /** Ends the sessions of one agent (or of all agents when {@code agent} is null), as the platform may at any time. */
    public int expireSessions(String agent) {
        int before = sessions.size();
        sessions.values().removeIf(s -> agent == null || s.agent().equalsIgnoreCase(agent));
        return before - sessions.size();
    }

    /** Every session value this simulator has handed out and still honours. */
    public Set<String> liveSessions() {
        return Set.copyOf(sessions.keySet());
    }

    /**
     * True: from now on callbacks carry their URL's {@code token} as an {@code Authorization: Bearer}
     * header instead of in the query string, as some tenants' web-URL settings send it.
     */
    /** Answers getactivecall with the call's fields at the top level, as some tenants do, instead of under ActiveCall. */
    public void answerActiveCallAtTopLevel(boolean topLevel) {
        activeCallAtTopLevel = topLevel;
    }

    /**
     * From now on a call with a session the simulator does not honour (expired, ended, unknown), {@code ping} included, is
     * answered with this HTTP status and a text body instead of the failure envelope, as a gateway in front of the
     * platform may answer it (401, 403); 0 = the envelope again.
     */
    public void refuseSessionsWithStatus(int status) {
        refusedSessionStatus = status;
    }

    /**
     * True: from now on reportsCDRLogs answers its {@code cursor} as a JSON number instead of text (the vendor calls it a
     * value, of no stated type), and takes that number back as the request's {@code cursor}.
     */
    public void answerCursorsAsNumbers(boolean asNumbers) {
        cursorsAsNumbers = asNumbers;
    }

    /**
     * True: from now on every answer writes its {@code success} and {@code login} as text ({@code "success": "true"},
     * {@code "login": "false"}) instead of JSON booleans; the rest of the answer is unchanged.
     */
    public void answerFlagsAsText(boolean asText) {
        flagsAsText = asText;
        flagsAsDigits = false;
    }

    /** True: from now on every answer writes its {@code success} and {@code login} as the text {@code "1"} or {@code "0"}. */
    public void answerFlagsAsDigits(boolean asDigits) {
        flagsAsText = asDigits;
        flagsAsDigits = asDigits;
    }

    public void sendWebhookTokenAsBearer(boolean asBearer) {
        callbacks.tokenAsBearer(asBearer);
    }

    /** From now on every callback is sent {@code times} times, one after the other, exactly alike. */
    public void sendEachCallback(int times) {
        callbacks.copies(times);
    }

    /** The callbacks sent so far (hangups and IVR notifications), each with the connector's answer. */
    public List<SentCallback> callbacks() {
        return callbacks.sent();
    }

    public void clearCallbacks() {
        callbacks.clearSent();
    }

    /** False: from now on hangup callbacks leave transaction_id empty, as some tenants' callbacks do. */
    public void sendTransactionIdOnHangup(boolean sent) {
        hangupTransactionId = sent;
    }

    /**
     * False: from now on hangup callbacks leave agent_username empty, as the vendor's sample does, and a click2call's CDR
     * record names its agent only by the platform's id ({@code agent}, {@code agentid}: the fields the vendor lists).
     */
    public void sendAgentUsername(boolean sent) {
        agentUsername = sent;
    }

    /**
     * True: from now on a session the platform no longer honours is answered {@code {"login": false, "message": ...}}, as the
     * guide describes it ("if the login parameter returns false in the response", renew the session and repeat the
     * request), instead of the failure envelope {@code {"success": false, ...}}.
     */
    public void refuseSessionsAsLoginFalse(boolean asLogin) {
        sessionRefusedAsLogin = asLogin;
    }

    public String appToken() {
        return settings.appToken;
    }

    public List<String> agents() {
        return settings.agents;
    }

    /** Adds one CDR record, given as the API's fields; it must hold {@code callid} and {@code calldate}. */
    public void addCdr(Map<String, Object> record) {
        try {
            cdrs.add(String.valueOf(record.get("callid")), String.valueOf(record.get("calldate")),
                    (String) record.get("agent_username"), (String) record.get("queue"), json.writeValueAsBytes(record));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("record cannot be written as JSON", e);
        }
    }

    /**
     * Adds an entry of the CDR listing as the platform might write it, any JSON (a record listed
     * twice, null, a text), filed under {@code callDate} and {@code entryKey} (which replaces an
     * entry of the same key).
     */
    public void addCdrEntry(String entryKey, String callDate, String json) {
        cdrs.add(entryKey, callDate, null, null, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Generates {@code count} inbound calls spread evenly over [from, to) in the tenant's wall clock; answers their keys. */
    public List<String> generateCdrs(int count, LocalDateTime from, LocalDateTime to) {
        long span = Math.max(1, Duration.between(from, to).toSeconds());
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            LocalDateTime start = from.plusSeconds(span * i / count);
            String key = calls.callKey();
            addCdr(calls.inbound(key, start, calls.mobileNumber(), "08502221100", calls.ending(), calls.queue(), calls.agent()));
            keys.add(key);
        }
        return keys;
    }

    /**
     * An answered inbound call of {@code length} ends now: its record appears only now, as the platform
     * writes it at hangup, but filed under its start, {@code length} ago. So a call longer than a poller's
     * overlap lands behind its checkpoint. Answers the call key.
     */
    public String endLongCall(Duration length) {
        LocalDateTime end = LocalDateTime.now(clock.withZone(settings.zone)).withNano(0);
        String key = calls.callKey();
        Map<String, Object> record = calls.inbound(key, end.minus(length), calls.mobileNumber(), "08502221100", Ending.ANSWERED,
                calls.queue(), calls.agent());
        LocalDateTime talked = LocalDateTime.parse(String.valueOf(record.get("talkdate")), SyntheticCalls.WIRE_TIME);
        record.put("hangupdate", SyntheticCalls.WIRE_TIME.format(end));
        record.put("duration", Duration.between(talked, end).toSeconds());
        addCdr(record);
        return key;
    }

    public void clearCdrs() {
        cdrs.clear();
    }

    /**
     * Sends an IVR call notification for a new inbound call that ended as {@code ending}, with
     * the wire names configured for the tenant; answers the fields it sent, by field name.
     */
    public Map<String, String> sendIvrNotification(String url, Ending ending, boolean post) {
        LocalDateTime start = LocalDateTime.now(clock.withZone(settings.zone)).minusMinutes(2);
        String key = calls.callKey();
        String queue = calls.queue();
        String agent = calls.agent();
        String caller = calls.mobileNumber();
        addCdr(calls.inbound(key, start, caller, "908502221100", ending, queue, agent));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("queue-name", ending == Ending.BEFORE_QUEUE ? null : queue);
        fields.put("call-date", SyntheticCalls.WIRE_TIME.format(start));
        fields.put("queue-id", ending == Ending.BEFORE_QUEUE ? null : "ahRzfm11q" + Integer.toHexString(queue.hashCode()));
        fields.put("caller", caller);
        fields.put("agent-email", ending == Ending.ANSWERED ? agent : "");
        fields.put("called", String.valueOf(calls.seconds(90, 999)));
        fields.put("event", "call_hangup");
        fields.put("call-key", key);
        callbacks.notify(url, wireNames(fields), post).join();
        return fields;
    }

    /**
     * Sends the IVR call notifications of the steps of one new inbound call, as a flow with a
     * notification step at each sends them: entered the queue, answered by an agent, ended. Answers
     * the fields of each notification, by field name.
     */
    public List<Map<String, String>> sendIvrSteps(String url, boolean post) {
        LocalDateTime start = LocalDateTime.now(clock.withZone(settings.zone)).minusMinutes(2);
        String key = calls.callKey();
        String queue = calls.queue();
        String agent = calls.agent();
        String caller = calls.mobileNumber();
        addCdr(calls.inbound(key, start, caller, "908502221100", Ending.ANSWERED, queue, agent));
        List<Map<String, String>> steps = new ArrayList<>();
        for (String event : List.of("queue_enter", "agent_answer", "call_hangup")) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("queue-name", queue);
            fields.put("call-date", SyntheticCalls.WIRE_TIME.format(start));
            fields.put("queue-id", "ahRzfm11q" + Integer.toHexString(queue.hashCode()));
            fields.put("caller", caller);
            fields.put("agent-email", event.equals("queue_enter") ? "" : agent);
            fields.put("called", "908");
            fields.put("event", event);
            fields.put("call-key", key);
            callbacks.notify(url, wireNames(fields), post).join();
            steps.add(fields);
        }
        return steps;
    }

    private Map<String, String> wireNames(Map<String, String> fields) {
        Map<String, String> wire = new LinkedHashMap<>();
        fields.forEach((field, value) -> {
            if (value != null) {
                wire.put(settings.ivrNames.get(field), value);
            }
        });
        return wire;
    }

    /** A call ringing at an agent's softphone, as the fake softphone shows it. */
    public ActiveCall ring(String agent, String callerNumber) {
        ActiveCall call = new ActiveCall(calls.callKey(), agent, callerNumber, "08502221100", calls.queue(), true,
                "ringing", clock.instant());
        activeCalls.put(call.key(), call);
        scheduler.schedule(() -> activeCalls.remove(call.key()), 10, TimeUnit.MINUTES);
        return call;
    }

    // ---- the API ------------------------------------------------------------------------------

    private void handleApi(HttpExchange exchange) throws IOException {
        try (exchange) {
            // every function is a GET with its parameters in the query, as the vendor's guide gives each ("Method: Get")
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, "text/plain", "Method Not Allowed".getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            Map<String, String> params = query(exchange);
            String function = params.getOrDefault("function", "");
            requests.add(new ApiRequest(function, Collections.unmodifiableMap(params), clock.instant()));
            ActiveFault fault = nextFault(function, params);
            if (fault != null && answerFault(exchange, fault.fault(), params)) {
                return;
            }
            boolean staleCursor = fault != null && "stale-cursor".equals(fault.fault().kind());
            boolean trickle = fault != null && "trickle".equals(fault.fault().kind());
            boolean flood = fault != null && "flood".equals(fault.fault().kind());
            int refusedStatus = refusedSessionStatus;
            if (refusedStatus > 0 && params.containsKey("session") && agentOf(params) == null) {
                send(exchange, refusedStatus, "text/plain", ("Error " + refusedStatus + ": the session is not valid").getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            int tokenRefusedStatus = settings.appTokenRefusalStatus;
            if (tokenRefusedStatus > 0 && params.containsKey("app_token") && !validToken(params)) {
                send(exchange, tokenRefusedStatus, "text/plain", ("Error " + tokenRefusedStatus + ": the application token is not valid")
                        .getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            byte[] answer = "reportsCDRLogs".equals(function) ? reportsCdrLogs(params, staleCursor) : answer(function, params);
            if (flagsAsText) {
                answer = flagsAsText(answer);
            }
            if (trickle) {
                trickle(exchange, answer, fault.fault().delayMillis());
                return;
            }
            if (flood) {
                flood(exchange, answer);
                return;
            }
            send(exchange, 200, "application/json", answer, null);
        }
    }

    private ActiveFault nextFault(String function, Map<String, String> params) {
        for (ActiveFault fault : faults) {
            if (fault.fault().appliesTo(function, params) && fault.remaining().getAndDecrement() > 0) {
                return fault;
            }
        }
        faults.removeIf(f -> f.remaining().get() <= 0);
        return null;
    }

    /** Answers the fault; false when the request must still be answered, normally or changed (a delay, a stale cursor). */
    private boolean answerFault(HttpExchange exchange, Fault fault, Map<String, String> params) throws IOException {
        switch (fault.kind()) {
            case "delay" -> {
                sleep(fault.delayMillis());
                return false;
            }
            case "hold" -> {
                hold(heldAnswers, fault.delayMillis());
                return false;
            }
            case "stale-cursor", "trickle", "flood" -> {
                return false;
            }
            case "html" -> send(exchange, 200, "text/html", "<html><body><h1>Service Unavailable</h1></body></html>".getBytes(StandardCharsets.UTF_8), null);
            case "empty" -> send(exchange, 200, "application/json", new byte[0], null);
            case "success-only" -> send(exchange, 200, "application/json", "{\"success\": true}".getBytes(StandardCharsets.UTF_8), null);
            case "json-null" -> send(exchange, 200, "application/json", "null".getBytes(StandardCharsets.UTF_8), null);
            case "no-envelope" -> send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), null);
            case "refusal" -> send(exchange, 200, "application/json", json.writeValueAsBytes(failure(WRONG_SESSION)), null);
            case "echo" -> send(exchange, 200, "application/json",
                    json.writeValueAsBytes(failure("cannot serve " + String.join(" ", params.values()))), null);
            case "throttle" -> send(exchange, 429, "text/plain", "Too Many Requests".getBytes(StandardCharsets.UTF_8),
                    String.valueOf(fault.retryAfterSeconds()));
            default -> send(exchange, fault.status(), "text/plain", ("Error " + fault.status()).getBytes(StandardCharsets.UTF_8),
                    fault.retryAfterSeconds() > 0 ? String.valueOf(fault.retryAfterSeconds()) : null);
        }
        return true;
    }

    private byte[] answer(String function, Map<String, String> params) throws JsonProcessingException {
        return switch (function) {
            case "login" -> json.writeValueAsBytes(login(params));
            case "ping" -> json.writeValueAsBytes(validToken(params) || agentOf(params) != null
                    ? Map.of("success", true) : sessionRefused());
            case "click2call", "getmyactivecalls", "getactivecall", "click2hang", "click2hold", "click2unhold" -> {
                String agent = agentOf(params);
                yield json.writeValueAsBytes(agent == null ? sessionRefused() : sessionCall(function, agent, params));
            }
            case "recordinginfo" -> json.writeValueAsBytes(validToken(params) ? recordingInfo(params.getOrDefault("callkey", ""))
                    : failure("Invalid Application Token"));
            case "reportsAgentPerf" -> json.writeValueAsBytes(validToken(params)
                    ? agentFigures.answer(params, LocalDate.now(clock.withZone(settings.zone))) : failure("Invalid Application Token"));
            default -> json.writeValueAsBytes(failure("Unknown function"));
        };
    }

    /** The recording of a call in the CDR store: its link, format, start and end; a failure envelope when it has none. */
    private Map<String, Object> recordingInfo(String callKey) {
        Map<?, ?> cdr = cdrs.byCallId(callKey).map(stored -> {
            try {
                return json.readValue(stored.json(), Map.class);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).orElse(Map.of());
        Object url = cdr.get("recordingurl");
        if (!(url instanceof String link) || link.isBlank()) {
            return failure("Recording not found");
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("callkey", callKey);
        info.put("url", link);
        info.put("format", "mp3");
        info.put("startdate", cdr.get("talkdate"));
        info.put("finishdate", cdr.get("hangupdate"));
        info.put("agent", cdr.get("agent_username"));
        return Map.of("success", true, "RecordingInfo", info);
    }

    private Map<String, Object> login(Map<String, String> params) {
        if (!validToken(params)) {
            return Map.of("login", false, "message", "Invalid Application Token");
        }
        String email = params.getOrDefault("email", "");
        if (settings.agents.stream().noneMatch(email::equalsIgnoreCase)) {
            return Map.of("login", false, "message", "User not found");
        }
        String session = UUID.randomUUID().toString().replace("-", "") + Long.toHexString(System.nanoTime());
        sessions.put(session, new SimSession(email.toLowerCase(Locale.ROOT), clock.instant().plus(settings.sessionTtl)));
        return Map.of("login", true, "session", session, "message", "Login Successful!", "language", "en");
    }

    private Map<String, Object> sessionCall(String function, String agent, Map<String, String> params) {
        return switch (function) {
            case "click2call" -> click2call(agent, params);
            case "getmyactivecalls" -> Map.of("success", true, "MyActiveCalls", activeCalls.values().stream()
                    .filter(c -> c.agent().equalsIgnoreCase(agent)).map(this::activeCallFields).toList());
            case "getactivecall" -> {
                ActiveCall call = activeCalls.get(params.getOrDefault("activecallkey", ""));
                if (call == null) {
                    yield failure("Active call not found");
                }
                Map<String, Object> answer = new LinkedHashMap<>(Map.of("success", true));
                if (activeCallAtTopLevel) {
                    answer.putAll(activeCallFields(call));
                } else {
                    answer.put("ActiveCall", activeCallFields(call));
                }
                yield answer;
            }
            case "click2hang", "click2hold", "click2unhold" -> callControl(function, agent);
            default -> Map.of("success", true);
        };
    }

    /** Hang up, hold or resume the agent's active call (its status becomes hold / up); a failure envelope when it has none. */
    private Map<String, Object> callControl(String function, String agent) {
        ActiveCall call = activeCalls.values().stream().filter(c -> c.agent().equalsIgnoreCase(agent)).findFirst().orElse(null);
        if (call == null) {
            return failure("No active call");
        }
        if ("click2hang".equals(function)) {
            activeCalls.remove(call.key());
        } else {
            activeCalls.put(call.key(), new ActiveCall(call.key(), call.agent(), call.callerId(), call.calledNum(), call.queue(),
                    call.inbound(), "click2hold".equals(function) ? "hold" : "up", call.startedAt()));
        }
        return Map.of("success", true);
    }

    /** The calls live on the platform now, as {@code getmyactivecalls} lists them. */
    public List<ActiveCall> activeCalls() {
        return List.copyOf(activeCalls.values());
    }

    private Map<String, Object> click2call(String agent, Map<String, String> params) {
        String number = params.getOrDefault("phonenumber", "");
        if (number.isBlank()) {
            return failure("phonenumber is required");
        }
        String transactionId = params.getOrDefault("transactionid", UUID.randomUUID().toString());
        ActiveCall call = new ActiveCall(calls.callKey(), agent, "901", number, "", false, "ringing", clock.instant());
        activeCalls.put(call.key(), call);
        scheduler.schedule(() -> hangUp(call, transactionId, params.get("hangup_url")),
                settings.hangupDelay.toMillis(), TimeUnit.MILLISECONDS);
        return Map.of("success", true);
    }

    /** A click2call ends: its CDR record appears and the hangup callback is posted, with every field of the guide. */
    private void hangUp(ActiveCall call, String transactionId, String hangupUrl) {
        activeCalls.remove(call.key());
        LocalDateTime start = LocalDateTime.ofInstant(call.startedAt(), settings.zone);
        int talk = calls.seconds(5, 180);
        Map<String, Object> record = calls.click2call(call.key(), start, call.agent(), call.callerId(), call.calledNum(), "ANSWER", talk, transactionId);
        if (!agentUsername) {
            record.remove("agent_username");
        }
        addCdr(record);
        if (hangupUrl == null || hangupUrl.isBlank()) {
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("project", "alotech");
        fields.put("action", "webhook");
        fields.put("tenant", settings.tenant);
        // the platform echoes the hangup_url, token and all, encoded as the guide's sample shows it (https%3A//...)
        fields.put("url", URLEncoder.encode(hangupUrl, StandardCharsets.UTF_8).replace("%2F", "/"));
        fields.put("call_date", SyntheticCalls.WIRE_TIME.format(start));
        fields.put("agent_username", agentUsername ? call.agent() : "");
        fields.put("transaction_id", hangupTransactionId ? transactionId : "");
        fields.put("disposition", "ANSWER");
        fields.put("duration", String.valueOf(talk));
        fields.put("called_num", call.calledNum());
        fields.put("caller_id", call.callerId());
        fields.put("call_id", call.key());
        callbacks.postForm(hangupUrl, fields);
    }

    private byte[] reportsCdrLogs(Map<String, String> params, boolean staleCursor) throws JsonProcessingException {
        if (!validToken(params)) {
            return json.writeValueAsBytes(failure("Invalid Application Token"));
        }
        String key = params.getOrDefault("activecallkey", params.get("callkey"));
        if (key != null) {
            List<CdrStore.StoredCdr> found = cdrs.byCallId(key).map(List::of).orElse(List.of());
            return page(found, "");
        }
        String start = params.get("startdate");
        String finish = params.get("finishdate");
        if (start == null || finish == null) {
            return json.writeValueAsBytes(failure("startdate and finishdate are required"));
        }
        try {
            String sent = numberedCursors.getOrDefault(String.valueOf(params.get("cursor")), params.get("cursor"));
            CdrStore.Page page = cdrs.window(start.trim(), finish.trim(), sent,
                    "asc".equalsIgnoreCase(params.get("sorting")), params.get("agent_username"), params.get("queue"));
            return page(page.records(), !staleCursor ? page.cursor() : sent != null && !sent.isBlank() ? sent : CdrStore.cursorBefore(start.trim()));
        } catch (IllegalArgumentException e) {
            return json.writeValueAsBytes(failure(e.getMessage()));
        }
    }

    private byte[] page(List<CdrStore.StoredCdr> records, String cursor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + records.size() * 800);
        String written = "\"" + cursor + "\"";
        if (cursorsAsNumbers && !cursor.isEmpty()) {
            long number = cursorNumbers.computeIfAbsent(cursor, c -> 1000L + cursorNumbers.size());
            numberedCursors.put(String.valueOf(number), cursor);
            written = String.valueOf(number);
        }
        out.writeBytes(("{\"cursor\":" + written + ",\"CallList\":[").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(records.get(i).json());
        }
        out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** The answer with its {@code success} and {@code login} written as text: {@code "true"}, or {@code "1"} when as digits. */
    private byte[] flagsAsText(byte[] answer) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = json.readValue(answer, LinkedHashMap.class);
        for (String flag : List.of("success", "login")) {
            if (fields.get(flag) instanceof Boolean value) {
                fields.put(flag, flagsAsDigits ? (value ? "1" : "0") : value.toString());
            }
        }
        return json.writeValueAsBytes(fields);
    }

    private Map<String, Object> activeCallFields(ActiveCall call) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", call.key());
        fields.put("callerid", call.callerId());
        fields.put("called_num", call.calledNum());
        fields.put("queue", call.queue());
        fields.put("inbound", call.inbound());
        fields.put("status", call.status());
        fields.put("agent", call.agent());
        fields.put("calldate", SyntheticCalls.WIRE_TIME.format(LocalDateTime.ofInstant(call.startedAt(), settings.zone)));
        // what the IVR collected about the call, as the platform carries it
        fields.put("customvariables", Map.of("ivr_choice", "2", "crm_customer_id", "C-" + Math.abs(call.key().hashCode() % 10000)));
        return fields;
    }

    private boolean validToken(Map<String, String> params) {
        return settings.appToken.equals(params.get("app_token"));
    }

    private String agentOf(Map<String, String> params) {
        String session = params.get("session");
        SimSession found = session == null ? null : sessions.get(session);
        if (found == null) {
            return null;
        }
        if (found.expiresAt().isBefore(clock.instant())) {
            sessions.remove(session);
            return null;
        }
        return found.agent();
    }

    /** The answer to a session the platform no longer honours: the failure envelope, or the guide's {@code "login": false}. */
    private Map<String, Object> sessionRefused() {
        return sessionRefusedAsLogin ? Map.of("login", false, "message", WRONG_SESSION) : failure(WRONG_SESSION);
    }

    private static Map<String, Object> failure(String message) {
        return Map.of("success", false, "message", message);
    }

    // ---- control API and the fake softphone ----------------------------------------------------

    private void handleControl(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            Map<String, String> params = query(exchange);
            Object answer = switch (method + " " + path) {
                case "GET /sim/requests" -> requests.stream()
                        .filter(r -> !params.containsKey("function") || r.function().equalsIgnoreCase(params.get("function")))
                        .map(r -> Map.of("function", r.function(), "query", Secrets.mask(Callbacks.encode(r.params())), "at", r.at().toString()))
                        .toList();
                case "DELETE /sim/requests" -> {
                    clearRequests();
                    yield Map.of("cleared", true);
                }
                case "POST /sim/faults" -> {
                    Fault fault = json.readValue(exchange.getRequestBody(), Fault.class);
                    inject(fault);
                    yield fault;
                }
                case "DELETE /sim/faults" -> {
                    clearFaults();
                    yield Map.of("cleared", true);
                }
                case "POST /sim/sessions/expire" -> Map.of("expired", expireSessions(params.get("agent")));
                case "POST /sim/sessions/refusal" -> {
                    refuseSessionsWithStatus(Integer.parseInt(params.getOrDefault("status", "0")));
                    yield Map.of("status", refusedSessionStatus);
                }
                case "POST /sim/cdr/generate" -> Map.of("callKeys", generateCdrs(Integer.parseInt(params.getOrDefault("count", "100")),
                        LocalDateTime.parse(params.get("from")), LocalDateTime.parse(params.get("to"))));
                case "POST /sim/cdr/long-call" -> Map.of("callKey",
                        endLongCall(Duration.ofMinutes(Long.parseLong(params.getOrDefault("minutes", "40")))));
                case "POST /sim/ivr" -> sendIvrNotification(params.get("url"),
                        Ending.valueOf(params.getOrDefault("ending", "ANSWERED").toUpperCase(Locale.ROOT).replace('-', '_')),
                        "POST".equalsIgnoreCase(params.get("method")));
                case "POST /sim/incoming-call" -> {
                    String agent = agentOf(params);
                    if (agent == null) {
                        yield failure(WRONG_SESSION);
                    }
                    ActiveCall call = ring(agent, params.getOrDefault("callerid", calls.mobileNumber()));
                    yield Map.of("success", true, "activecallkey", call.key(), "callerid", call.callerId());
                }
                case "GET /sim/status" -> Map.of("baseUrl", baseUrl(), "cdrRecords", cdrs.size(),
                        "activeCalls", activeCalls.size(), "requests", requests.size(),
                        "requestsByFunction", requests.stream().collect(Collectors.groupingBy(ApiRequest::function, Collectors.counting())));
                default -> null;
            };
            if (answer == null) {
                send(exchange, 404, "application/json", json.writeValueAsBytes(failure("no such control: " + method + " " + path)), null);
            } else {
                send(exchange, 200, "application/json", json.writeValueAsBytes(answer), null);
            }
        } catch (RuntimeException e) {
            send(exchange, 400, "application/json", json.writeValueAsBytes(failure(String.valueOf(e.getMessage()))), null);
        }
    }

    private void handleSoftphone(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().endsWith("/sso/")) {
                send(exchange, 404, "text/plain", "Not found".getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            Map<String, String> params = query(exchange);
            String agent = agentOf(params);
            String page = softphonePage
                    .replace("{{tenant}}", html(params.getOrDefault("tenant", "")))
                    .replace("{{agent}}", agent == null ? "not signed in: the session is not valid" : html(agent));
            send(exchange, 200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8), null);
        }
    }

    // ---- demo traffic -----------------------------------------------------------------------------

    /** One synthetic call of the demo trickle: an inbound call with its IVR notification, or a click2call with its hangup. */
    private void demoCall() {
        try {
            if (calls.seconds(0, 2) < 2) {
                sendIvrNotification(settings.demoIvrUrl, calls.ending(), false);
            } else {
                ActiveCall call = new ActiveCall(calls.callKey(), calls.agent(), "901", calls.mobileNumber(), "", false,
                        "ringing", clock.instant().minusSeconds(90));
                hangUp(call, "demo-" + UUID.randomUUID(), settings.demoHangupUrl);
            }
        } catch (RuntimeException e) {
            LOG.debug("Demo call failed: {}", e.getMessage());
        }
    }

    private void seed() {
        LocalDateTime now = LocalDateTime.now(clock.withZone(settings.zone)).withNano(0);
        LocalDateTime from = now.toLocalDate().atStartOfDay().isBefore(now.minusHours(3)) ? now.minusHours(3) : now.toLocalDate().atStartOfDay();
        if (settings.seedRecords > 0) {
            generateCdrs(settings.seedRecords, from, now.minusMinutes(1));
        }
    }

    // ---- plumbing -----------------------------------------------------------------------------------

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body, String retryAfter) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = CcsSimulator.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The answer's headers at once, then its body a byte at a time, spread over {@code millis}: never a silence as long as a read's timeout. */
    private static void trickle(HttpExchange exchange, byte[] body, long millis) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        long gap = millis / Math.max(1, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            for (byte b : body) {
                out.write(b);
                out.flush();
                sleep(gap);
            }
        } catch (IOException e) {
            // the client gave up on the answer
        }
    }

    /** The answer after {@link #FLOOD_BYTES} of blanks (JSON still, as it allows them), streamed without a length. */
    private static void flood(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        byte[] blanks = new byte[64 * 1024];
        Arrays.fill(blanks, (byte) ' ');
        try (OutputStream out = exchange.getResponseBody()) {
            for (long sent = 0; sent < FLOOD_BYTES; sent += blanks.length) {
                out.write(blanks);
            }
            out.write(body);
        } catch (IOException e) {
            // the client gave up on the answer
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void hold(CompletableFuture<Void> release, long atMostMillis) {
        try {
            release.get(atMostMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // held as long as it may be: answered now
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a release never fails", e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
