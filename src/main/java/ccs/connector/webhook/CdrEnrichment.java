package ccs.connector.webhook;

import java.util.Map;

import ccs.connector.api.ApiErrors;
import ccs.connector.click2call.CallCorrelations;
import ccs.connector.event.CloudEvent;
import ccs.connector.event.Events;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeTimedOutException;

/**
 * Attaches a call's CDR record to its hangup event as {@code data.cdr}, normalized like the data
 * of a {@code ccs.cdr} event, from the record route {@code ccs-call-cdr} found; and names why a
 * record could not be attached (route {@code webhook-hangup-cdr}).
 */
public final class CdrEnrichment {

    private final Events events;
    private final ApiErrors apiErrors = new ApiErrors();
    private final String timeout;

    /** {@code timeout}: connector.webhook.enrich-timeout as written in the settings, for the log line. */
    public CdrEnrichment(Events events, String timeout) {
        this.events = events;
        this.timeout = timeout;
    }

    /** The attempt number a queued retry carries (JMS property CcsCdrAttempt); 0 without one, or for one that is not a number. */
    public int attempt(Object property) {
        try {
            return property == null ? 0 : Math.max(0, Integer.parseInt(property.toString()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The event with {@code data.cdr}; unchanged without a record (the platform has none yet). {@code data.cdr} carries
     * the transaction id and reference the call's {@code ccs.cdr} event does, from the correlation the hangup event
     * passed already ({@link CallCorrelations#correlatedAs}), with no query of the state store.
     */
    public CloudEvent withCdr(CloudEvent event, Map<String, Object> record, String tenant) {
        return record == null ? event : event.withData("cdr", CallCorrelations.correlatedAs(events.cdr(tenant, record), event).getData());
    }

    /** Why the lookup that failed on this exchange found no record, in words for the log line. */
    public String failure(Exchange exchange) {
        for (Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class); cause != null; cause = cause.getCause()) {
            if (cause instanceof CallNotPermittedException open) {
                return "Call Center Studio of tenant " + open.getCausingCircuitBreakerName()
                        + " failed most recent lookups, not asked for a while (circuit breaker open)";
            }
            if (cause instanceof ExchangeTimedOutException) {
                return "no answer within " + timeout + " (connector.webhook.enrich-timeout)";
            }
        }
        return apiErrors.message(exchange);
    }
}
