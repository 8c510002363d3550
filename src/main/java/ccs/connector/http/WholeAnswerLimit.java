package ccs.connector.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.Semaphore;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.RequestFailedException;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * An HTTP client ({@code httpClientConfigurer=#...}) that reads a whole answer, no longer than {@code maxBytes} and within
 * its {@link AnswerDeadline}. Camel's HTTP producer copies a whole answer into memory before the route sees it: an endless
 * or huge one (a proxy's stream, a misrouted download) took the heap, and one that dripped in held its thread. Past the
 * limit the connection is closed, not read to its end, and the request fails with {@link TooLongException} (at once when
 * the answer's length says so); past the deadline it fails as one that got no answer in time ({@link SocketTimeoutException}).
 * The answers being read at once share a budget of bytes: an answer is held several times over on its way to a map (its
 * bytes, the text, the parser's buffers), so a few long ones at once, each under the limit, took a lean connector's heap.
 * An answer that would go past the budget fails as too long, at once: it never waits for others to end.
 * Beans {@code ccsAnswerLimit} (Call Center Studio's calls) and {@code crmAnswerLimit} (the CRM lookup).
 */
public final class WholeAnswerLimit implements HttpClientConfigurer {

    /** The answer is longer than the limit. */
    public static final class TooLongException extends IOException {
        TooLongException(String message) {
            super(message);
        }
    }

    /** How much of each answer is not counted against the budget. */
    static final int UNCOUNTED_BYTES = 256 << 10;

    private final String name;
    private final int maxBytes;
    private final String tooLong;
    private final Semaphore budget;
    private final String overBudget;

    /**
     * @param name        the interceptor's name in the HTTP client
     * @param maxBytes    the most of an answer read
     * @param tooLong     the message of a {@link TooLongException} past {@code maxBytes}
     * @param budgetBytes the most bytes of all the answers being read at once
     * @param overBudget  the message of a {@link TooLongException} past {@code budgetBytes}
     */
    public WholeAnswerLimit(String name, int maxBytes, String tooLong, int budgetBytes, String overBudget) {
        this.name = name;
        this.maxBytes = maxBytes;
        this.tooLong = tooLong;
        this.budget = new Semaphore(budgetBytes);
        this.overBudget = overBudget;
    }

    /**
     * Whether the request failed before it was sent, so that the server never saw it: no connection could be made (refused,
     * timed out, no such host or route), or none of the client's pooled connections came free in time, or the wait for one
     * was cut (RequestFailedException: HttpClient throws it only before sending).
     */
    public static boolean neverSent(Throwable failure) {
        return failure instanceof ConnectException || failure instanceof ConnectTimeoutException || failure instanceof UnknownHostException
                || failure instanceof NoRouteToHostException || failure instanceof ConnectionRequestTimeoutException
                || failure instanceof RequestFailedException;
    }

    /** The bytes of the shared budget not held by the answers being read now (what a test of the budget observes). */
    public int budgetLeft() {
        return budget.availablePermits();
    }

    /**
     * The bytes read of {@code entity}, under its content type. One whose charset is named as no charset can be
     * ({@code charset='utf-8'}, quoted) keeps its media type alone: parsed whole, it threw before the status was read.
     */
    public static HttpEntity asRead(byte[] read, HttpEntity entity) {
        ContentType type;
        try {
            type = ContentType.parseLenient(entity.getContentType());
        } catch (IllegalArgumentException noCharsetsName) {
            type = ContentType.parseLenient(entity.getContentType().replaceFirst(";.*", ""));
        }
        return new ByteArrayEntity(read, type);
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // first in the chain: the deadline covers every step after it, the reading of the decompressed body included
        builder.addExecInterceptorFirst(name, (request, scope, chain) -> {
            try (AnswerDeadline deadline = AnswerDeadline.start(scope)) {
                try {
                    ClassicHttpResponse response = chain.proceed(request, scope);
                    HttpEntity entity = response.getEntity();
                    if (entity != null) {
                        response.setEntity(asRead(read(entity, scope), entity));
                    }
                    if (deadline.expired()) {
                        throw new SocketTimeoutException("no whole answer within " + deadline.timeout());
                    }
                    return response;
                } catch (IOException e) {
                    // too long, or never sent, is that, whenever it came: not a missed answer
                    throw e instanceof TooLongException || neverSent(e) || !deadline.expired() ? e
                            : new SocketTimeoutException("no whole answer within " + deadline.timeout());
                }
            }
        });
    }

    /**
     * The whole answer, or {@link TooLongException} past the limit or the budget: then the connection is dropped, not read
     * to its end. Its bytes past the first {@value #UNCOUNTED_BYTES} count against the budget while it is read: a click2call's
     * or a login's answer, a few hundred bytes, is never refused for the long answers being read beside it (it may have
     * placed a call, whose outcome would then be unknown).
     */
    private byte[] read(HttpEntity entity, ExecChain.Scope scope) throws IOException {
        if (entity.getContentLength() > maxBytes) {
            scope.execRuntime.discardEndpoint();
            throw new TooLongException(tooLong);
        }
        InputStream content = entity.getContent();
        if (content == null) {
            return new byte[0];
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            for (int read = content.read(chunk); read >= 0; read = content.read(chunk)) {
                boolean tooLongAlone = body.size() + read > maxBytes;
                if (tooLongAlone || !budget.tryAcquire(counted(body.size() + read) - counted(body.size()))) {
                    // closing the stream would read the rest first, to use the connection again
                    scope.execRuntime.discardEndpoint();
                    throw new TooLongException(tooLongAlone ? tooLong : overBudget);
                }
                body.write(chunk, 0, read);
            }
            content.close();
            return body.toByteArray();
        } finally {
            budget.release(counted(body.size()));
        }
    }

    private static int counted(int bytes) {
        return Math.max(0, bytes - UNCOUNTED_BYTES);
    }
}
