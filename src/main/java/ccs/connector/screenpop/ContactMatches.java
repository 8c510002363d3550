package ccs.connector.screenpop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.api.CrmUnavailableException;
import ccs.connector.screenpop.PhoneNumbers.Candidate;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.TypeConverter;
import org.apache.camel.Variable;

/**
 * Turns what a lookup route answered into contacts marked with how they matched. A lookup route
 * may answer a JSON text (as anything Camel turns into text: a stream, bytes) or the parsed value: an array of contacts, an object with a
 * {@code contacts} array, one contact object, or nothing (no match).
 */
public final class ContactMatches {

    /** The most of a lookup's answer read: 1 MiB, thousands of contacts. */
    static final int MAX_ANSWER_BYTES = 1 << 20;
    static final String TOO_LONG = "the CRM lookup answered more than " + MAX_ANSWER_BYTES / 1024
            + " KiB: no contact list an agent can read is that long";
    static final String TOO_MANY = "the CRM lookups being read at once answered more than 8 MiB together: the connector's memory is kept for its other work";

    private static final Pattern CHARSET = Pattern.compile("(?i)charset=\"?([^\";\\s]+)");

    private final ObjectMapper json = new ObjectMapper();

    /** Each contact of the answer (the body), copied, with {@code match: {format, value}} of the variable {@code candidate} added. */
    public List<Map<String, Object>> matches(@Body Object answer, @Variable("candidate") Candidate candidate,
                                             @Header(Exchange.CONTENT_TYPE) String contentType, TypeConverter types) {
        List<Map<String, Object>> matches = new ArrayList<>();
        for (Object contact : contacts(parsed(answer, charset(contentType), types))) {
            if (!(contact instanceof Map<?, ?> fields)) {
                throw new CrmUnavailableException("the CRM lookup answered a list that holds something other than contact objects");
            }
            Map<String, Object> match = new LinkedHashMap<>();
            fields.forEach((name, value) -> match.put(String.valueOf(name), value));
            match.put("match", Map.of("format", candidate.format(), "value", candidate.value()));
            matches.add(match);
        }
        return matches;
    }

    /**
     * The contacts as the agent page shows them for a call whose number the platform masks (read from the call): without
     * the caller's number, which each one's {@code phone} and {@code match.value} would give the agent's browser.
     */
    public List<Map<String, Object>> withoutCallerNumber(@Body List<Map<String, Object>> contacts) {
        List<Map<String, Object>> shown = new ArrayList<>();
        for (Map<String, Object> contact : contacts) {
            Map<String, Object> fields = new LinkedHashMap<>(contact);
            fields.remove("phone");
            if (fields.get("match") instanceof Map<?, ?> match) {
                fields.put("match", Map.of("format", match.get("format")));
            }
            shown.add(fields);
        }
        return shown;
    }

    private Object parsed(Object answer, Charset charset, TypeConverter types) {
        if (answer instanceof Collection<?> || answer instanceof Map<?, ?>) {
            return answer;
        }
        byte[] body = answer == null ? null : bounded(answer, types);
        String text = body == null ? null : new String(body, charset);
        if (text == null || text.isBlank()) {
            return List.of();
        }
        try {
            return json.readValue(text, Object.class);
        } catch (IOException e) {
            throw new CrmUnavailableException("the CRM lookup answered a body that is not JSON");
        }
    }

    /**
     * The charset the answer's {@code Content-Type} names (a Turkish CRM may answer windows-1254 or ISO-8859-9), else UTF-8,
     * which JSON over HTTP is by default.
     */
    private static Charset charset(String contentType) {
        Matcher named = CHARSET.matcher(contentType == null ? "" : contentType);
        try {
            return named.find() ? Charset.forName(named.group(1)) : StandardCharsets.UTF_8;
        } catch (IllegalArgumentException unknown) {
            return StandardCharsets.UTF_8;
        }
    }

    /** The answer's bytes, read no further than {@link #MAX_ANSWER_BYTES}: a larger one would take the connector's memory. */
    private static byte[] bounded(Object answer, TypeConverter types) {
        try (InputStream in = types.convertTo(InputStream.class, answer)) {
            byte[] body = in == null ? null : in.readNBytes(MAX_ANSWER_BYTES + 1);
            if (body != null && body.length > MAX_ANSWER_BYTES) {
                throw new CrmUnavailableException(TOO_LONG);
            }
            return body;
        } catch (IOException e) {
            throw new CrmUnavailableException("the CRM lookup's answer could not be read");
        }
    }

    private static Collection<?> contacts(Object answer) {
        if (answer instanceof Collection<?> list) {
            return list;
        }
        if (answer instanceof Map<?, ?> object) {
            // an envelope: its contacts, none when a CRM writes an empty list as null, never the envelope itself as a contact
            if (object.containsKey("contacts")) {
                Object contacts = object.get("contacts");
                if (contacts == null) {
                    return List.of();
                }
                if (contacts instanceof Collection<?> list) {
                    return list;
                }
                throw new CrmUnavailableException("the CRM lookup answered contacts that are not a list");
            }
            // an error the CRM answered with 200 is no contact card; an empty object is no contact
            if (object.containsKey("error") || object.containsKey("errors")) {
                throw new CrmUnavailableException("the CRM lookup answered an error: " + object.keySet());
            }
            return object.isEmpty() ? List.of() : List.of(object);
        }
        throw new CrmUnavailableException("the CRM lookup answered neither a contact nor a list of contacts");
    }
}
