package ccs.connector.api;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how route configuration {@code api-errors} answers a failed request: the status and
 * message of the {@link ApiException} behind the failure, Call Center Studio's included (Camel may
 * have wrapped it, e.g. when a bean in an expression threw it); 400 for an {@link IllegalArgumentException}
 * (the request named something this connector does not know, such as a tenant); 500 and a log
 * entry for anything else.
 */
public final class ApiErrors {

    public static final String STATUS = "errorStatus";
    public static final String MESSAGE = "errorMessage";

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    /** Sets the variables {@value #STATUS} and {@value #MESSAGE} for the exception being handled. */
    public void describe(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        for (Throwable cause = caught; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException failure) {
                answer(exchange, failure.httpStatus(), failure.getMessage());
                return;
            }
            if (cause instanceof IllegalArgumentException failure) {
                answer(exchange, 400, failure.getMessage());
                return;
            }
        }
        LOG.error("Route {} failed unexpectedly", exchange.getFromRouteId(), caught);
        answer(exchange, 500, "the connector failed unexpectedly; its log says why");
    }

    private static void answer(Exchange exchange, int status, String message) {
        if (status >= 502) {
            LOG.warn("Route {} answered {}: {}", exchange.getFromRouteId(), status, message);
        }
        exchange.setVariable(STATUS, status);
        exchange.setVariable(MESSAGE, message);
    }
}
