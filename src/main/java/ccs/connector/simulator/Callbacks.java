package ccs.connector.simulator;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the platform sends to a connector: hangup callbacks and IVR call notifications, and
 * records how each was answered. Like some tenants' web-URL settings, it can carry the URL's
 * {@code token} as an {@code Authorization: Bearer} header instead; like a platform that retries,
 * it can send each callback more than once.
 */
final class Callbacks {

    private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);
    private static final Pattern TOKEN = Pattern.compile("([?&])token=([^&]*)&?");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<SentCallback> sent = new ConcurrentLinkedQueue<>();
    private volatile boolean tokenAsBearer;
    private volatile int copies = 1;

    /** The hangup callback: a form-encoded POST to the click2call's {@code hangup_url}. */
    CompletableFuture<Integer> postForm(String url, Map<String, String> fields) {
        return send("POST", url, fields, request -> request
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields))));
    }

    /** An IVR call notification: the call's variables in the query string of a GET (or a body-less POST). */
    CompletableFuture<Integer> notify(String url, Map<String, String> parameters, boolean post) {
        String target = url + (url.contains("?") ? "&" : "?") + encode(parameters);
        return send(post ? "POST" : "GET", target, parameters,
                request -> post ? request.POST(HttpRequest.BodyPublishers.noBody()) : request.GET());
    }

    void tokenAsBearer(boolean asBearer) {
        tokenAsBearer = asBearer;
    }

    void copies(int times) {
        copies = Math.max(1, times);
    }

    List<SentCallback> sent() {
        return List.copyOf(sent);
    }

    void clearSent() {
        sent.clear();
    }

    private CompletableFuture<Integer> send(String method, String url, Map<String, String> fields,
                                            UnaryOperator<HttpRequest.Builder> body) {
        String target = url;
        String bearer = null;
        Matcher token = TOKEN.matcher(url);
        if (tokenAsBearer && token.find()) {
            bearer = URLDecoder.decode(token.group(2), StandardCharsets.UTF_8);
            target = token.replaceFirst(token.group(0).endsWith("&") ? "$1" : "");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpRequest built = body.apply(request).build();
        CompletableFuture<Integer> answered = once(built, fields);
        for (int copy = 1; copy < copies; copy++) {
            answered = answered.thenCompose(status -> once(built, fields));
        }
        return answered;
    }

    private CompletableFuture<Integer> once(HttpRequest request, Map<String, String> fields) {
        String target = Secrets.mask(request.uri().toString());
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> {
                    LOG.debug("Simulator callback {} {} answered {}", request.method(), target, response.statusCode());
                    sent.add(new SentCallback(request.method(), fields, response.statusCode(), response.body()));
                    return response.statusCode();
                })
                .exceptionally(failure -> {
                    LOG.debug("Simulator callback {} {} failed: {}", request.method(), target, failure.getMessage());
                    sent.add(new SentCallback(request.method(), fields, -1, null));
                    return -1;
                });
    }

    static String encode(Map<String, String> fields) {
        StringJoiner joined = new StringJoiner("&");
        fields.forEach((name, value) -> joined.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8)));
        return joined.toString();
    }
}
