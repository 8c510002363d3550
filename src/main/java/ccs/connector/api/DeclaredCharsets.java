package ccs.connector.api;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Webhook bodies in the charset their {@code Content-Type} declares. The HTTP server decodes every form as UTF-8 (Vert.x
 * gives Netty's form decoder no charset), so a hangup callback posted as {@code application/x-www-form-urlencoded;
 * charset=windows-1254} (or ISO-8859-9), as a Turkish platform may post it, had each Turkish letter turned into U+FFFD
 * before any route ran. Such a form is decoded again from its bytes, in its charset, before the route reads it. A body
 * POSTed under {@code /webhooks/} that declares a charset this JVM does not know is answered 415 naming it, before the
 * token check and with nothing stored: its text cannot be read. A request that declares no charset, or UTF-8, costs a
 * header read.
 */
public final class DeclaredCharsets {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String WEBHOOKS = "/webhooks/";

    /** The routing context's charset of a form to decode again once its body is read. */
    private static final String FORM_CHARSET = "ccs.formCharset";

    /** A charset name as RFC 2978 allows it, short enough to be quoted back. */
    private static final Pattern CHARSET_NAME = Pattern.compile("[A-Za-z0-9!#$%&'+^_`{}~.-]{1,40}");

    private DeclaredCharsets() {
    }

    /** A route of the router at {@code order}, before the webhook routes: the form's body is read, then decoded again. */
    static void install(VertxPlatformHttpRouter router, int order) {
        Handler<RoutingContext> bodies = router.bodyHandler();
        router.route().order(order).handler(routing -> readInDeclaredCharset(bodies, routing)).handler(DeclaredCharsets::decodeFormAgain);
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

    private static void readInDeclaredCharset(Handler<RoutingContext> bodies, RoutingContext routing) {
        String contentType = routing.request().getHeader(HttpHeaders.CONTENT_TYPE);
        String name = declared(contentType);
        // the webhooks' bodies come with POST; an IVR notification's GET has its fields in the query
        if (name == null || name.equalsIgnoreCase("UTF-8") || routing.request().method() != HttpMethod.POST
                || !routing.normalizedPath().startsWith(WEBHOOKS)) {
            routing.next();
            return;
        }
        Charset charset;
        try {
            charset = Charset.forName(name);
        } catch (IllegalArgumentException unknown) {
            ServerProblems.answer(routing, 415, Problem.json(415, unknown(name) + ": send it in UTF-8, or a form in a charset such as "
                    + "windows-1254 or ISO-8859-9", null));
            return;
        }
        if (charset.equals(StandardCharsets.UTF_8) || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            routing.next();
            return;
        }
        routing.put(FORM_CHARSET, charset);
        // reads the body, as the route's own body handler would (which then finds it read), then decodeFormAgain
        bodies.handle(routing);
    }

    /** The form's fields as its charset reads them, in place of the server's UTF-8 reading, which the routes are given. */
    private static void decodeFormAgain(RoutingContext routing) {
        Charset charset = routing.get(FORM_CHARSET);
        if (charset != null) {
            MultiMap fields = routing.request().formAttributes();
            fields.clear();
            // Turkish letters may come %-escaped or as raw bytes: the text is read in the charset, then its escapes
            String form = routing.body().buffer() == null ? "" : routing.body().buffer().toString(charset);
            try {
                for (String pair : form.split("&")) {
                    int eq = pair.indexOf('=');
                    if (!pair.isEmpty()) {
                        fields.add(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), charset),
                                eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), charset));
                    }
                }
            } catch (IllegalArgumentException undecodable) {
                // Netty's decoder refused such a form already (400, ServerProblems); URLDecoder's rules are its own
                ServerProblems.answer(routing, 400, ServerProblems.UNDECODABLE);
                return;
            }
        }
        routing.next();
    }
}
