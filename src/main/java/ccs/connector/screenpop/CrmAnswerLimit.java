package ccs.connector.screenpop;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/**
 * The HTTP client of a CRM lookup endpoint ({@code httpClientConfigurer=#crmAnswerLimit}) reads no more than
 * {@link ContactMatches#MAX_ANSWER_BYTES} of an answer. Camel's HTTP producer copies a whole answer into memory before
 * the route sees it, so a CRM answering every contact it has would take the connector's heap; here such an answer fails
 * with {@link TooLongException} once past the limit (at once when its length says so), and its connection is closed
 * rather than read to the end.
 */
public final class CrmAnswerLimit implements HttpClientConfigurer {

    /** The CRM's answer is longer than the limit. */
    public static final class TooLongException extends IOException {
        TooLongException() {
            super(ContactMatches.TOO_LONG);
        }
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addResponseInterceptorLast((response, details, context) -> {
            if (response instanceof ClassicHttpResponse classic && classic.getEntity() != null) {
                if (classic.getEntity().getContentLength() > ContactMatches.MAX_ANSWER_BYTES) {
                    throw new TooLongException();
                }
                classic.setEntity(new BoundedEntity(classic.getEntity()));
            }
        });
    }

    /** An answer's entity that throws past the limit, and is then closed without reading its rest. */
    private static final class BoundedEntity extends HttpEntityWrapper {
        private boolean tooLong;

        BoundedEntity(HttpEntity entity) {
            super(entity);
        }

        @Override
        public InputStream getContent() throws IOException {
            return new FilterInputStream(super.getContent()) {
                private long read;

                @Override
                public int read() throws IOException {
                    int next = super.read();
                    count(next < 0 ? 0 : 1);
                    return next;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int bytes = super.read(buffer, offset, length);
                    count(Math.max(0, bytes));
                    return bytes;
                }

                private void count(int bytes) throws IOException {
                    read += bytes;
                    if (read > ContactMatches.MAX_ANSWER_BYTES) {
                        tooLong = true;
                        throw new TooLongException();
                    }
                }
            };
        }

        @Override
        public void close() throws IOException {
            // closing the entity would read the rest of the answer first (to reuse the connection): the client drops it instead
            if (!tooLong) {
                super.close();
            }
        }
    }
}
