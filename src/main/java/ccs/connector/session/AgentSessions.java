package ccs.connector.session;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

import ccs.connector.ccs.AppTokens;
import ccs.connector.ccs.CcsApi;
import ccs.connector.ccs.CcsException;
import ccs.connector.ccs.InvalidAppTokenException;
import ccs.connector.ccs.Tenants;
import ccs.connector.ccs.UnknownAgentException;
import ccs.connector.ccs.UpstreamException;
import ccs.connector.click2call.CallControls;
import ccs.connector.config.Counters;
import ccs.connector.config.Metrics;
import ccs.connector.event.InvalidFieldException;
import ccs.connector.state.Database;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' Call Center Studio sessions: one per (tenant, agent e-mail), reused for
 * {@code ccs.session.ttl}. Concurrent requests for one agent share a single login (the
 * pending login is a future in the cache); a refused login is remembered for
 * {@code ccs.session.refusal-hold} so that a flood of requests for an unknown agent does not
 * become a flood of logins; a refused app token holds back every login of the tenant for as long
 * ({@link AppTokens}). The login itself is the YAML route {@code ccs-api-call}. When
 * the replicas share a PostgreSQL state store they share the sessions too ({@link SharedSessions}):
 * one login per agent for the whole cluster.
 */
public final class AgentSessions {

    private static final Logger LOG = LoggerFactory.getLogger(AgentSessions.class);

    /** Not in quotes: a route's method call takes such a text for a quoted one and drops them, and dials for another e-mail. */
    private static final Pattern EMAIL = Pattern.compile("(?!['\"])[^@\\s\\p{Cntrl}]+@[^@\\s\\p{Cntrl}]+(?<!['\"])");
    private static final int MAX_EMAIL = 320;

    private record Key(String tenant, String agentEmail) {
    }

    private final CamelContext camel;
    private final Tenants tenants;
    private final AppTokens appTokens;
    private final Metrics metrics;
    private final Duration ttl;
    private final AsyncCache<Key, SessionLease> sessions;
    private final Cache<Key, CcsException> refusals;
    private final SharedSessions shared;
    private volatile ProducerTemplate template;

    /** @param database the state store: when replicas share it, so do they the sessions (else each keeps its own) */
    public AgentSessions(CamelContext camel, Tenants tenants, AppTokens appTokens, Duration ttl, Duration refusalHold, Ticker ticker,
            Database database) {
        this.camel = camel;
        this.tenants = tenants;
        this.appTokens = appTokens;
        this.shared = database.shared() ? new SharedSessions(database, tenants, ttl, Clock.systemUTC()) : null;
        this.metrics = new Metrics(camel);
        this.ttl = ttl;
        this.sessions = Caffeine.newBuilder().expireAfter(untilTheLeaseEnds()).ticker(ticker).buildAsync();
        this.refusals = Caffeine.newBuilder().expireAfterWrite(refusalHold).ticker(ticker).build();
    }

    /** The agent's session, logging in only when none is cached. */
    public String session(String tenant, String agentEmail) {
        Key key = key(tenant, agentEmail);
        CcsException refused = refusals.getIfPresent(key);
        if (refused != null) {
            throw refused.remembered();
        }
        CompletableFuture<SessionLease> login = new CompletableFuture<>();
        CompletableFuture<SessionLease> cached = sessions.asMap().putIfAbsent(key, login);
        metrics.count(Counters.SESSION_CACHE, cached != null ? "hit" : "miss");
        if (cached != null) {
            return await(cached);
        }
        try {
            login.complete(shared == null ? new SessionLease(login(key), ttl) : shared.session(key.tenant(), key.agentEmail(), () -> login(key)));
        } catch (RuntimeException | Error e) {
            // an Error too: a login left pending would hold every later request of the agent for good
            login.completeExceptionally(e);
        }
        return await(login);
    }

    /** A cached session expires when its lease ends: the TTL after its login, on every replica. */
    private static Expiry<Key, SessionLease> untilTheLeaseEnds() {
        return new Expiry<>() {
            @Override
            public long expireAfterCreate(Key key, SessionLease lease, long currentTime) {
                return lease.lifetime().toNanos();
            }

            @Override
            public long expireAfterUpdate(Key key, SessionLease lease, long currentTime, long currentDuration) {
                return lease.lifetime().toNanos();
            }

            @Override
            public long expireAfterRead(Key key, SessionLease lease, long currentTime, long currentDuration) {
                return currentDuration;
            }
        };
    }

