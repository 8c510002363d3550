package ccs.connector.ccs;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP client of route ccs-api-call ({@code httpClientConfigurer=#ccsAnswerLimit}) takes Call Center Studio's whole
 * answer, body included, within the call's response timeout (the part of {@code ccs.api.interactive-timeout} or
 * {@code ccs.api.cdr-timeout} after connecting, {@link CcsApi#prepare}). The HTTP client's own timeouts bound each read,
 * not the answer: an answer that dripped in a byte at a time, never silent as long as a read's timeout, held a click2call
 * (and the HTTP worker answering it) or a tenant's CDR poll for as long as it went on. Past the deadline the connection is
 * closed, and the call fails as one that got no answer in time ({@link SocketTimeoutException}: 504, not repeated).
 *
 * <p>Nor is more than {@link #MAX_BYTES} of an answer read, far more than the API's longest (a CDR page of 100 records,
 * a day's agent performance): read whole, an endless or huge answer took the heap (the lean profile ends the process
 * then), and the CDR poll asked for the same page again a minute later. Past the limit the connection is closed and the
 * call fails with {@link TooLongException}, an answer that cannot be read ({@link CcsApi#unreachable}: 502).
 */
public final class CcsAnswerLimit implements HttpClientConfigurer {

    /** The most of an answer read. */
    public static final int MAX_BYTES = 16 << 20;

    /** The answer is longer than {@link #MAX_BYTES}. */
    public static final class TooLongException extends IOException {
        TooLongException() {
            super("more than " + (MAX_BYTES >> 20) + " MiB");
        }
    }

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "ccs-answer-deadline");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // first in the chain: the deadline covers every step after it, the reading of the decompressed body included
        builder.addExecInterceptorFirst("ccs-answer-limit", (request, scope, chain) -> {
            Timeout timeout = scope.clientContext.getRequestConfigOrDefault().getResponseTimeout();
            AtomicBoolean expired = new AtomicBoolean();
            ScheduledFuture<?> deadline = timeout == null || timeout.isDisabled() ? null : TIMER.schedule(() -> {
                expired.set(true);
                // closes the connection under the reading thread, which then fails
                scope.execRuntime.discardEndpoint();
            }, timeout.toMilliseconds(), TimeUnit.MILLISECONDS);
            try {
                ClassicHttpResponse response = chain.proceed(request, scope);
                HttpEntity entity = response.getEntity();
                if (entity != null) {
                    byte[] body = read(entity, scope);
                    response.setEntity(new ByteArrayEntity(body, ContentType.parseLenient(entity.getContentType())));
                }
                if (expired.get()) {
                    throw new SocketTimeoutException("no whole answer within " + timeout);
                }
                return response;
            } catch (TooLongException e) {
                throw e;
            } catch (IOException e) {
                if (expired.get()) {
                    throw new SocketTimeoutException("no whole answer within " + timeout);
                }
                throw e;
            } finally {
                if (deadline != null) {
                    deadline.cancel(false);
                }
            }
        });
    }

    /** The whole answer, or {@link TooLongException} past {@link #MAX_BYTES}: then the connection is dropped, not read to its end. */
    private static byte[] read(HttpEntity entity, ExecChain.Scope scope) throws IOException {
        if (entity.getContentLength() > MAX_BYTES) {
            scope.execRuntime.discardEndpoint();
            throw new TooLongException();
        }
        InputStream content = entity.getContent();
        if (content == null) {
            return new byte[0];
        }
        byte[] body = content.readNBytes(MAX_BYTES);
        if (content.read() >= 0) {
            // closing the stream would read the rest first, to use the connection again
            scope.execRuntime.discardEndpoint();
            throw new TooLongException();
        }
        content.close();
        return body;
    }
}
