package ccs.connector.crm;

import java.io.InputStream;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * The HTTP client of route crm-http-send ({@code httpClientConfigurer=#crmRefusalLimit}) keeps no more than the first
 * {@link #MAX_BYTES} of an answer that is not 2xx: the dead letter's reason quotes only its start ({@link RestSinkAnswers}),
 * and Camel's HTTP producer would copy the whole of it into memory, however long. The rest is never read: the connection
 * is closed instead. A 2xx answer is left whole, for a customer route that reads what the CRM answered.
 */
public final class CrmRefusalLimit implements HttpClientConfigurer {

    static final int MAX_BYTES = 4096;

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // first in the chain, so that it reads the answer as decompressed: a cut compressed one could not be read at all
        builder.addExecInterceptorFirst("crm-refusal-limit", (request, scope, chain) -> {
            ClassicHttpResponse response = chain.proceed(request, scope);
            HttpEntity entity = response.getEntity();
            if (entity != null && (response.getCode() < 200 || response.getCode() >= 300)) {
                InputStream content = entity.getContent();
                byte[] start = content.readNBytes(MAX_BYTES);
                if (content.read() < 0) {
                    content.close();
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