    /**
     * The agent's session, known to be live: the cached one is checked with {@code ping} first, and one the platform
     * ended (it may, before the cache's TTL) is renewed once. For a session handed to someone else, the softphone
     * signing in with it, where no failed call would ever show that it died.
     */
    public String liveSession(String tenant, String agentEmail) {
        String session = session(tenant, agentEmail);
        if (alive(tenant, session)) {
            return session;
        }
        invalidate(tenant, agentEmail, session);
        return session(tenant, agentEmail);
    }

    /** Forgets a session the platform refused, unless a newer one has replaced it already. */
    public void invalidate(String tenant, String agentEmail, String refusedSession) {
        Key key = key(tenant, agentEmail);
        if (shared != null) {
            shared.forget(key.tenant(), key.agentEmail(), refusedSession);
        }
        CompletableFuture<SessionLease> cached = sessions.getIfPresent(key);
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally() && cached.join().session().equals(refusedSession)) {
            sessions.asMap().remove(key, cached);
            LOG.info("Session of agent {} (tenant {}) was refused by Call Center Studio; logging in again", key.agentEmail(), key.tenant());
        }
    }

    /**
     * Calls a Call Center Studio function with the agent's session. When the platform refuses
     * the session ({@code login: false}, or a failure envelope or an HTTP 401 or 403, which carried nothing out, while
     * {@code ping} says the session is no longer valid), logs in once more and repeats the call once. A 401 or 403 while
     * the session is valid (a gateway refusing the function) is a refusal (502) without a login.
     * The fresh session refused too is a refusal (502), never tried again: each try would log the agent in once more.
     */
    public Map<String, Object> call(String tenant, String agentEmail, String function, Map<String, ?> params) {
        String session = session(tenant, agentEmail);
        Map<String, Object> answer;
        try {
            answer = invoke(tenant, function, params, session);
        } catch (UpstreamException e) {
            if (!e.isCredentialRefused()) {
                throw e;
            }
            // a gateway refusing this function, not the session: a login would change nothing, and each request log in again
            if (!sessionEnded(tenant, function, session)) {
                throw UpstreamException.refused(tenants.get(tenant).name(), "answered HTTP 401 or 403 to " + function + " of agent "
                        + agentEmail + ", whose session ping finds valid or cannot tell");
            }
            answer = null;
        }
        if (answer != null && !sessionRefused(tenant, function, answer, session)) {
            return answer;
        }
        invalidate(tenant, agentEmail, session);
        String renewed = session(tenant, agentEmail);
        Map<String, Object> repeated;
        try {
            repeated = invoke(tenant, function, params, renewed);
        } catch (UpstreamException e) {
            if (e.isCredentialRefused()) {
                throw freshSessionRefused(tenant, agentEmail, renewed, " with HTTP 401 or 403");
            }
            throw e;
        }
        if (sessionRefused(tenant, function, repeated, renewed)) {
            throw freshSessionRefused(tenant, agentEmail, renewed, "");
        }
        return repeated;
    }

    /**
     * The refusal of a session just logged in, remembered as a refused login is: kept, the session would be refused at the
     * agent's next request and renewed again, a login per request for as long as the platform (or a gateway) refuses them.
     */
    private UpstreamException freshSessionRefused(String tenant, String agentEmail, String renewed, String how) {
        invalidate(tenant, agentEmail, renewed);
        UpstreamException refused = UpstreamException.refused(tenants.get(tenant).name(), "refused a fresh session of agent " + agentEmail + how);
        refusals.put(key(tenant, agentEmail), refused);
        return refused;
    }

    private boolean sessionRefused(String tenant, String function, Map<String, Object> answer, String session) {
        if (Boolean.FALSE.equals(answer.get("login"))) {
            return true;
        }
        // a failure envelope may also mean "no such call": ping tells whether the session is the cause
        return Boolean.FALSE.equals(answer.get("success")) && sessionEnded(tenant, function, session);
    }

    /**
     * Whether ping finds the session ended. A ping that fails (the platform away a moment) tells nothing: a call control's
     * refusal (a failure envelope, a 401 or 403) then stands, never repeated, since a failure of the platform would be,
     * and a hangup or hold repeated ends or holds the agent's next call. Any other request (a click2call refused places no
     * call) is repeated safely, with a fresh session if need be.
     */
    private boolean sessionEnded(String tenant, String function, String session) {
        try {
            return !alive(tenant, session);
        } catch (UpstreamException e) {
            // the call controls act on whatever call the agent is on: one repeated seconds later may act on the next call
            if (CallControls.FUNCTIONS.containsValue(function)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Whether the platform still honours the session: {@code ping} says so, and neither a failure envelope nor a 401 or 403
     * says otherwise. A ping with neither {@code "success"} nor {@code "login": false} tells nothing (a gateway's
     * stand-in, say), as for the health probe.
     */
    private boolean alive(String tenant, String session) {
        try {
            Map<String, Object> ping = invoke(tenant, "ping", Map.of(), session);
            if (Boolean.FALSE.equals(ping.get("login"))) {
                return false;
            }
            if (ping.get("success") instanceof Boolean honoured) {
                return honoured;
            }
            throw UpstreamException.garbage(tenants.get(tenant).name(), "ping", "ping without \"success\": true or false");
        } catch (UpstreamException e) {
            if (e.isCredentialRefused()) {
                return false;
            }
            throw e;
        }
    }

    /** Logs the agent in; while the tenant's app token is refused (see {@link AppTokens}) no login is tried. */
    private String login(Key key) {
        String tenant = key.tenant();
        appTokens.checkNotHeld(tenant);
        Map<String, Object> answer;
        try {
            answer = invoke(tenant, "login", Map.of("email", key.agentEmail()), null);
        } catch (InvalidAppTokenException e) {
            metrics.count(Counters.LOGINS, tenant, "invalid-app-token");
            throw e;
        } catch (UpstreamException e) {
            // no connection, no answer in time, an HTTP error, a body that is not JSON: the platform answered no login
            metrics.count(Counters.LOGINS, tenant, "failed");
            throw e;
        }
        if (Boolean.TRUE.equals(answer.get("login")) && answer.get("session") instanceof String session && !session.isBlank()) {
            LOG.info("Logged in agent {} (tenant {})", key.agentEmail(), tenant);
            metrics.count(Counters.LOGINS, tenant, "success");
            appTokens.accepted(tenant);
            return session;
        }
        String message = String.valueOf(answer.get("message"));
        if (!Boolean.FALSE.equals(answer.get("login"))) {
            // only "login": false refuses; anything else is the platform's slip, asked again by the next request
            metrics.count(Counters.LOGINS, tenant, "unusable");
            throw UpstreamException.garbage(tenant, "login", "a login of agent " + key.agentEmail() + " without a session: " + message);
        }
        CcsException refused = "User not found".equals(message) ? new UnknownAgentException(tenant, key.agentEmail())
                : new CcsException(422, "Call Center Studio tenant " + tenant + " refused the login of agent "
                        + key.agentEmail() + ": " + message);
        refusals.put(key, refused);
        metrics.count(Counters.LOGINS, tenant, refused instanceof UnknownAgentException ? "unknown-agent" : "refused");
        LOG.warn("Login refused: {}", refused.getMessage());
        throw refused;
    }

    private Map<String, Object> invoke(String tenant, String function, Map<String, ?> params, String session) {
        Exchange result = template().send("direct:ccs-api-call", exchange -> {
            exchange.setVariable(CcsApi.TENANT, tenant);
            exchange.setVariable(CcsApi.FUNCTION, function);
            exchange.setVariable(CcsApi.PARAMS, params);
            exchange.setVariable(CcsApi.SESSION, session);
        });
        if (result.getException() != null) {
            throw result.getException() instanceof RuntimeException runtime ? runtime : new CompletionException(result.getException());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> answer = result.getMessage().getBody(Map.class);
        return answer;
    }

    private Key key(String tenant, String agentEmail) {
        return new Key(tenants.get(tenant).name(), agentEmail(agentEmail));
    }

    /**
     * An agent's e-mail as Call Center Studio knows it, in lower case; 400 naming {@code agentEmail} when missing or not
     * an e-mail address (two query parameters, say), before any login asks the platform about it.
     */
    public static String agentEmail(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidFieldException("agentEmail", "is missing: the e-mail the agent signs in to Call Center Studio with");
        }
        String agent = text.trim();
        if (agent.length() > MAX_EMAIL || !EMAIL.matcher(agent).matches()) {
            throw new InvalidFieldException("agentEmail", "is not an e-mail address");
        }
        return agent.toLowerCase(Locale.ROOT);
    }

    private ProducerTemplate template() {
        if (template == null) {
            synchronized (this) {
                if (template == null) {
                    template = camel.createProducerTemplate();
                }
            }
        }
        return template;
    }

    private static String await(CompletableFuture<SessionLease> login) {
        try {
            return login.join().session();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
