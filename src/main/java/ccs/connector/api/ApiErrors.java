package ccs.connector.api;

import java.time.Duration;
import java.util.Collection;

import ccs.connector.event.InvalidFieldException;
import ccs.connector.state.StateStoreException;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how route configuration {@code api-errors} answers a failed request: the status and
 * message of the {@link ApiException} behind the failure, Call Center Studio's included (Camel may
 * have wrapped it, e.g. when a bean in an expression threw it); 400 for an {@link IllegalArgumentException}
 * (the request named something this connector does not know, such as a tenant; an
 * {@link InvalidFieldException} also names the field); 503 while the connector's database is away; 500 and a log
 * entry for anything else.
 */
public final class ApiErrors {

    public static final String STATUS = "errorStatus";
    public static final String MESSAGE = "errorMessage";
    /** The request field at fault, when the failure names one (else null). */
    public static final String FIELD = "errorField";
    /** Seconds for a {@code Retry-After} header, when the failure gives some (else null). */
    public static final String RETRY_AFTER = "errorRetryAfter";
    /** The {@code WWW-Authenticate} challenge of a 401 (else null). */
    public static final String CHALLENGE = "errorChallenge";

    private static final int STATE_STORE_RETRY_AFTER_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    // one line a minute per route, status and reason: a tenant whose platform is down fails every request alike
    private final RepeatedWarnings answered;

    public ApiErrors() {
        this(Ticker.systemTicker());
    }

    public ApiErrors(Ticker ticker) {
        answered = new RepeatedWarnings(LOG, "answered alike", Duration.ofMinutes(1), ticker);
    }

    /**
     * The value of path parameter {@code name} ({@code /api/v1/calls/{activecallkey}}); a query parameter of that name too
     * would make it a list of both (the HTTP server gives both as one header), so that is a 400 naming it. So is a value
     * that no key can be, before anything is asked upstream: a control character ({@code %0A} would forge a log line), or
     * %-escapes that are no UTF-8 (the server decodes them to U+FFFD, another key than the one sent). So are {@code null} and
     * a value in quotes: the routes hand the key on to beans in method text, where Camel reads the first as no value and
     * takes the quotes off the second (read here from the exchange, it is as sent).
     */
    public Object pathParameter(Exchange exchange, String name) {
        Object value = exchange.getMessage().getHeader(name);
        if (value instanceof Collection<?>) {
            throw new InvalidFieldException(name, "is given in the path and in the query: give it in the path only");
        }
        if (value instanceof String text) {
            if (text.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidFieldException(name, "holds a control character");
            }
            if (text.indexOf('\uFFFD') >= 0) {
                throw new InvalidFieldException(name, "is not well encoded: its %-escapes are no UTF-8 text");
            }
            if (text.equals("null")) {
                throw new InvalidFieldException(name, "is \"null\", which a missing value is written as: give the " + name);
            }
            if (text.length() > 1 && (text.startsWith("'") && text.endsWith("'") || text.startsWith("\"") && text.endsWith("\""))) {
                throw new InvalidFieldException(name, "is in quotes: give the " + name + " without them");
            }
        }
        return value;
    }

    /** Throws a failure a route caught within a doTry, so that it is answered as any (a failure raised there would bypass it). */
    public void rethrow(Exception failure) throws Exception {
        throw failure;
    }

    /**
     * Sets the variables {@value #STATUS}, {@value #MESSAGE}, {@value #FIELD}, {@value #RETRY_AFTER}
     * and {@value #CHALLENGE} for the exception being handled.
     */
    public void describe(Exchange exchange) {
        if (!describeKnown(exchange) && !describeStateStoreAway(exchange)) {
            LOG.error("Route {} failed unexpectedly", exchange.getFromRouteId(), caught(exchange));
            answer(exchange, 500, "the connector failed unexpectedly; its log says why", null);
        }
    }

