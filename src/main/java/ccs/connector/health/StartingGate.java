package ccs.connector.health;

import ccs.connector.api.Problem;
import ccs.connector.api.ServerProblems;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig.AuthenticationConfigEntry;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig.AuthenticationHandlerFactory;

/**
 * Never a 404 while starting: Camel's HTTP server listens before the routes start (the supervising
 * route controller starts them after the context, about a second later), and until then a path such
 * as {@code /webhooks/ccs/hangup} is unknown, so a callback sent in that second was answered 404, which
 * a platform may take as final. Until every route has started, this gate answers every request but
 * those under the management path (health, metrics) 503 with {@code Retry-After: 1} and a {@link Problem}.
 * <p>
 * Likewise while stopping (a SIGTERM: a rolling update, a drain): Camel suspends the routes, waits for the
 * requests in flight, then removes the routes from the router some time before the server stops listening,
 * and a callback that came in that time was answered 404. From the moment the context stops, every request
 * but those under the management path is answered 503 with {@code Retry-After} ("the connector is stopping");
 * the requests already in flight go on to their answer.
 * <p>
 * It sits in front of every route of the server: platform-http builds its handler chain for
 * authentication before the server listens, and this is the one handler chain it builds then (a route
 * added to the router afterwards would leave the first requests unguarded).
 */
public final class StartingGate implements AuthenticationHandler {

    private static final String ANSWER = Problem.json(503, "the connector is starting: send the request again in a moment", null);
    private static final String STOPPING = Problem.json(503, "the connector is stopping: send the request again in a moment", null);

    private final CamelContext camel;
    private final String managementPath;

    private StartingGate(CamelContext camel, String managementPath) {
        this.camel = camel;
        this.managementPath = managementPath;
    }

    /** Puts the gate in front of the HTTP server's routes, if {@code camel.server.enabled} made one. */
    public static void install(CamelContext camel, String managementPath) {
        MainHttpServer server = camel.hasService(MainHttpServer.class);
        if (server == null) {
            return;
        }
        StartingGate gate = new StartingGate(camel, managementPath);
        AuthenticationConfigEntry entry = new AuthenticationConfigEntry();
        entry.setPath("/*");
        entry.setAuthenticationProviderFactory(vertx -> null);
        entry.setAuthenticationHandlerFactory(new AuthenticationHandlerFactory() {
            @Override
            public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T none) {
                return gate;
            }
        });
        AuthenticationConfig chain = server.getConfiguration().getAuthenticationConfig();
        chain.getEntries().add(entry);
        chain.setEnabled(true);
    }

    /** True until the context and every route in it have started (the supervising controller's first pass included). */
    static boolean routesStarting(CamelContext camel) {
        return camel.isStarting() || camel.getRouteController().isStartingRoutes();
    }

    /** True from the moment the context is told to stop: its routes are suspended, then removed while the server still listens. */
    static boolean stopping(CamelContext camel) {
        return camel.isStopping() || camel.isStopped();
    }

    @Override
    public void handle(RoutingContext request) {
        if (request.normalizedPath().startsWith(managementPath)) {
            request.next();
        } else if (stopping(camel)) {
            refuse(request, "5", STOPPING);
        } else if (routesStarting(camel)) {
            refuse(request, "1", ANSWER);
        } else {
            request.next();
        }
    }

    private static void refuse(RoutingContext request, String retryAfter, String problem) {
        request.response().putHeader("Retry-After", retryAfter);
        ServerProblems.answer(request, 503, problem);
    }
}
