package ccs.connector.ccs;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP client of route ccs-api-call ({@code httpClientConfigurer=#ccsAnswerDeadline}) takes Call Center Studio's whole
 * answer, body included, within the call's response timeout (the part of {@code ccs.api.interactive-timeout} or
 * {@code ccs.api.cdr-timeout} after connecting, {@link CcsApi#prepare}). The HTTP client's own timeouts bound each read,
 * not the answer: an answer that dripped in a byte at a time, never silent as long as a read's timeout, held a click2call
 * (and the HTTP worker answering it) or a tenant's CDR poll for as long as it went on. Past the deadline the connection is
 * closed, and the call fails as one that got no answer in time ({@link SocketTimeoutException}: 504, not repeated).
 */
public final class CcsAnswerDeadline implements HttpClientConfigurer {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "ccs-answer-deadline");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // first in the chain: the deadline covers every step after it, the reading of the decompressed body included
        builder.addExecInterceptorFirst("ccs-answer-deadline", (request, scope, chain) -> {
            Timeout timeout = scope.clientContext.getRequestConfigOrDefault().getResponseTimeout();
            if (timeout == null || timeout.isDisabled()) {
                return chain.proceed(request, scope);
            }
            AtomicBoolean expired = new AtomicBoolean();
            ScheduledFuture<?> deadline = TIMER.schedule(() -> {
                expired.set(true);
                // closes the connection under the reading thread, which then fails
                scope.execRuntime.discardEndpoint();
            }, timeout.toMilliseconds(), TimeUnit.MILLISECONDS);
            try {
                ClassicHttpResponse response = chain.proceed(request, scope);
                HttpEntity entity = response.getEntity();
                if (entity != null) {
                    byte[] body = EntityUtils.toByteArray(entity);
                    response.setEntity(new ByteArrayEntity(body, ContentType.parseLenient(entity.getContentType())));
                }
                if (expired.get()) {
                    throw new SocketTimeoutException("no whole answer within " + timeout);
                }
                return response;
            } catch (IOException e) {
                if (expired.get()) {
                    throw new SocketTimeoutException("no whole answer within " + timeout);
                }
                throw e;
            } finally {
                deadline.cancel(false);
            }
        });
    }
}
