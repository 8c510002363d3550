package ccs.connector.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ccs.connector.event.InvalidFieldException;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * Every query parameter of {@code /api/*} is given once: platform-http makes a header of each, a parameter given twice
 * a list (and two letter cases of one name one header, as headers ignore case), which a route would read as one odd
 * value and answer for it ("agentEmail is not an e-mail address" of two good ones). Such a request is a 400 naming the
 * parameter, before its route runs.
 */
public final class QueryParameters {

    /** Throws 400 naming the first parameter that the request's query (as platform-http gives it, undecoded) gives more than once. */
    public void once(@Header(Exchange.HTTP_QUERY) String query) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (String name : names(query)) {
            String key = name.toLowerCase(Locale.ROOT);
            names.putIfAbsent(key, name);
            counts.merge(key, 1, Integer::sum);
        }
        counts.forEach((key, count) -> {
            if (count > 1) {
                throw new InvalidFieldException(names.get(key), "is given " + count + " times in the query: give it once");
            }
        });
    }

    /**
     * Throws 400 naming a parameter of the query other than {@code known} (their names, comma-separated), for a request that
     * acts on more than it asks for without them: {@code POST /api/v1/dead-letters/replay?tenants=acme} replayed every tenant.
     */
    public void only(@Header(Exchange.HTTP_QUERY) String query, String known) {
        List<String> taken = known.isEmpty() ? List.of() : List.of(known.split(","));
        for (String name : names(query)) {
            // in any letter case, as the route reads its header
            if (taken.stream().noneMatch(name::equalsIgnoreCase)) {
                throw new InvalidFieldException(name, "is no query parameter of this request: it takes "
                        + (taken.isEmpty() ? "none (the body names the tenant)" : String.join(", ", taken)));
            }
        }
    }

    /** The decoded names of the query's parameters, in order, repeats included. */
    private static List<String> names(String query) {
        List<String> names = new ArrayList<>();
        if (query == null || query.isEmpty()) {
            return names;
        }
        // the HTTP server splits a query at ';' as at '&'
        for (String parameter : query.split("[&;]")) {
            if (!parameter.isEmpty()) {
                names.add(URLDecoder.decode(parameter.split("=", 2)[0], StandardCharsets.UTF_8).trim());
            }
        }
        return names;
    }
}
