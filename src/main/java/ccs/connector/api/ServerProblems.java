package ccs.connector.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.TooManyFormFieldsException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import ccs.connector.config.Counters;
import ccs.connector.config.Metrics;
import ccs.connector.config.Settings;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests that reach no route the way route configuration {@code api-errors} answers a
 * failed one, with a {@link Problem}, instead of the HTTP server's HTML or empty bodies:
 * <ul>
 * <li>HEAD of a path that takes GET: served by the GET route (the server sends no body for HEAD over
 * HTTP/1.1; over HTTP/2 Vert.x 4.5 sends it) with header {@value #HEAD_REQUEST}, so that a route whose GET changes
 * something (the agent page opens its link once) changes nothing; but under {@code /webhooks/}, whose GET hands on an event: 405;</li>
 * <li>a request whose {@code Accept} header no route of its path and method takes: served its path's own media type;</li>
 * <li>a method the server does not know (not one of RFC 9110's, nor PATCH): 501;</li>
 * <li>a method the path does not take: 405 with an {@code Allow} header naming those it takes, also where a templated path
 * would take the method (GET of {@code /api/v1/calls/hangup} is not a lookup of a call named "hangup");</li>
 * <li>an unknown path under {@code /api/}, {@code /webhooks/} or {@code /agent/}, or {@code /api} or {@code /webhooks} alone: 404
 * (elsewhere the server's own 404);</li>
 * <li>a body over {@code camel.server.maxBodySize}, or a form field over Vert.x's 8 KiB, refused by the server before any route
 * runs: 413;</li>
 * <li>a query or form the server cannot decode (a {@code %} without two hex digits), refused before any route runs,
 * so before a webhook's token is checked and never kept among the dead letters: 400;</li>
 * <li>a webhook's body in a charset the server does not know: 415; a form in another charset than UTF-8 is decoded in
 * it ({@link DeclaredCharsets}).</li>
 * </ul>
 */
public final class ServerProblems implements StartupListener {

    /**
     * The request header that marks a HEAD served by its path's GET route, so that the route opens, records or sends
     * nothing (the agent page's link): set by the server alone, a client's own is dropped before any route reads it. Its
     * value is made up at startup ({@link #servedForHead}), as platform-http gives a query parameter of that name as the
     * header too.
     */
    public static final String HEAD_REQUEST = "X-Connector-Head";

    private static final String HEAD_MARK = headMark();

    /** The routing context's mark of a HEAD rerouted to GET: the data survive the reroute, the request's headers are set again. */
    private static final String HEAD_REROUTED = "ccs.headRerouted";

    private static final Pattern PATH_PARAMETER = Pattern.compile(":[^/]+");
    private static final String WEBHOOKS = "/webhooks/";

    /** The methods of RFC 9110 and PATCH: another is 501, not a 405 of a path (RFC 9110, section 9.1). */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    /** The method is not echoed: it is the client's text. */
    private static final String UNKNOWN_METHOD = Problem.json(501, "this server does not know the request's method: "
            + "it serves GET, HEAD, POST and DELETE", null);

    static final String UNDECODABLE = Problem.json(400, "the request cannot be decoded: a query parameter or form field "
            + "is not well encoded (a % must be followed by two hex digits)", null);

    private static final Logger LOG = LoggerFactory.getLogger(ServerProblems.class);

    /** Vert.x's limit, which platform-http does not let a setting change. */
    private static final String FIELD_TOO_LARGE = Problem.json(413, "a form field is larger than "
            + HttpServerOptions.DEFAULT_MAX_FORM_ATTRIBUTE_SIZE + " bytes, the most the HTTP server takes in one field: "
            + "send the request as JSON (Content-Type: application/json) instead", null);

    /** Vert.x's limit too. */
    private static final String TOO_MANY_FIELDS = Problem.json(413, "a form has more than " + HttpServerOptions.DEFAULT_MAX_FORM_FIELDS
            + " fields, the most the HTTP server takes: send the request as JSON (Content-Type: application/json) instead", null);

    /** The routing context's problem of an answer the server gave itself, before any route. */
    private static final String SERVER_ANSWER = "ccs.serverAnswer";

    /** RFC 9110's IMF-fixdate (Java's RFC 1123 formatter leaves out a day's leading zero). */
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);

    /** A '%' not followed by two hex digits. */
    private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    /** The webhook intake's paths. */
    private static final Set<String> WEBHOOK_INTAKE = Set.of("/webhooks/ccs/hangup", "/webhooks/ccs/ivr");

    /** The routing context's timer that ends a request whose body does not arrive in time. */
    private static final String BODY_TIMER = "ccs.bodyTimer";

    private final String tooLarge;
    private final Duration bodyTimeout;
    private final String bodyLate;
    private final Set<Router> installed = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Metrics metrics;
    private final RepeatedWarnings refusedWebhooks = new RepeatedWarnings(LOG, "answered alike", Duration.ofMinutes(1), Ticker.systemTicker());

    /** {@code bodyTimeout}: {@code connector.http.body-timeout}, how long a request's body may take to arrive once its headers have. */
    public ServerProblems(long maxBodySize, Duration bodyTimeout, Metrics metrics) {
        this.metrics = metrics;
        this.tooLarge = Problem.json(413, "the body is larger than " + maxBodySize + " bytes (camel.server.maxBodySize)", null);
        this.bodyTimeout = bodyTimeout;
        this.bodyLate = Problem.json(408, "the body did not arrive within " + Settings.readable(bodyTimeout)
                + " (connector.http.body-timeout): send it whole", null);
    }

    /** Called again when routes start later (supervised startup): each router gets the handlers once. */
    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        for (VertxPlatformHttpRouter router : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            if (installed.add(router)) {
                // the first route of all: a query Vert.x cannot decode would otherwise fail only once a form body is read,
                // outside any handler, and the request would never be answered
                router.route().order(Integer.MIN_VALUE).handler(this::first);
                router.route().order(Integer.MIN_VALUE + 1).handler(routing -> refuseMethodOfLiteralPath(router, routing));
                router.route().order(Integer.MIN_VALUE + 2).handler(this::awaitBody);
                DeclaredCharsets.install(router, Integer.MIN_VALUE + 3);
                router.route().failureHandler(routing -> {
                    if (routing.statusCode() == 413) {
                        answer(routing, 413, tooLarge);
                    } else if (routing.statusCode() == 400 && fieldTooLarge(routing.failure())) {
                        answer(routing, 413, FIELD_TOO_LARGE);
                    } else if (routing.statusCode() == 400 && routing.failure() instanceof TooManyFormFieldsException) {
                        answer(routing, 413, TOO_MANY_FIELDS);
                    } else if (routing.statusCode() == 400) {
                        answer(routing, 400, UNDECODABLE);
                    } else {
                        routing.next();
                    }
                });
                // the last route of all: reached only by a request that no route took
                router.route().order(Integer.MAX_VALUE).handler(routing -> unrouted(router, routing));
            }
        }
    }

    /** Whether {@code value} of header {@value #HEAD_REQUEST} is the server's mark of a HEAD, not a client's header or query parameter. */
    public static boolean servedForHead(String value) {
        return value != null && MessageDigest.isEqual(HEAD_MARK.getBytes(StandardCharsets.US_ASCII), value.getBytes(StandardCharsets.UTF_8));
    }

    private static String headMark() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * A request whose body stops coming (a Content-Length larger than what is sent, a chunked body never ended) would hold
     * its connection for ever, the server having no idle timeout: once {@link #bodyTimeout} has passed without the whole
     * body, it is answered 408 and its connection closed (RFC 9110, section 15.5.9). A request served in time is left alone.
     */
    private void awaitBody(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        if (routing.get(BODY_TIMER) == null && !request.isEnded()) {
            long timer = routing.vertx().setTimer(bodyTimeout.toMillis(), fired -> {
                if (!request.isEnded() && !routing.response().ended()) {
                    routing.put(SERVER_ANSWER, bodyLate);
                    routing.response().setStatusCode(408).putHeader("Content-Type", Problem.MEDIA_TYPE)
                            .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer")
                            .putHeader("Connection", "close").end(bodyLate).onComplete(sent -> {
                                if (request.version() != HttpVersion.HTTP_2) {
                                    request.connection().close();
                                }
                            });
                }
            });
            routing.put(BODY_TIMER, timer);
            routing.addEndHandler(done -> routing.vertx().cancelTimer(timer));
        }
        routing.next();
    }

    /** How the server's form decoder (Netty's) fails a field over the size it takes. */
    private static boolean fieldTooLarge(Throwable failure) {
        return failure instanceof IOException && String.valueOf(failure.getMessage()).startsWith("Size exceed allowed maximum capacity");
    }

    /**
     * The first handler of every request: dates its answer, has it {@link #counted} when it ends, puts back the mark of a
     * HEAD rerouted to GET, and refuses a query that cannot be decoded.
     */
    private void first(RoutingContext routing) {
        // RFC 9110, section 6.6.1: a server with a clock sends the time of each answer; Vert.x sends none
        routing.response().headers().set(HttpHeaders.DATE, HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
        routing.request().headers().remove(HEAD_REQUEST);
        if (routing.get(HEAD_REROUTED) != null) {
            routing.request().headers().set(HEAD_REQUEST, HEAD_MARK);
        } else {
            routing.addEndHandler(ended -> counted(routing));
        }
        try {
            routing.request().params();
        } catch (IllegalArgumentException undecodable) {
            answer(routing, 400, UNDECODABLE);
            return;
        }
        // the server's decoder stops at a '#' and after 1,024 parameters, where the query the routes read goes on; and the
        // JDK's URLDecoder takes "%+1" for an escape
        String query = routing.request().query();
        if (query != null && BAD_ESCAPE.matcher(query).find()) {
            answer(routing, 400, UNDECODABLE);
            return;
        }
        routing.next();
    }

    /**
     * A request under {@code /api/} or {@code /webhooks/} that the server answered with an error before any route read it is
     * counted as route {@code server}; a webhook so refused is lost (it is not kept in the dead letters, the platform does not
     * send it again), so it also gets a WARN line, one a minute alike.
     */
    private void counted(RoutingContext routing) {
        String problem = routing.get(SERVER_ANSWER);
        String path = routing.normalizedPath();
        if (problem == null || !path.startsWith("/api/") && !path.startsWith(WEBHOOKS)) {
            return;
        }
        int status = routing.response().getStatusCode();
        metrics.count(Counters.HTTP_ERRORS, "server", Integer.toString(status));
        String intake = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (WEBHOOK_INTAKE.contains(intake)) {
            // alike by path and status: the detail may quote what the client sent (a charset's name)
            refusedWebhooks.warn(intake + " " + status, "A webhook to " + intake + " was answered " + status
                    + " by the HTTP server before its token was read (" + Problem.detail(problem) + "): it is not kept, and the platform does not send it again");
        }
    }

    /** A path that some route names literally belongs to it alone: a templated route does not take the methods it does not. */
    private static void refuseMethodOfLiteralPath(Router router, RoutingContext routing) {
        if (!KNOWN_METHODS.contains(routing.request().method().name())) {
            answer(routing, 501, UNKNOWN_METHOD);
            return;
        }
        String path = routing.normalizedPath();
        // the server takes a literal path with a trailing slash as its own (/api/v1/calls/hangup/ is /api/v1/calls/hangup)
        String literal = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        Set<String> allowed = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            if (literal.equals(route.getPath()) && route.methods() != null) {
                route.methods().forEach(method -> allowed.add(method.name()));
            }
        }
        String method = routing.request().method().name();
        if (allowed.isEmpty() || allowed.contains(method) || method.equals("HEAD") && headServed(path, allowed)) {
            routing.next();
        } else {
            refuseMethod(routing, path, allowed);
        }
    }

    /** A webhook's GET is a notification, not a read: HEAD there would hand on an event. */
    private static boolean headServed(String path, Set<String> allowed) {
        return allowed.contains("GET") && !path.startsWith(WEBHOOKS);
    }

    private static void refuseMethod(RoutingContext routing, String path, Set<String> allowed) {
        if (headServed(path, allowed)) {
            allowed.add("HEAD");
        }
        String allow = String.join(", ", allowed);
        routing.response().putHeader("Allow", allow);
        answer(routing, 405, Problem.json(405, path + " does not take " + routing.request().method().name()
                + ": it takes " + allow, null));
    }

    private static void unrouted(Router router, RoutingContext routing) {
        String path = routing.normalizedPath();
        Set<String> allowed = allowedMethods(router, path);
        boolean headServed = headServed(path, allowed);
        if (routing.request().method() == HttpMethod.HEAD && headServed) {
            routing.put(HEAD_REROUTED, Boolean.TRUE);
            routing.reroute(HttpMethod.GET, routing.request().uri());
        } else if (allowed.contains(routing.request().method().name()) && routing.request().headers().contains(HttpHeaders.ACCEPT)) {
            // a route took the method but not the Accept header (the metrics' text/plain asked as text/plain, say): the path's
            // own media type is served, as a server that does not negotiate would (RFC 9110, section 12.1)
            routing.request().headers().remove(HttpHeaders.ACCEPT);
            routing.parsedHeaders().accept().clear();
            routing.reroute(routing.request().method(), routing.request().uri());
        } else if (!allowed.isEmpty()) {
            refuseMethod(routing, path, allowed);
        } else if (problemsServed(path)) {
            answer(routing, 404, Problem.json(404, "no resource at " + path
                    + ": the paths of this API are described at /api/v1/openapi.json", null));
        } else {
            routing.next();
        }
    }

    /** The paths whose unknown resources are answered with a problem: the API's, the webhooks' and the agent page's, prefixes included. */
    private static boolean problemsServed(String path) {
        for (String prefix : new String[] {"/api", "/webhooks", "/agent"}) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return true;
            }
        }
        return false;
    }

    /** The methods of the routes whose path matches (a route without methods takes every method, so it matched already). */
    private static Set<String> allowedMethods(Router router, String path) {
        Set<String> allowed = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            if (route.getPath() != null && route.methods() != null && matches(route.getPath(), path)) {
                route.methods().forEach(method -> allowed.add(method.name()));
            }
        }
        return allowed;
    }

    private static boolean matches(String routePath, String path) {
        boolean prefix = routePath.endsWith("*");
        String literal = prefix ? routePath.substring(0, routePath.length() - 1) : routePath;
        StringBuilder regex = new StringBuilder();
        int last = 0;
        var parameters = PATH_PARAMETER.matcher(literal);
        while (parameters.find()) {
            regex.append(Pattern.quote(literal.substring(last, parameters.start()))).append("[^/]+");
            last = parameters.end();
        }
        regex.append(Pattern.quote(literal.substring(last))).append(prefix ? ".*" : "/?");
        return path.matches(regex.toString());
    }

    /** Answers {@code problem} with its status and the headers every problem of the server carries. */
    public static void answer(RoutingContext routing, int status, String problem) {
        routing.put(SERVER_ANSWER, problem);
        routing.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer").end(problem);
    }
}
