package ccs.connector.webhook;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import ccs.connector.api.BadRequestException;
import ccs.connector.api.DeclaredCharsets;
import ccs.connector.api.UndeclaredCharset;
import ccs.connector.api.UnsupportedMediaTypeException;
import ccs.connector.ccs.Tenants;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * Reads what Call Center Studio sent to a webhook: the query parameters (an IVR notification's
 * fields, the {@code token}, an optional {@code tenant}) and the body's fields (the hangup
 * callback's form, or JSON). Query parameters are read from the raw query string, never from
 * request headers, so a header cannot pose as a parameter.
 */
public final class WebhookRequests {

    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";

    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private final ObjectMapper json = new ObjectMapper();
    private final Tenants tenants;

    public WebhookRequests(Tenants tenants) {
        this.tenants = tenants;
    }

    /**
     * The fields of a hangup callback: the query parameters, then the body's fields (a form or a JSON
     * object; a field in both counts from the body). A body in another format is a 415. A {@code token} in the body is a 400:
     * the token is read from the query or the Authorization header alone. The body's {@code tenant} is the platform's own
     * field of the callback (the vendor guide's sample leaves it blank), which chooses no tenant ({@link #tenant}).
     */
    public Map<String, Object> fields(Exchange exchange) {
        return fields(exchange.getMessage(), "token");
    }

    /**
     * The fields of an IVR notification, as {@link #fields}; a {@code tenant} in the body is a 400 too: the tenant is read
     * from the query alone, and the event would be filed under another tenant than the one the body names.
     */
    public Map<String, Object> ivrFields(Exchange exchange) {
        return fields(exchange.getMessage(), "token", "tenant");
    }

    private Map<String, Object> fields(Message message, String... queryOnly) {
        Map<String, Object> fields = new LinkedHashMap<>(query(message));
        Map<String, Object> body = body(message);
        for (String name : queryOnly) {
            if (body.containsKey(name)) {
                throw new BadRequestException(name + " is a field of the body: it goes in the query string"
                        + (name.equals("token") ? " or the Authorization header" : ", beside the token"), name);
            }
        }
        fields.putAll(body);
        return fields;
    }

    /**
     * The tenant the request is for: the query parameter {@code tenant} (a click2call's hangup URL
     * names it for every tenant but the default one), else the default tenant. An unknown name is a 400.
     */
    public String tenant(Exchange exchange) {
        return tenants.get(single(query(exchange.getMessage()), "tenant")).name();
    }

    /** A query parameter that {@link WebhookGuard} refuses to see more than once ({@code token}, {@code tenant}), or null. */
    static String single(Map<String, Object> query, String name) {
        return (String) query.get(name);
    }

    /**
     * The credential of an {@code Authorization: Bearer <credential>} request header, or null; read
     * from the request itself, where a query parameter of that name cannot pose as the header.
     */
    static String bearer(Message message) {
        String authorization = requestHeader(message, "Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    /**
     * The decoded query parameters; a repeated one with every value, in order, as a list (an IVR step's URL may repeat one,
     * and each value is part of the notification). A value that begins with a
     * {@code +} and a digit is a number in international form whose {@code +} the platform left unencoded
     * ({@code callerid=+905071303066}): that {@code +} is kept, where a form's rules would make it a space and the number
     * {@code 905071303066}; a {@code +} further on (a date's {@code 2020-02-24+20:17:55}) is still a space. Each name and
     * value is read in UTF-8, or in a Turkish charset where its bytes are not UTF-8 ({@link UndeclaredCharset}).
     */
    static Map<String, Object> query(Message message) {
        return decode(message.getHeader(Exchange.HTTP_QUERY, String.class), true);
    }

    /** A raw query value that begins with an unencoded + and a digit: a number in international form. */
    private static final Pattern LEADING_PLUS = Pattern.compile("\\+[0-9]");

    static final String NO_FORM_FIELD = "the form has no field that can be decoded: a field is name=value, and a % must be followed by two hex digits";

    private Map<String, Object> body(Message message) {
        String mediaType = mediaType(contentType(message));
        // the HTTP server has read a form (a multipart one too) into a map already, as UTF-8: read again in its charset
        Map<?, ?> form = message.getBody() instanceof Map<?, ?> map ? formAgain(message, map) : null;
        String text = form == null ? message.getBody(String.class) : null;
        boolean nothingRead = form != null ? form.isEmpty() : text == null || text.isBlank();
        if (nothingRead && bodyBytes(message) == 0) {
            return Map.of();
        }
        if (mediaType.equals(FORM)) {
            // the server decodes a form before the route runs and hands on nothing of one whose last field it
            // could not decode (a trailing %), nor of one with no name=value in it (blank): without this, the
            // request would pass for one without a call key
            if (nothingRead) {
                throw new BadRequestException(NO_FORM_FIELD);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            (form != null ? form : decode(text, false)).forEach((name, value) -> fields.put(String.valueOf(name), value));
            return fields;
        }
        if (form == null && (mediaType.equals(JSON) || mediaType.endsWith("+json"))) {
            Map<String, Object> object;
            try {
                object = json.readValue(text, JSON_OBJECT);
            } catch (JsonProcessingException e) {
                throw new BadRequestException("the body is not a JSON object");
            }
            // the JSON text null
            if (object == null) {
                throw new BadRequestException("the body is not a JSON object");
            }
            return object;
        }
        // the received type is not repeated: nothing a caller sent is echoed
        throw new UnsupportedMediaTypeException("the body must be " + FORM + " or " + JSON);
    }

    /** The form as {@link DeclaredCharsets#formAgain} reads it, where it does; else as the HTTP server read it. */
    private static Map<?, ?> formAgain(Message message, Map<?, ?> read) {
        try {
            Map<String, Object> again = message instanceof HttpMessage http ? DeclaredCharsets.formAgain(http.getRequest()) : null;
            return again != null ? again : read;
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("the query string or form is not URL-encoded");
        }
    }

    /**
     * The request's Content-Type as the client sent it: the Camel header of that name could also
     * come from a query parameter, which the HTTP server turns into a header as well.
     */
    private static String contentType(Message message) {
        return requestHeader(message, Exchange.CONTENT_TYPE);
    }

    private static long bodyBytes(Message message) {
        return message instanceof HttpMessage http ? http.getRequest().bytesRead() : 0;
    }

    private static String requestHeader(Message message, String name) {
        return message instanceof HttpMessage http ? http.getRequest().getHeader(name) : message.getHeader(name, String.class);
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * A query's (the HTTP server hands on its raw bytes, one character a byte, and no charset) or a form's text (read already
     * in its charset) {@code name=value} pairs, decoded.
     */
    private static Map<String, Object> decode(String encoded, boolean query) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return parameters;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = decoded(eq < 0 ? pair : pair.substring(0, eq), query);
                String raw = eq < 0 ? "" : pair.substring(eq + 1);
                String value = query && LEADING_PLUS.matcher(raw).lookingAt()
                        ? "+" + decoded(raw.substring(1), true)
                        : decoded(raw, query);
                parameters.merge(name, value, DeclaredCharsets::repeated);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("the query string or form is not URL-encoded");
            }
        }
        return parameters;
    }

    private static String decoded(String encoded, boolean query) {
        return query ? UndeclaredCharset.decode(encoded) : URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    }
}
