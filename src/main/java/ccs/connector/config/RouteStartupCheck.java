package ccs.connector.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.RouteController;
import org.apache.camel.spi.SupervisingRouteController;

/**
 * A route that cannot start ends the process: the supervising route controller starts routes in
 * the background and would otherwise retry a broken one forever, leaving a process that is live
 * but never ready and gives no reason. Once every route was tried, the first that did not start
 * is named in one line.
 */
public final class RouteStartupCheck {

    private RouteStartupCheck() {
    }

    /** Waits (in the calling thread) until every route was tried; the route that did not start, if any, and why. */
    public static Optional<String> awaitStartedRoutes(CamelContext camel) throws InterruptedException {
        RouteController controller = camel.getRouteController();
        while (controller.isStartingRoutes() && camel.isStarted()) {
            Thread.sleep(100);
        }
        if (!(controller instanceof SupervisingRouteController supervising)) {
            return Optional.empty();
        }
        List<Route> failed = new ArrayList<>(supervising.getExhaustedRoutes());
        failed.addAll(supervising.getRestartingRoutes());
        return failed.stream().findFirst().map(route -> "route " + route.getRouteId() + " (from " + route.getEndpoint().getEndpointBaseUri()
                + ") did not start: " + rootMessage(failure(supervising, route)));
    }

    private static Throwable failure(SupervisingRouteController controller, Route route) {
        Throwable restart = controller.getRestartException(route.getRouteId());
        if (restart != null) {
            return restart;
        }
        return route.getLastError() != null ? route.getLastError().getException() : null;
    }

    /** The innermost message of a failure: the one that says what is wrong, without the wrapping. */
    public static String rootMessage(Throwable failure) {
        if (failure == null) {
            return "no reason given";
        }
        Throwable root = rootCause(failure);
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    /** The innermost cause of a failure (the failure itself when it has none). */
    public static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
