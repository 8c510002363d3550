package ccs.connector.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import ccs.connector.event.InvalidFieldException;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * Every body the {@code /api/} paths take is JSON: a request that carries a body whose
 * {@code Content-Type} is not {@code application/json} (or a {@code +json} type) is refused with 415
 * before its route reads it, as is one in a charset this JVM does not know (its text cannot be read). A body that says it
 * is JSON but is not gets the route's own 400; a request without a body (a POST that only triggers something) passes.
 * <p>
 * A request body is read with {@link #mapper()} (bound as {@value #MAPPER} for the routes' {@code json} data format).
 */
public final class JsonBodies {

    /** The registry name of the {@link #mapper()} that routes unmarshal request bodies with ({@code objectMapper: requestJson}). */
    public static final String MAPPER = "requestJson";

    /**
     * A reader of request bodies that takes one JSON value, nothing after it, and each field once. Jackson's default takes
     * the first of two objects and ignores the rest, and the last of two values of a field: the connector would act on
     * part of a request, or on another than the sender meant.
     */
    public static ObjectMapper mapper() {
        return JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    /**
     * The field that a body read with {@link #mapper()} gives twice, when that is why it could not be read; else null. The
     * name is the parser's own (the field it was at when it stopped), so a name with quotes or odd characters comes out
     * as sent; Jackson has no exception type of its own for a duplicate, so its message tells this failure from others.
     */
    public static String duplicateField(JacksonException failure) {
        if (failure instanceof StreamReadException unreadable && unreadable.getProcessor() != null) {
            String name = unreadable.getProcessor().getParsingContext().getCurrentName();
            if (name != null && ("Duplicate field '" + name + "'").equals(unreadable.getOriginalMessage())) {
                return name;
            }
        }
        return null;
    }

    public void check(@Header("Content-Length") String length, @Header("Transfer-Encoding") String chunked,
                      @Header(Exchange.CONTENT_TYPE) String contentType, @Header(Exchange.HTTP_QUERY) String query) {
        // read from the request's own headers only: ?Content-Type=application/json would let a form-less POST of another
        // page of the site (no preflight) pass for JSON, ?Content-Length=0 for a request without a body
        HeadersInUrl.refuse(query, "Content-Length", "Transfer-Encoding", Exchange.CONTENT_TYPE);
        if (!hasBody(length, chunked)) {
            return;
        }
        if (!isJson(contentType)) {
            throw new UnsupportedMediaTypeException("the body must be JSON, sent with Content-Type: application/json"
                    + (contentType == null ? " (the request has no Content-Type)" : " (the request has another Content-Type)"));
        }
        String charset = DeclaredCharsets.declared(contentType);
        if (charset != null && !DeclaredCharsets.known(charset)) {
            throw new UnsupportedMediaTypeException(DeclaredCharsets.unknown(charset) + ": send the JSON in UTF-8");
        }
    }

    /** The same for a path that takes a JSON object: a request without a body is a 400 too. */
    public void require(@Header("Content-Length") String length, @Header("Transfer-Encoding") String chunked,
                        @Header(Exchange.CONTENT_TYPE) String contentType, @Header(Exchange.HTTP_QUERY) String query) {
        check(length, chunked, contentType, query);
        if (!hasBody(length, chunked)) {
            throw new BadRequestException("the body is empty: send a JSON object with Content-Type: application/json");
        }
    }

    /**
     * Refuses (400, naming it) a field of a JSON object other than {@code fields} (their names, comma-separated): a field the
     * route does not read went unheard, {@code "Tenant": "acme"} backfilled the default tenant and answered 202.
     */
    public void only(Map<String, ?> body, String fields) {
        if (body == null) {
            // the JSON text null: the route's own 400 names the field it misses
            return;
        }
        List<String> known = List.of(fields.split(","));
        for (String name : body.keySet()) {
            if (!known.contains(name)) {
                throw new InvalidFieldException(name, "is no field of this request: it takes " + String.join(", ", known));
            }
        }
    }

    private static boolean hasBody(String length, String chunked) {
        return chunked != null || length != null && !length.trim().equals("0");
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }
}
