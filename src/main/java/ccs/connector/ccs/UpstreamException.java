package ccs.connector.ccs;

import ccs.connector.config.Secrets;

/**
 * Call Center Studio is down, slow, throttling or answering garbage: a 5xx, a 429, a body that
 * is not JSON, no answer in time. Callers answer 502/503/504 and retry later; {@link #retryAfterSeconds()}
 * is set for 429. Only a failure {@link #isRepeatable() repeatable} as such may be repeated by the
 * connector: after a time-out or garbage the platform may have placed the call already, and a refusal
 * stays one.
 */
public class UpstreamException extends CcsException {

    /** What the platform did with the request: nothing, worth repeating; nothing, not worth repeating; perhaps all of it. */
    private enum Outcome { DOWN, REFUSED, UNKNOWN }

    private final int retryAfterSeconds;
    private final Outcome outcome;
    /** The function whose request may have been carried out; null when not known. */
    private final String function;
    /** The platform (or a gateway in front of it) answered 401 or 403: it refused the request's credential. */
    private final boolean credentialRefused;
    /** The platform is away as a whole: no connection, no answer in time, a 429, a 502, 503 or 504, or a proxy's own 52x. */
    private final boolean away;

    /** Call Center Studio answered something unusable (502); for routes that name the problem themselves. */
    public UpstreamException(String message) {
        this(502, message, 0, Outcome.UNKNOWN, null);
    }

    private UpstreamException(int httpStatus, String message, int retryAfterSeconds, Outcome outcome) {
        this(httpStatus, message, retryAfterSeconds, outcome, null);
    }

    private UpstreamException(int httpStatus, String message, int retryAfterSeconds, Outcome outcome, String function) {
        this(httpStatus, message, retryAfterSeconds, outcome, function, false, false);
    }

    private UpstreamException(int httpStatus, String message, int retryAfterSeconds, Outcome outcome, String function, boolean credentialRefused,
                              boolean away) {
        super(httpStatus, message);
        this.retryAfterSeconds = retryAfterSeconds;
        this.outcome = outcome;
        this.function = function;
        this.credentialRefused = credentialRefused;
        this.away = away;
    }

    /** The same failure, for a later request answered with it without asking the platform (a refused fresh session, held). */
    private UpstreamException(UpstreamException earlier) {
        super(earlier);
        this.retryAfterSeconds = earlier.retryAfterSeconds;
        this.outcome = earlier.outcome;
        this.function = earlier.function;
        this.credentialRefused = earlier.credentialRefused;
        this.away = earlier.away;
    }

    @Override
    public UpstreamException remembered() {
        return new UpstreamException(this);
    }

    public static UpstreamException unavailable(String tenant, int status) {
        return unavailable(tenant, status, 0);
    }

    /** The same, with the seconds the platform's {@code Retry-After} asks for (0: none). */
    public static UpstreamException unavailable(String tenant, int status, int retryAfterSeconds) {
        return new UpstreamException(503, "Call Center Studio tenant " + tenant + " answered HTTP " + status, retryAfterSeconds, Outcome.DOWN,
                null, false, status >= 502 && status <= 504 || status >= 520);
    }

    /**
     * The platform answered 401 or 403 to a request with the agent's session: it refused the session and carried nothing
     * out. The guide's platform answers a session it no longer honours with a failure envelope; one behind a gateway may
     * answer with the status instead, and the agent's session is then renewed as after the envelope
     * ({@link ccs.connector.session.AgentSessions}). The same answer to a request with the app token alone is a refused
     * app token ({@link InvalidAppTokenException}).
     */
    public static UpstreamException credentialRefused(String tenant, int status) {
        return new UpstreamException(503, "Call Center Studio tenant " + tenant + " answered HTTP " + status, 0, Outcome.DOWN, null, true, false);
    }

    /** The platform answered 401 or 403 ({@link #credentialRefused}). */
    public boolean isCredentialRefused() {
        return credentialRefused;
    }

    /**
     * The platform, or a gateway in front of it, answered a 500, 502, 504 or a proxy's own 52x to a request of
     * {@code function} that acts on a call: a 500 may come after the platform took the request, a gateway's 502 or 504
     * (or a proxy's 520 or 524) after the platform behind it did, so what it did is unknown, as after no answer. Answered
     * 504 for a 504, else 502. All but the 500 say the platform is {@link #isAway away}.
     */
    public static UpstreamException serverFailed(String tenant, String function, int status) {
        return new UpstreamException(status == 504 ? 504 : 502, "Call Center Studio tenant " + tenant + " answered HTTP " + status + " to "
                + function + " (the request may have been carried out)", 0, Outcome.UNKNOWN, function, false, status != 500);
    }

    /**
     * The tenant's API base redirects (http to https, an old host to a new one): the connector does not follow, since
     * the query carries the app token or session; the message names the URL to set, never the query of the redirect.
     */
    public static UpstreamException moved(String tenant, String apiUrl, String location) {
        String target = location == null ? null : Secrets.withoutQuery(location);
        return new UpstreamException(502, "Call Center Studio tenant " + tenant + " API at " + apiUrl + " redirects "
                + (target == null || target.isBlank() ? "elsewhere" : "to " + target) + ": set ccs.api-url"
                + (target == null || target.isBlank() ? " to the tenant's current API URL" : " to " + target), 0, Outcome.REFUSED);
    }

