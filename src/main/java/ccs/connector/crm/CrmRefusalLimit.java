package ccs.connector.crm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import ccs.connector.http.AnswerDeadline;
import ccs.connector.http.WholeAnswerLimit;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;

/**
 * The HTTP client of route crm-http-send ({@code httpClientConfigurer=#crmRefusalLimit}) keeps no more than the start of
 * the CRM's answer: the first {@link #MAX_BYTES} of an answer that is not 2xx (the dead letter's reason quotes only its
 * start, {@link RestSinkAnswers}), the first {@link #MAX_ACCEPTED_BYTES} of a 2xx answer (for a customer route that
 * reads what the CRM answered), and what of either came within the response timeout
 * ({@code camel.component.http.response-timeout}) after the status. Camel's HTTP producer would copy the whole of it into
 * memory, however long and however slowly it came: a CRM that answered 2xx with an endless or huge body took the heap
 * (and the event, delivered again after the restart, met the same answer), one whose answer dripped in a byte at a time
 * held its delivery consumer for as long as it went on. The rest is never read: the connection is closed instead, and
 * the status counts as answered (a 2xx as delivered). So does it when the CRM closes the connection in the middle of
 * its answer: a 2xx whose body was cut short was sent again, up to the retry budget, and then dead-lettered although
 * the CRM had taken it every time.
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
                byte[] start = start(entity, accepted ? MAX_ACCEPTED_BYTES : MAX_BYTES, scope);
                response.setEntity(WholeAnswerLimit.asRead(start, entity));
            }
            return response;
        });
    }

    /** At most {@code limit} bytes of the answer, read within the response timeout; the connection is dropped unless read to its end. */
    private static byte[] start(HttpEntity entity, int limit, ExecChain.Scope scope) throws IOException {
        ByteArrayOutputStream start = new ByteArrayOutputStream();
        boolean whole = false;
        InputStream content = null;
        boolean expired;
        try (AnswerDeadline deadline = AnswerDeadline.start(scope)) {
            try {
                content = entity.getContent();
                if (content == null) {
                    return new byte[0];
                }
                byte[] buffer = new byte[8192];
                while (start.size() < limit) {
                    int read = content.read(buffer, 0, Math.min(buffer.length, limit - start.size()));
                    if (read < 0) {
                        whole = true;
                        break;
                    }
                    start.write(buffer, 0, read);
                }
                whole = whole || content.read() < 0;
            } catch (IOException e) {
                // the deadline closed the connection, or the CRM did in the middle of its answer: the status came, and it is
                // the CRM's verdict on the event (a 2xx sent again for the body that did not come would be a repeat); what
                // came of the answer is what the CRM said
                whole = false;
            }
            expired = deadline.expired();
        }
        if (whole && !expired) {
            content.close();
        } else {
            // closing the stream would read the rest first, to use the connection again
            scope.execRuntime.discardEndpoint();
        }
        return start.toByteArray();
    }
}
