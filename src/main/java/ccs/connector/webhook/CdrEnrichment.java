package ccs.connector.webhook;

import java.util.Map;

import ccs.connector.event.CloudEvent;
import ccs.connector.event.Events;

/**
 * Attaches a call's CDR record to its hangup event as {@code data.cdr}, normalized like the data
 * of a {@code ccs.cdr} event, from the record route {@code ccs-call-cdr} found.
 */
public final class CdrEnrichment {

    private final Events events;

    public CdrEnrichment(Events events) {
        this.events = events;
    }

    /** The event with {@code data.cdr}; unchanged without a record (the platform has none yet). */
    public CloudEvent withCdr(CloudEvent event, Map<String, Object> record, String tenant) {
        return record == null ? event : event.withData("cdr", events.cdr(tenant, record).getData());
    }
}