    /**
     * The same for the webhook intake, where any other failure means the event was not stored:
     * 503 (the vendor does not say that Call Center Studio sends it again).
     */
    public void describeIntake(Exchange exchange) {
        if (!describeKnown(exchange)) {
            Throwable caught = caught(exchange);
            LOG.warn("Route {} could not store the event, answered 503: {}", exchange.getFromRouteId(),
                    caught == null ? "unknown failure" : caught.getClass().getSimpleName() + ": " + caught.getMessage());
            setAnswer(exchange, 503, "the event could not be stored: send it again later", null);
        }
    }

    /**
     * The connector's database failed (away, full): 503 to try again later; the log, not the answer, says how it failed. A
     * statement it refused for its values is no outage: sent again, the request fails again (500, as a fault of the connector).
     */
    private boolean describeStateStoreAway(Exchange exchange) {
        for (Throwable cause = caught(exchange); cause != null; cause = cause.getCause()) {
            if (cause instanceof StateStoreException away && away.isRepeatable()) {
                answered.warn("Route " + exchange.getFromRouteId() + " answered 503: " + away.getMessage());
                setAnswer(exchange, 503, "the connector's database is away: try again later", null);
                exchange.setVariable(RETRY_AFTER, STATE_STORE_RETRY_AFTER_SECONDS);
                return true;
            }
        }
        return false;
    }

    /** The problem details body of the answer that {@link #describe} or {@link #describeIntake} chose. */
    public String problem(Exchange exchange) {
        return Problem.json(exchange.getVariable(STATUS, Integer.class), exchange.getVariable(MESSAGE, String.class),
                exchange.getVariable(FIELD, String.class));
    }

    /**
     * The message of the failure being handled, for a request that is answered otherwise than over
     * HTTP (a failed JMS or file request): that of the {@link ApiException} or {@link IllegalArgumentException}
     * behind it, without the wrapping of a bean call; else the failure's own.
     */
    public String message(Exchange exchange) {
        Throwable caught = caught(exchange);
        Throwable known = known(caught);
        return known != null ? known.getMessage() : caught == null ? null : caught.getMessage();
    }

    private boolean describeKnown(Exchange exchange) {
        Throwable known = known(caught(exchange));
        if (known instanceof ApiException failure) {
            answer(exchange, failure.httpStatus(), failure.getMessage(), failure.field());
            exchange.setVariable(RETRY_AFTER, failure.retryAfterSeconds() > 0 ? failure.retryAfterSeconds() : null);
            exchange.setVariable(CHALLENGE, failure.challenge());
        } else if (known instanceof MismatchedInputException) {
            // JSON of another shape (an array, a text): Jackson's message would name its own classes
            answer(exchange, 400, "the body is not the JSON object this path takes", null);
        } else if (known instanceof JacksonException unreadable) {
            // a field given twice is named in field too, as every other field at fault is
            answer(exchange, 400, "the body is not the JSON object this path takes: " + unreadable.getOriginalMessage(),
                    JsonBodies.duplicateField(unreadable));
        } else if (known != null) {
            answer(exchange, 400, known.getMessage(), known instanceof InvalidFieldException invalid ? invalid.getField() : null);
        }
        return known != null;
    }

    /**
     * The first ApiException, IllegalArgumentException or JSON error (an unreadable request body)
     * in the chain of causes, or null.
     */
    private static Throwable known(Throwable caught) {
        for (Throwable cause = caught; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException || cause instanceof IllegalArgumentException || cause instanceof JacksonException) {
                return cause;
            }
        }
        return null;
    }

    private static Throwable caught(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    private void answer(Exchange exchange, int status, String message, String field) {
        if (status >= 502) {
            answered.warn("Route " + exchange.getFromRouteId() + " answered " + status + ": " + message);
        }
        setAnswer(exchange, status, message, field);
    }

    private static void setAnswer(Exchange exchange, int status, String message, String field) {
        exchange.setVariable(STATUS, status);
        exchange.setVariable(MESSAGE, message);
        exchange.setVariable(FIELD, field);
        exchange.setVariable(RETRY_AFTER, null);
        exchange.setVariable(CHALLENGE, null);
    }
}
