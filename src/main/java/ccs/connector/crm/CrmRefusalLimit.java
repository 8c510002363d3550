package ccs.connector.crm;

import java.io.InputStream;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * The HTTP client of route crm-http-send ({@code httpClientConfigurer=#crmRefusalLimit}) keeps no more than the start of
 * the CRM's answer: the first {@link #MAX_BYTES} of an answer that is not 2xx (the dead letter's reason quotes only its
 * start, {@link RestSinkAnswers}), the first {@link #MAX_ACCEPTED_BYTES} of a 2xx answer (for a customer route that
 * reads what the CRM answered). Camel's HTTP producer would copy the whole of it into memory, however long: a CRM that
 * answered 2xx with an endless or huge body took the heap, and the event, delivered again after the restart, met the
 * same answer. The rest is never read: the connection is closed instead, and a 2xx answer still counts as delivered.
 */
public final class CrmRefusalLimit implements HttpClientConfigurer {

    static final int MAX_BYTES = 4096;
    /** The most of a 2xx answer kept: far more than a CRM's acknowledgement of one event. */
    public static final int MAX_ACCEPTED_BYTES = 1 << 20;

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // first in the chain, so that it reads the answer as decompressed: a cut compressed one could not be read at all
        builder.addExecInterceptorFirst("crm-refusal-limit", (request, scope, chain) -> {
            ClassicHttpResponse response = chain.proceed(request, scope);
            HttpEntity entity = response.getEntity();
            if (entity != null) {
                boolean accepted = response.getCode() >= 200 && response.getCode() < 300;
                InputStream content = entity.getContent();
                byte[] start = content == null ? new byte[0] : content.readNBytes(accepted ? MAX_ACCEPTED_BYTES : MAX_BYTES);
                if (content == null || content.read() < 0) {
                    if (content != null) {
                        content.close();
                    }
                } else {
                    // closing the stream would read the rest first, to use the connection again
                    scope.execRuntime.discardEndpoint();
                }
                response.setEntity(new ByteArrayEntity(start, ContentType.parseLenient(entity.getContentType())));
            }
            return response;
        });
    }
}
