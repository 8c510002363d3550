package ccs.connector.crm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ccs.connector.event.Events;
import jakarta.jms.JMSException;
import jakarta.jms.Session;

/**
 * What route {@code crm-delivery} does with one outbox message: its events (one, or a page of them,
 * see {@link ccs.connector.event.EventPage}), those it skips because the dedupe store holds them
 * ({@link DeliveredEvents#undelivered}), and those it delivered, whose ids are recorded in one batch once the
 * message is done ({@link DeliveredEvents#record}). An event counts as delivered once the attempt that sent it
 * committed (the JMS sink sends a message's events in one transaction). A retry of the message's delivery
 * ({@link #getRemaining()}) goes on with the events not delivered yet instead of starting over.
 */
public final class OutboxMessage {

    /**
     * One event as delivery needs it: its id, its type, its key in the dedupe store, the CRM's transaction id when it
     * has one, its JSON text for the sinks.
     */
    public static final class Event {

        private final String id;
        private final String type;
        private final String dedupeKey;
        private final String transactionId;
        private final String text;

        Event(String id, String type, String dedupeKey, String transactionId, String text) {
            this.id = id;
            // a label of the delivery counters: a type the connector does not build (a foreign message) is "other",
            // so that no message on the outbox makes a series of its own
            this.type = Events.types().contains(type) ? type : "other";
            this.dedupeKey = dedupeKey;
            this.transactionId = transactionId;
            this.text = text;
        }

        public String getId() {
            return id;
        }

        /** Its CloudEvents type, one of {@link Events#types()}, or {@code other}. */
        public String getType() {
            return type;
        }

        public String getDedupeKey() {
            return dedupeKey;
        }

        public String getTransactionId() {
            return transactionId;
        }

        public String getText() {
            return text;
        }

        /** How a log line names it: its id, and the CRM's transaction id when it has one. */
        public String getLogName() {
            return transactionId == null ? id : id + " (transaction " + transactionId + ")";
        }

        @Override
        public String toString() {
            return "Event[" + id + "]";
        }
    }

    private final List<Event> events;
    private final boolean page;
    private final Map<String, String> sent = new LinkedHashMap<>();
    private final Set<String> delivered = new LinkedHashSet<>();
    private final Set<String> deadLettered = new HashSet<>();
    private final List<String> unrecorded = new ArrayList<>();
    private List<Event> undelivered;
    private Throwable failure;
    private boolean transactionBroken;
    private int deliveredByAttempt;
    private Session consumerSession;
    private boolean redelivered;

    OutboxMessage(List<Event> events, boolean page) {
        this.events = List.copyOf(events);
        this.page = page;
        this.undelivered = this.events;
    }

    /** The type of its events, which the delivery counters are labelled with: a page holds CDR records only. */
    public String getType() {
        return events.get(0).getType();
    }

    /** True for a page of events, false for a message of one event. */
    public boolean isPage() {
        return page;
    }

    public List<Event> getEvents() {
        return events;
    }

    /** The events' ids by their keys in the dedupe store. */
    Map<String, String> idsByKey() {
        Map<String, String> ids = new LinkedHashMap<>();
        events.forEach(event -> ids.put(event.getDedupeKey(), event.getId()));
        return ids;
    }

    /** Leaves out the events whose keys the dedupe store holds. */
    OutboxMessage skip(Set<String> recordedKeys) {
        undelivered = events.stream().filter(event -> !recordedKeys.contains(event.getDedupeKey())).toList();
        return this;
    }

    /** The events to deliver: those the dedupe store did not hold, less those delivered or dead-lettered since. */
    public List<Event> getRemaining() {
        List<Event> remaining = new ArrayList<>(undelivered.size());
        for (Event event : undelivered) {
            if (!delivered.contains(event.getId()) && !deadLettered.contains(event.getId())) {
                remaining.add(event);
            }
        }
        return remaining;
    }