    /**
     * The platform, or a server in its place, answered a 4xx of its own (not 401, 403, 408 or 429) to a request of the
     * connector: nothing was carried out, and the same request would get the same answer (a wrong {@code ccs.api-url} path
     * answers 404). A bad answer of the connector's upstream, 502, not repeated; it was 503, as if the platform were down.
     */
    public static UpstreamException rejected(String tenant, int status) {
        return new UpstreamException(502, "Call Center Studio tenant " + tenant + " answered HTTP " + status
                + " to a request it does not take: is ccs.api-url the tenant's API?", 0, Outcome.REFUSED);
    }

    public static UpstreamException throttled(String tenant, int retryAfterSeconds) {
        return new UpstreamException(503, "Call Center Studio tenant " + tenant + " is throttling requests (HTTP 429)",
                retryAfterSeconds, Outcome.DOWN, null, false, true);
    }

    /** No connection could be made: the request never reached the platform. */
    public static UpstreamException unreachable(String tenant, String why) {
        return new UpstreamException(503, "Call Center Studio tenant " + tenant + " cannot be reached: " + why, 0, Outcome.DOWN, null, false, true);
    }

    /** The platform answers the requests of {@code function}, but together they take longer than {@code why} allows (504). */
    public static UpstreamException tooSlow(String tenant, String function, String why) {
        return new UpstreamException(504, "Call Center Studio tenant " + tenant + " took too long answering " + function + ": " + why, 0,
                Outcome.DOWN, function, false, false);
    }

    /** The request went out and no answer came (in time): what the platform did with it is unknown. */
    public static UpstreamException noAnswer(String tenant, String function, String why) {
        return new UpstreamException(504, "Call Center Studio tenant " + tenant + " did not answer " + function + " (" + why + ")", 0,
                Outcome.UNKNOWN, function, false, true);
    }

    /**
     * The request was not sent: the tenant's platform failed a request a moment ago (a click2call, a call control, a softphone's
     * session or a screen pop's call; {@code why},
     * its message), and its circuit holds the tenant's requests back for {@code retryAfterSeconds} more (ccs.connector.click2call.Click2callCircuits).
     */
    public static UpstreamException heldBack(String why, int retryAfterSeconds) {
        return new UpstreamException(503, why + " a moment ago: not sent, the tenant's requests to it fail at once until one gets through again"
                + " (ccs.click2call.circuit-cool-down); send it again later", retryAfterSeconds, Outcome.REFUSED, null, false, true);
    }

    public static UpstreamException garbage(String tenant, String what) {
        return garbage(tenant, null, what);
    }

    /** An answer to a request of {@code function} that cannot be read: what the platform did with the request is unknown. */
    public static UpstreamException garbage(String tenant, String function, String what) {
        return new UpstreamException(502, "Call Center Studio tenant " + tenant + " answered " + what, 0, Outcome.UNKNOWN, function);
    }

    public static UpstreamException refused(String tenant, String what) {
        return new UpstreamException(502, "Call Center Studio tenant " + tenant + " " + what, 0, Outcome.REFUSED);
    }

    /**
     * The same failure with a {@code Retry-After} of at least {@code seconds}, for a 503 (a 429 or a 503 of the platform
     * that gave none, or no connection): the time the tenant's circuit now holds its requests back, so that the caller
     * whose request opened it hears when to try again, as those held back after it do.
     */
    public UpstreamException retryingAfter(int seconds) {
        if (httpStatus() != 503 || retryAfterSeconds >= seconds) {
            return this;
        }
        UpstreamException later = new UpstreamException(503, getMessage(), seconds, outcome, function, credentialRefused, away);
        later.setStackTrace(getStackTrace());
        return later;
    }

    @Override
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * The platform is away as a whole (no connection, no answer in time, throttling, a 502, 503 or 504, a proxy's own
     * 52x), rather than answering this request with an error of its own (another status, a body that cannot be read, a
     * refusal).
     */
    public boolean isAway() {
        return away;
    }

    /**
     * Repeating the request cannot carry it out twice: it never reached the platform, or the platform said it is down or
     * throttling, or what failed was the login or the session's ping before it (asked again, either changes nothing).
     */
    public boolean isRepeatable() {
        return outcome == Outcome.DOWN || outcome == Outcome.UNKNOWN && ("login".equals(function) || "ping".equals(function));
    }

    /**
     * The platform may have carried out a request of {@code function}: one took it and gave no answer in time (or a 500, 502, 504
     * or a proxy's 52x), or one that cannot be read. A failure of another function's request (the login before a click2call) carried none of it out.
     */
    public boolean mayHaveCarriedOut(String function) {
        return outcome == Outcome.UNKNOWN && (this.function == null || this.function.equals(function));
    }
}
