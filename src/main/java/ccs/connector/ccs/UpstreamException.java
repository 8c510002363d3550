package ccs.connector.ccs;

/**
 * Call Center Studio is down, slow, throttling or answering garbage: a 5xx, a 429, a body that
 * is not JSON. Callers answer 502/503 and retry later; {@link #retryAfterSeconds()} is set for 429.
 */
public class UpstreamException extends CcsException {

    private final int retryAfterSeconds;

    /** Call Center Studio answered something unusable (502); for routes that name the problem themselves. */
    public UpstreamException(String message) {
        this(502, message, 0);
    }

    private UpstreamException(int httpStatus, String message, int retryAfterSeconds) {
        super(httpStatus, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static UpstreamException unavailable(String tenant, int status) {
        return new UpstreamException(503, "Call Center Studio tenant " + tenant + " answered HTTP " + status, 0);
    }

    /**
     * The tenant's API base redirects (http to https, an old host to a new one): the connector does not follow, since
     * the query carries the app token or session; the message names the URL to set, never the query of the redirect.
     */
    public static UpstreamException moved(String tenant, String apiUrl, String location) {
        String target = location == null ? null : location.replaceAll("[?#].*", "");
        return new UpstreamException(502, "Call Center Studio tenant " + tenant + " API at " + apiUrl + " redirects "
                + (target == null || target.isBlank() ? "elsewhere" : "to " + target) + ": set ccs.api-url"
                + (target == null || target.isBlank() ? " to the tenant's current API URL" : " to " + target), 0);
    }

    public static UpstreamException throttled(String tenant, int retryAfterSeconds) {
        return new UpstreamException(503, "Call Center Studio tenant " + tenant + " is throttling requests (HTTP 429)",
                retryAfterSeconds);
    }

    public static UpstreamException unreachable(String tenant, String why) {
        return new UpstreamException(503, "Call Center Studio tenant " + tenant + " cannot be reached: " + why, 0);
    }

    public static UpstreamException garbage(String tenant, String what) {
        return new UpstreamException(502, "Call Center Studio tenant " + tenant + " answered " + what, 0);
    }

    public static UpstreamException refused(String tenant, String what) {
        return new UpstreamException(502, "Call Center Studio tenant " + tenant + " " + what, 0);
    }

    @Override
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
