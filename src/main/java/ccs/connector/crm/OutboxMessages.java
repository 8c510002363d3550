package ccs.connector.crm;

import ccs.connector.event.CloudEvent;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;

/**
 * Reads a message of the outbox as the connector wrote it: a text message holding one event's
 * JSON. Anything else (an {@link ObjectMessage} above all, which is never opened, so nothing is
 * deserialized) is refused with {@link RefusedMessageException}: once the outbox lives on a shared
 * broker, others can put messages on it.
 */
public final class OutboxMessages {

    private final ObjectMapper json = new ObjectMapper();

    /** The event of a message; its JSON text is left in the message for the sinks. */
    public CloudEvent event(Object message) throws JMSException {
        if (!(message instanceof TextMessage text)) {
            throw new RefusedMessageException("a " + kind(message) + " is not an event: the outbox takes only the connector's events as JSON text");
        }
        try {
            return CloudEvent.parse(json.readTree(text.getText()));
        } catch (JacksonException | RuntimeException e) {
            throw new RefusedMessageException("a text message that is not an event (" + e.getClass().getSimpleName()
                    + "): the outbox takes only the connector's events as JSON text");
        }
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
