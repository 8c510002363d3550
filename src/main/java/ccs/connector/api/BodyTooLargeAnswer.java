package ccs.connector.api;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Makes the HTTP server answer a body over {@code camel.server.maxBodySize} like every other
 * error of the connector, JSON {@code {"error": "..."}} with status 413, instead of Vert.x's plain
 * text. The server refuses such a body before any route runs, so no route can answer it.
 */
public final class BodyTooLargeAnswer implements StartupListener {

    private final String body;
    private final Set<VertxPlatformHttpRouter> answered = Collections.newSetFromMap(new IdentityHashMap<>());

    public BodyTooLargeAnswer(long maxBodySize) {
        try {
            body = new ObjectMapper().writeValueAsString(Map.of("error",
                    "the body is larger than " + maxBodySize + " bytes (camel.server.maxBodySize)"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Called again when routes start later (supervised startup): each router gets the handler once. */
    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        for (VertxPlatformHttpRouter router : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            if (answered.add(router)) {
                router.route().failureHandler(routing -> {
                    if (routing.statusCode() == 413) {
                        routing.response().setStatusCode(413).putHeader("Content-Type", "application/json").end(body);
                    } else {
                        routing.next();
                    }
                });
            }
        }
    }
}
