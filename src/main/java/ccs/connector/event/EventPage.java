package ccs.connector.event;

import java.util.List;

/**
 * Several events that go into the outbox as one message, e.g. the events of one page of CDR
 * records: the broker journals one message instead of one per event. All of them share one message
 * group ({@link CloudEvent#getGroup()}), so a page never races a page or an event holding the same
 * ids past the dedupe. Its JSON is {@code {"events": [<event>, ...]}}, each event as
 * {@link CloudEvent#toJson()} writes it; {@code ccs.connector.crm.OutboxMessages} reads it back.
 * Like an event, it answers {@link #getGroup()}, {@link #isBulk()} and {@link #toJson()}, so route
 * {@code crm-publish} takes either.
 */
public final class EventPage {

    private final List<CloudEvent> events;
    private final String group;

    private EventPage(List<CloudEvent> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a page of events holds at least one");
        }
        this.group = events.get(0).getGroup();
        for (CloudEvent event : events) {
            if (!group.equals(event.getGroup())) {
                throw new IllegalArgumentException("the events of a page share one message group: " + event + " is not in " + group);
            }
        }
        this.events = List.copyOf(events);
    }

    public static EventPage of(List<CloudEvent> events) {
        return new EventPage(events);
    }

    public String getGroup() {
        return group;
    }

    /** A page goes to the outbox's bulk queue, as its events would alone ({@link CloudEvent#isBulk()}). */
    public boolean isBulk() {
        return events.get(0).isBulk();
    }

    public int getSize() {
        return events.size();
    }

    public String toJson() {
        StringBuilder json = new StringBuilder(events.size() * 1024).append("{\"events\":[");
        for (int i = 0; i < events.size(); i++) {
            json.append(i == 0 ? "" : ",").append(events.get(i).toJson());
        }
        return json.append("]}").toString();
    }

    @Override
    public String toString() {
        return "EventPage[" + events.size() + " events, group " + group + "]";
    }
}
