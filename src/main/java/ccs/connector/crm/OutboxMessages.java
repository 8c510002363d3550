package ccs.connector.crm;

import java.util.ArrayList;
import java.util.List;

import ccs.connector.event.CloudEvent;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.support.DefaultMessage;

/**
 * Reads a message of the outbox as the connector wrote it: a text message holding one event's
 * JSON, or a page of events ({@code {"events": [...]}}, {@link ccs.connector.event.EventPage}).
 * Anything else (an {@link ObjectMessage} above all, which is never opened, so nothing is
 * deserialized) is refused with {@link RefusedMessageException}: once the outbox lives on a shared
 * broker, others can put messages on it.
 */
public final class OutboxMessages {

    private final ObjectMapper json = new ObjectMapper();

    /**
     * The events of the exchange's outbox message, for route {@code crm-delivery}. The exchange then
     * carries a plain message instead of the JMS message: each event of a page is delivered on a copy
     * of the exchange (and copied again for its retries), and a copy of a JMS message is a new JMS
     * message wrapper that asks the JMS client for its redelivery flag again. The JMS message itself
     * stays with the consumer, which acknowledges it.
     */
    public OutboxMessage read(Exchange exchange) throws JMSException {
        // read before the swap: a read that failed (the JMS client) leaves the JMS message for a retry
        OutboxMessage read = read(exchange.getIn().getBody());
        if (exchange.getIn() instanceof JmsMessage consumed) {
            read.heldIn(consumed.getJmsSession(), consumed.getJmsMessage().getJMSRedelivered());
        }
        exchange.setIn(new DefaultMessage(exchange));
        return read;
    }

    /**
     * Opens the event of a message for route {@code crm-deliver-event}: the body becomes its JSON text, and
     * variables {@code eventId}, {@code eventType}, {@code dedupeKey} (its key in the dedupe store), {@code eventLogName} (its
     * {@link OutboxMessage.Event#getLogName() name in log lines}) and {@code eventJson} (the text as it came, for the
     * dead letters) hold what the sinks, the logs and the dedupe store read. One call per event, where three OGNL
     * lookups created a bean expression each.
     */
    public void open(Exchange exchange) {
        OutboxMessage.Event event = exchange.getIn().getBody(OutboxMessage.Event.class);
        exchange.setVariable("eventId", event.getId());
        exchange.setVariable("eventType", event.getType());
        exchange.setVariable("dedupeKey", event.getDedupeKey());
        exchange.setVariable("eventLogName", event.getLogName());
        exchange.setVariable("eventJson", event.getText());
        exchange.getIn().setBody(event.getText());
    }

    /** Starts an attempt at the message's events: sends of an attempt that did not commit count for nothing. */
    public void startAttempt(OutboxMessage message) {
        message.startAttempt();
    }

    /** Notes that the message's event (its id and dedupe key) went to the sink, delivered once the attempt commits. */
    public void noteSent(OutboxMessage message, String id, String dedupeKey) {
        message.noteSent(id, dedupeKey);
    }

    /**
     * Notes what failed the attempt: an event whose dead letter could not be kept (the attempt still commits what it
     * sent), or a send the JMS sink's broker failed (the attempt rolls back).
     */
    public void failed(OutboxMessage message, Exception cause) {
        message.failed(cause);
    }

    /** Notes that the message's event with this id is a dead letter: an attempt made again does not send it. */
    public void deadLettered(OutboxMessage message, String id) {
        message.deadLettered(id);
    }

    /**
     * The attempt's transaction is done: unless it rolled back, its events sent are delivered, to be recorded in one
     * batch when the message is done. Then fails as the attempt did, if it did.
     */
    public void committed(OutboxMessage message) throws Exception {
        message.committed();
    }

    OutboxMessage read(Object message) throws JMSException {
        return read(text(message));
    }

    OutboxMessage read(String text) {
        try {
            JsonNode read = json.readTree(text);
            if (read != null && read.has("events")) {
                JsonNode page = read.get("events");
                if (!page.isArray() || page.isEmpty()) {
                    throw new IllegalArgumentException("a page without events");
                }
                List<OutboxMessage.Event> events = new ArrayList<>(page.size());
                for (JsonNode event : page) {
                    events.add(event(event, event.toString()));
                }
                return new OutboxMessage(events, true);
            }
            return new OutboxMessage(List.of(event(read, text)), false);
        } catch (JacksonException | RuntimeException e) {
            throw notAnEvent(e);
        }
    }

    /**
     * The one event of the exchange's message (a queue that holds single events only, as the hangups awaiting
     * their CDR). As {@link #read(Exchange)}, the exchange then carries a plain message: the stage's lookup
     * queue copies the exchange, and a copy of a JMS message asks the JMS client again.
     */
    public CloudEvent readEvent(Exchange exchange) throws JMSException {
        CloudEvent event = event(exchange.getIn().getBody());
        exchange.setIn(new DefaultMessage(exchange));
        return event;
    }

    CloudEvent event(Object message) throws JMSException {
        String text = text(message);
        try {
            return CloudEvent.parse(json.readTree(text));
        } catch (JacksonException | RuntimeException e) {
            throw notAnEvent(e);
        }
    }

    private static String text(Object message) throws JMSException {
        if (!(message instanceof TextMessage text)) {
            throw new RefusedMessageException("a " + kind(message) + " is not an event: the outbox takes only the connector's events as JSON text");
        }
        return text.getText();
    }

    private static RefusedMessageException notAnEvent(Exception e) {
        return new RefusedMessageException("a text message that is not an event (" + e.getClass().getSimpleName()
                + "): the outbox takes only the connector's events as JSON text");
    }

    /** Reads only what delivery needs: the sinks take the text as it is (a whole {@link CloudEvent} per event cost a conversion of its data). */
    private static OutboxMessage.Event event(JsonNode event, String text) {
        CloudEvent.requireIdAndType(event);
        JsonNode transactionId = event.path("data").path("transactionId");
        return new OutboxMessage.Event(event.get("id").asText(), event.get("type").asText(), CloudEvent.dedupeKey(event), transactionId.isValueNode() && !transactionId.isNull() ? transactionId.asText() : null, text);
    }

    private static String kind(Object message) {
        if (message instanceof ObjectMessage) {
            return "JMS ObjectMessage";
        }
        if (message instanceof BytesMessage) {
            return "JMS BytesMessage";
        }
        if (message instanceof MapMessage) {
            return "JMS MapMessage";
        }
        if (message instanceof StreamMessage) {
            return "JMS StreamMessage";
        }
        return message instanceof Message ? "JMS message without a body" : "body of type " + (message == null ? "null" : message.getClass().getSimpleName());
    }
}
