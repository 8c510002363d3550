package ccs.connector.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A real HTTP server on loopback that records every request and answers with planned
 * responses (a status, optional headers, an optional delay), then 200. It stands for a CRM or
 * any other peer the connector talks to.
 */
public final class RecordingHttpServer implements AutoCloseable {

    /**
     * One request as received; {@code rawPath} as it came, still URL-encoded; {@code status} the one planned for it, from
     * its arrival on; {@code answered} once all of its answer has been written, after any delay: not while the client
     * still waits for it, nor when the writing failed (the client closed before it had all of it).
     */
    public record Received(String method, String path, String rawPath, String query, Headers headers, String body, int status, Instant at,
                           boolean answered) {

        /** The form fields (x-www-form-urlencoded body) or, for a body-less request, the query parameters. */
        public Map<String, String> fields() {
            return decode(body == null || body.isEmpty() ? query : body);
        }

        public String header(String name) {
            return headers.getFirst(name);
        }

        /** Whether the client was answered 2xx, not merely about to be. */
        public boolean answeredOk() {
            return answered && status >= 200 && status < 300;
        }
    }

    /** A planned answer. */
    public record Answer(int status, String body, Map<String, String> headers, Duration delay) {
        public static Answer status(int status) {
            return new Answer(status, "", Map.of(), Duration.ZERO);
        }

        public static Answer json(int status, String body) {
            return new Answer(status, body, Map.of("Content-Type", "application/json"), Duration.ZERO);
        }

        /** The same answer, sent only after {@code wait}. */
        public Answer after(Duration wait) {
            return new Answer(status, body, headers, wait);
        }

        /** The same answer without its length, in chunks, as a server that streams what it reads. */
        public Answer chunked() {
            return withHeader(CHUNKED, "true");
        }

        /** The same answer, its body written a byte at a time over {@code over}: no read waits long, the answer takes that long. */
        public Answer drippedOver(Duration over) {
            return withHeader(DRIPPED, String.valueOf(over.toMillis()));
        }

        /** The same answer, all of its body but the last byte written at once, the last byte once {@link #releaseHeld()} is called. */
        public Answer heldBeforeItsLastByte() {
            return withHeader(HELD, "true");
        }

        public Answer withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Answer(status, body, more, delay);
        }
    }

    /** Marks an answer {@link Answer#chunked}; not sent. */
    private static final String CHUNKED = "X-Test-Chunked";
    /** Marks an answer {@link Answer#drippedOver}; not sent. */
    private static final String DRIPPED = "X-Test-Dripped-Millis";
    /** Marks an answer {@link Answer#heldBeforeItsLastByte}; not sent. */
    private static final String HELD = "X-Test-Held";

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> plan = new ConcurrentLinkedQueue<>();
    private final List<Map.Entry<Predicate<Received>, Answer>> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger cutShort = new AtomicInteger();
    private final CountDownLatch heldAnswers = new CountDownLatch(1);

    public RecordingHttpServer() throws IOException {
        this(null);
    }

    /** Over HTTPS with {@code tls}'s certificate when it is not null (a CRM with a certificate of its own CA), else over HTTP. */
    public RecordingHttpServer(SSLContext tls) throws IOException {
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        // enough for a test that holds many answers open (dripping ones) while others are served
        server.setExecutor(Executors.newFixedThreadPool(48));
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** How many answers the clients did not read to their end (they closed the connection while the server wrote). */
    public int answersCutShort() {
        return cutShort.get();
    }

    /** Ends the answers held before their last byte, and those to come at once (they wait a minute at most). */
    public void releaseHeld() {
        heldAnswers.countDown();
    }

    /** The next request (in arrival order) gets this answer; planned answers are used up one by one. */
    public RecordingHttpServer thenAnswer(Answer answer) {
        plan.add(answer);
        return this;
    }

    /** Every request matching the rule gets this answer, until {@link #clearRules()}; rules come before the plan. */
    public RecordingHttpServer answerWhen(Predicate<Received> rule, Answer answer) {
        rules.add(Map.entry(rule, answer));
        return this;
    }

    public void clearRules() {
        rules.clear();
    }

    public void reset() {
        rules.clear();
        plan.clear();
        received.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Received asked = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body, 0, Instant.now(),
                    false);
            Answer answer = rules.stream().filter(rule -> rule.getKey().test(asked)).map(Map.Entry::getValue).findFirst()
                    .orElseGet(plan::poll);
            if (answer == null) {
                answer = Answer.status(200);
            }
            // counted at once: tests wait for a request that is still being answered
            Received arrived = new Received(asked.method(), asked.path(), asked.rawPath(), asked.query(), asked.headers(), asked.body(),
                    answer.status(), asked.at(), false);
            received.add(arrived);
            if (!answer.delay().isZero()) {
                try {
                    Thread.sleep(answer.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answer.headers().forEach(exchange.getResponseHeaders()::set);
            boolean chunked = exchange.getResponseHeaders().remove(CHUNKED) != null;
            List<String> dripped = exchange.getResponseHeaders().remove(DRIPPED);
            boolean held = exchange.getResponseHeaders().remove(HELD) != null;
            byte[] bytes = answer.body().getBytes(charsetOf(answer.headers().getOrDefault("Content-Type", "")));
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : chunked ? 0 : bytes.length);
            boolean written = true;
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    if (held) {
                        out.write(bytes, 0, bytes.length - 1);
                        out.flush();
                        heldAnswers.await(1, TimeUnit.MINUTES);
                        out.write(bytes, bytes.length - 1, 1);
                    } else if (dripped == null) {
                        out.write(bytes);
                    } else {
                        long gap = Long.parseLong(dripped.get(0)) / bytes.length;
                        for (byte b : bytes) {
                            out.write(b);
                            out.flush();
                            Thread.sleep(gap);
                        }
                    }
                } catch (InterruptedException e) {
                    written = false;
                    Thread.currentThread().interrupt();
                } catch (IOException e) {
                    // the client closed the connection before it had read the whole answer
                    written = false;
                    cutShort.incrementAndGet();
                }
            }
            if (written) {
                // the very request (a reset may have cleared it meanwhile), not an equal one
                received.replaceAll(r -> r == arrived ? new Received(r.method(), r.path(), r.rawPath(), r.query(), r.headers(), r.body(),
                        r.status(), r.at(), true) : r);
            }
        }
    }

    static Map<String, String> decode(String encoded) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return fields;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            fields.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }

    /** The charset an answer's Content-Type names, as a server would write it: UTF-8 when Java knows no such charset, or the name is none. */
    private static Charset charsetOf(String type) {
        String charset = type.replaceFirst(".*charset=", "").trim();
        try {
            return type.contains("charset=") && Charset.isSupported(charset) ? Charset.forName(charset)
                    : StandardCharsets.UTF_8;
        } catch (IllegalCharsetNameException noCharsetsName) {
            return StandardCharsets.UTF_8;
        }
    }
}