    /** Forgets the events sent by an attempt that did not commit: the next attempt sends them again. */
    void startAttempt() {
        sent.clear();
        failure = null;
        transactionBroken = false;
        deliveredByAttempt = 0;
    }

    /**
     * Notes why the attempt failed: then it fails once its transaction is done ({@link #committed()}). A failure of the
     * JMS sink's broker (a {@link JMSException} among the causes) breaks the transaction: its session may be gone with
     * its connection, so the attempt rolls back. Any other (an event whose dead letter could not be kept) leaves it
     * whole: the attempt commits what it sent.
     * A Throwable, not an Exception: Camel caches the bean info of a class with a method taking an Exception (a
     * parameter it binds itself) per instance, which would keep every message's events in memory.
     */
    void failed(Throwable cause) {
        failure = cause;
        for (Throwable c = cause; c != null && !transactionBroken; c = c.getCause()) {
            transactionBroken = c instanceof JMSException;
        }
    }

    /**
     * The session of the consumer that took this message from the outbox, which acknowledges it once it is delivered,
     * and whether the broker delivered it before.
     */
    void heldIn(Session session, boolean redelivered) {
        consumerSession = session;
        this.redelivered = redelivered;
    }

    /** True when the outbox's broker delivered this message before: a consumer gave it back, or its replica died. */
    public boolean isRedelivered() {
        return redelivered;
    }

    /**
     * True once the consumer's session is closed, its connection to the outbox's broker lost (the broker gone, or this
     * replica frozen longer than the connection TTL): the broker has the message unacknowledged and hands it whole to
     * a consumer again, so its events not sent yet are left to that delivery instead of being sent by both.
     */
    public boolean isTakenBack() {
        if (consumerSession == null) {
            return false;
        }
        try {
            consumerSession.getTransacted();
            return false;
        } catch (JMSException closed) {
            return true;
        }
    }

    /** True once a failure of the JMS sink's broker broke this attempt's transaction: the attempt rolls back. */
    public boolean isTransactionBroken() {
        return transactionBroken;
    }

    /** Notes that the event with this id went to the dead letters: an attempt made again leaves it out. */
    void deadLettered(String id) {
        deadLettered.add(id);
    }

    /** Notes that the event with this id and dedupe key went to the sink in this attempt. */
    void noteSent(String id, String dedupeKey) {
        sent.put(id, dedupeKey);
    }

    /**
     * The attempt's transaction is done: unless it rolled back, the events the attempt sent are delivered, to be
     * recorded ({@link DeliveredEvents#record}). Throws what failed the attempt, if something did.
     */
    void committed() throws Exception {
        if (!transactionBroken) {
            delivered.addAll(sent.keySet());
            unrecorded.addAll(sent.values());
            deliveredByAttempt = sent.size();
        }
        sent.clear();
        if (failure != null) {
            throw failure instanceof Exception exception ? exception : new IllegalStateException(failure);
        }
    }

    /** The events the last attempt delivered: none until its transaction committed. */
    public int getDeliveredByAttempt() {
        return deliveredByAttempt;
    }

    /** The dedupe keys of the events delivered and not recorded in the dedupe store yet. */
    List<String> unrecorded() {
        return List.copyOf(unrecorded);
    }

    /** Notes that these keys are in the dedupe store: only then, so that a record that failed is tried again with them. */
    void noteRecorded(List<String> keys) {
        unrecorded.removeAll(keys);
    }

    /** The ids delivered so far. */
    public Set<String> getDelivered() {
        return delivered;
    }

    /** Events the dedupe store held already: delivered or dead-lettered before. */
    public int getSkipped() {
        return events.size() - undelivered.size();
    }

    /** Events neither delivered by this message nor delivered before: dead-lettered, or skipped by a sink route that sends not every event. */
    public int getNotDelivered() {
        return undelivered.size() - delivered.size();
    }

    public int getSize() {
        return events.size();
    }

    @Override
    public String toString() {
        return "OutboxMessage[" + events.size() + (page ? " events (page)]" : " event]");
    }
}
