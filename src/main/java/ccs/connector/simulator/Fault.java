package ccs.connector.simulator;

import java.util.Map;

/**
 * A fault the simulator injects into its next answers to a function ({@code *} = any).
 *
 * @param function  the API function it applies to, or {@code *}
 * @param kind      {@code status}: answer with {@code status} and a short text body (and {@code Retry-After: retryAfterSeconds}
 *                  when that is above 0);
 *                  {@code html}: 200 with an HTML error page; {@code empty}: 200 with no body;
 *                  {@code success-only}: 200 with the envelope {@code {"success": true}} and nothing of what it is asked for;
 *                  {@code json-null}: 200 with the JSON text {@code null}; {@code no-envelope}: 200 with {@code {}};
 *                  {@code refusal}: 200 with the failure envelope the platform answers a session it no longer honours
 *                  ({@code "Yanlış API anahtarı"}), whatever the session;
 *                  {@code echo}: 200 with a failure envelope whose message quotes the values of the request's
 *                  parameters, its session or app token among them, as a platform may quote a request it refuses;
 *                  {@code delay}: answer normally after {@code delayMillis};
 *                  {@code hold}: answer normally once the simulator releases its held answers, after
 *                  {@code delayMillis} at most;
 *                  {@code trickle}: the normal answer, its body a byte at a time over {@code delayMillis}, so that no
 *                  read waits long (a slow link, a proxy that drips what it gets);
 *                  {@code flood}: the normal answer after 64 MiB of blanks, streamed without a length;
 *                  {@code throttle}: 429 with {@code Retry-After: retryAfterSeconds};
 *                  {@code stale-cursor}: the page asked for, but carrying the cursor the request sent
 *                  (on a first page, one that points before the window), so a client that follows
 *                  it gets the same page again: a cursor that repeats
 * @param status    the HTTP status for {@code status}
 * @param delayMillis the delay for {@code delay}, the longest hold for {@code hold}
 * @param retryAfterSeconds the Retry-After value for {@code throttle}, and for {@code status} when above 0
 * @param times     how many answers it affects
 * @param param     only requests that carry this parameter (e.g. {@code startdate}: the CDR pages of a window, not
 *                  a call's lookup by {@code activecallkey}); null = any request to the function
 */
public record Fault(String function, String kind, int status, long delayMillis, int retryAfterSeconds, int times, String param) {

    public static Fault status(String function, int status, int times) {
        return new Fault(function, "status", status, 0, 0, times, null);
    }

    public static Fault html(String function, int times) {
        return new Fault(function, "html", 200, 0, 0, times, null);
    }

    public static Fault empty(String function, int times) {
        return new Fault(function, "empty", 200, 0, 0, times, null);
    }

    public static Fault successOnly(String function, int times) {
        return new Fault(function, "success-only", 200, 0, 0, times, null);
    }

    public static Fault jsonNull(String function, int times) {
        return new Fault(function, "json-null", 200, 0, 0, times, null);
    }

    public static Fault noEnvelope(String function, int times) {
        return new Fault(function, "no-envelope", 200, 0, 0, times, null);
    }

    public static Fault refusal(String function, int times) {
        return new Fault(function, "refusal", 200, 0, 0, times, null);
    }

    public static Fault echo(String function, int times) {
        return new Fault(function, "echo", 200, 0, 0, times, null);
    }

    public static Fault delay(String function, long delayMillis, int times) {
        return new Fault(function, "delay", 200, delayMillis, 0, times, null);
    }

    public static Fault hold(String function, long atMostMillis, int times) {
        return new Fault(function, "hold", 200, atMostMillis, 0, times, null);
    }

    public static Fault trickle(String function, long overMillis, int times) {
        return new Fault(function, "trickle", 200, overMillis, 0, times, null);
    }

    public static Fault flood(String function, int times) {
        return new Fault(function, "flood", 200, 0, 0, times, null);
    }

    public static Fault throttle(String function, int retryAfterSeconds, int times) {
        return new Fault(function, "throttle", 429, 0, retryAfterSeconds, times, null);
    }

    public static Fault staleCursor(String function, int times) {
        return new Fault(function, "stale-cursor", 200, 0, 0, times, null);
    }

    /** This fault, only for requests that carry {@code parameter}. */
    public Fault onlyWith(String parameter) {
        return new Fault(function, kind, status, delayMillis, retryAfterSeconds, times, parameter);
    }

    boolean appliesTo(String calledFunction, Map<String, String> params) {
        return ("*".equals(function) || function.equalsIgnoreCase(calledFunction)) && (param == null || params.containsKey(param));
    }
}
