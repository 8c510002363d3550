package ccs.connector.screenpop;

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
 * The HTTP client of a CRM lookup endpoint ({@code httpClientConfigurer=#crmAnswerLimit}) reads no more than
 * {@link ContactMatches#MAX_ANSWER_BYTES} of an answer, and all of it within the response timeout
 * ({@code camel.component.http.response-timeout}). Camel's HTTP producer copies a whole answer into memory before
 * the route sees it, so a CRM answering every contact it has would take the connector's heap; here such an answer fails
 * with {@link TooLongException} once past the limit (at once when its length says so), and its connection is closed
 * rather than read to the end. The HTTP client's own timeouts bound each read, not the answer: an answer that dripped in
 * a byte at a time held its lookup consumer (and its pooled connection) for as long as it went on, long after the screen
 * pop had stopped waiting, until every consumer was held and every screen pop answered 504. Past the deadline the
 * connection is closed and the lookup fails as one that got no answer ({@link SocketTimeoutException}).
 */
public final class CrmAnswerLimit implements HttpClientConfigurer {

    /** The CRM's answer is longer than the limit. */
    public static final class TooLongException extends IOException {
        TooLongException() {
            super(ContactMatches.TOO_LONG);
        }
    }

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "crm-lookup-answer-deadline");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // first in the chain: the deadline covers every step after it, the reading of the decompressed body included
        builder.addExecInterceptorFirst("crm-answer-limit", (request, scope, chain) -> {
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

    /** The whole answer, or {@link TooLongException} past the limit: then the connection is dropped, not read to its end. */
    private static byte[] read(HttpEntity entity, ExecChain.Scope scope) throws IOException {
        if (entity.getContentLength() > ContactMatches.MAX_ANSWER_BYTES) {
            scope.execRuntime.discardEndpoint();
            throw new TooLongException();
        }
        InputStream content = entity.getContent();
        if (content == null) {
            return new byte[0];
        }
        byte[] body = content.readNBytes(ContactMatches.MAX_ANSWER_BYTES);
        if (content.read() >= 0) {
            // closing the stream would read the rest first, to use the connection again
            scope.execRuntime.discardEndpoint();
            throw new TooLongException();
        }
        content.close();
        return body;
    }
}
