package ccs.connector.webhook;

import java.util.List;
import java.util.Map;

import ccs.connector.ccs.UpstreamException;
import ccs.connector.event.CloudEvent;
import ccs.connector.event.Events;

/**
 * Attaches a call's CDR record to its hangup event as {@code data.cdr}, normalized like the data
 * of a {@code ccs.cdr} event, from the answer of {@code reportsCDRLogs&activecallkey=<call key>}.
 */
public final class CdrEnrichment {

    private final Events events;

    public CdrEnrichment(Events events) {
        this.events = events;
    }

    /**
     * The event with {@code data.cdr}; unchanged when the platform has no record of the call (yet).
     * A failure envelope (a refused app token, say) throws, naming the platform's message.
     */
    public CloudEvent withCdr(CloudEvent event, Map<String, Object> answer, String tenant) {
        if (Boolean.FALSE.equals(answer.get("success"))) {
            throw UpstreamException.refused(tenant, "refused the CDR lookup: " + answer.get("message"));
        }
        if (answer.get("CallList") instanceof List<?> records && !records.isEmpty() && records.get(0) instanceof Map<?, ?> record) {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) record;
            return event.withData("cdr", events.cdr(tenant, fields).getData());
        }
        return event;
    }
}
