package ccs.connector.api;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Webhook bodies in the charset their {@code Content-Type} declares. The HTTP server decodes every form as UTF-8 (Vert.x
 * gives Netty's form decoder no charset), so a hangup callback posted as {@code application/x-www-form-urlencoded;
 * charset=windows-1254} (or ISO-8859-9), as a Turkish platform may post it, had each Turkish letter turned into U+FFFD
 * before any route ran. Such a form is decoded again from its bytes, in its charset, when the route reads it. A body
 * POSTed under {@code /webhooks/} that declares a charset this JVM does not know is answered 415 naming it, before the
 * token check and with nothing stored: its text cannot be read. A form that declares no charset and is not UTF-8 is read
 * again as {@link UndeclaredCharset} reads it; one in UTF-8, or a request that declares UTF-8, costs a header read and a scan.
 */
public final class DeclaredCharsets {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String WEBHOOKS = "/webhooks/";

    /** The routing context's charset name of a form to decode again once its body is read. */
    private static final String FORM_CHARSET = "ccs.formCharset";

    /** The {@link #FORM_CHARSET} of a form that declares none, read again when it is not UTF-8. */
    private static final String UNDECLARED = "";

    /** The routing context of each form request being served that may be read again, by its request. */
    private static final Map<HttpServerRequest, RoutingContext> FORMS = new ConcurrentHashMap<>();

    /** A charset name as RFC 2978 allows it, short enough to be quoted back. */
    private static final Pattern CHARSET_NAME = Pattern.compile("[A-Za-z0-9!#$%&'+^_`{}~.-]{1,40}");

    private DeclaredCharsets() {
    }

    /**
     * A route of the router at {@code order}, before the webhook routes: a body in a charset this JVM does not know is refused,
     * a form to be read again ({@link #formAgain}) is marked. The route reads it again, once the server has read its body: a
     * body read here, before the route's own body handler, failed that handler over HTTP/2 (a 500, the callback lost).
     */
    static void install(VertxPlatformHttpRouter router, int order) {
        router.route().order(order).handler(DeclaredCharsets::markForm);
    }

    /** The charset a {@code Content-Type} declares, without quotes; null when it declares none. */
    public static String declared(String contentType) {
        if (contentType == null || contentType.indexOf(';') < 0) {
            return null;
        }
        for (String parameter : contentType.substring(contentType.indexOf(';') + 1).split(";")) {
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String name = parameter.substring(eq + 1).trim();
                return name.length() > 1 && name.startsWith("\"") && name.endsWith("\"") ? name.substring(1, name.length() - 1) : name;
            }
        }
        return null;
    }

    /** Whether this JVM can read text in the charset {@code name}. */
    static boolean known(String name) {
        try {
            return Charset.isSupported(name);
        } catch (IllegalArgumentException badName) {
            return false;
        }
    }

    /** The start of a 415's detail for a body in charset {@code name}, which this JVM does not know. */
    static String unknown(String name) {
        // the name is the client's text: quoted back only when it looks like a charset's name
        return "the body declares " + (CHARSET_NAME.matcher(name).matches() ? "charset " + name : "a charset") + ", which this server does not know";
    }

    private static void markForm(RoutingContext routing) {
        String contentType = routing.request().getHeader(HttpHeaders.CONTENT_TYPE);
        String name = declared(contentType);
        // the webhooks' bodies come with POST; an IVR notification's GET has its fields in the query
        if (routing.request().method() != HttpMethod.POST || !routing.normalizedPath().startsWith(WEBHOOKS)
                || (name != null && name.equalsIgnoreCase("UTF-8"))) {
            routing.next();
            return;
        }
        Charset charset = null;
        if (name != null) {
            try {
                charset = Charset.forName(name);
            } catch (IllegalArgumentException unknown) {
                ServerProblems.answer(routing, 415, Problem.json(415, unknown(name) + ": send it in UTF-8, or a form in a charset such as "
                        + "windows-1254 or ISO-8859-9", null));
                return;
            }
        }
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(FORM) && !StandardCharsets.UTF_8.equals(charset)) {
            HttpServerRequest request = routing.request();
            routing.put(FORM_CHARSET, charset == null ? UNDECLARED : charset.name());
            FORMS.put(request, routing);
            routing.addEndHandler(done -> FORMS.remove(request));
        }
        routing.next();
    }

    /**
     * The fields of the form of {@code request} as its charset reads them (a repeated field's values as a list), in place of the
     * server's UTF-8 reading; for a form that declares none, only where that reading has a U+FFFD, as {@link UndeclaredCharset}
     * reads them. Null where the server's reading stands. A {@code %} not followed by two hex digits is an IllegalArgumentException.
     */
    public static Map<String, Object> formAgain(HttpServerRequest request) {
        RoutingContext routing = FORMS.get(request);
        if (routing == null || routing.body().buffer() == null) {
            return null;
        }
        String charsetName = routing.get(FORM_CHARSET);
        boolean undeclared = UNDECLARED.equals(charsetName);
        if (undeclared && request.formAttributes().entries().stream().noneMatch(field -> (field.getKey() + field.getValue()).indexOf('\uFFFD') >= 0)) {
            return null;
        }
        Charset charset = undeclared ? null : Charset.forName(charsetName);
        // Turkish letters may come %-escaped or as raw bytes: the text is read in the charset, then its escapes; a form that
        // declares none one byte a character, each name and value then read as a whole
        String form = routing.body().buffer().toString(undeclared ? StandardCharsets.ISO_8859_1 : charset);
        Function<String, String> decoder = undeclared ? UndeclaredCharset::decode : text -> URLDecoder.decode(text, charset);
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (!pair.isEmpty()) {
                String value = eq < 0 ? "" : decoder.apply(pair.substring(eq + 1));
                fields.merge(decoder.apply(eq < 0 ? pair : pair.substring(0, eq)), value, DeclaredCharsets::repeated);
            }
        }
        return fields;
    }

    /** For {@link Map#merge}: a name given more than once has every value, in order, as a list. */
    @SuppressWarnings("unchecked") // the values merged before, a list made here
    public static Object repeated(Object before, Object value) {
        List<Object> values = before instanceof List<?> list ? (List<Object>) list : new ArrayList<>(List.of(before));
        values.add(value);
        return values;
    }
}
