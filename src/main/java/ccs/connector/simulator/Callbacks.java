package ccs.connector.simulator;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

import ccs.connector.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends what the platform sends to a connector: hangup callbacks and IVR call notifications. */
final class Callbacks {

    private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The hangup callback: a form-encoded POST to the click2call's {@code hangup_url}. */
    CompletableFuture<Integer> postForm(String url, Map<String, String> fields) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields)))
                .build();
        return send(request);
    }

    /** An IVR call notification: the call's variables in the query string of a GET (or a body-less POST). */
    CompletableFuture<Integer> notify(String url, Map<String, String> parameters, boolean post) {
        String target = url + (url.contains("?") ? "&" : "?") + encode(parameters);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(10));
        return send(post ? request.POST(HttpRequest.BodyPublishers.noBody()).build() : request.GET().build());
    }

    private CompletableFuture<Integer> send(HttpRequest request) {
        String target = Secrets.mask(request.uri().toString());
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> {
                    LOG.debug("Simulator callback {} {} answered {}", request.method(), target, response.statusCode());
                    return response.statusCode();
                })
                .exceptionally(failure -> {
                    LOG.debug("Simulator callback {} {} failed: {}", request.method(), target, failure.getMessage());
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
