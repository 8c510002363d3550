package ccs.connector.crm;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.Secrets;
import ccs.connector.event.CloudEvent;
import ccs.connector.event.EventPage;
import ccs.connector.event.Events;
import ccs.connector.simulator.SimulatorSettings;
import jakarta.jms.JMSException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.jms.UncategorizedJmsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading what the outbox holds: a page comes back as the events written into it, each with its text exactly. */
class OutboxMessagesTest {

    private final Events events = new Events(new Tenants(List.of(new Tenant("demo", "http://127.0.0.1/api/", "t", ZoneId.of("Europe/Istanbul"))),
            "demo"), new Events.IvrWire(SimulatorSettings.GUIDE_IVR_NAMES, SimulatorSettings.GUIDE_IVR_END_EVENTS), Map.of(), new Secrets(List.of()));
    private final OutboxMessages outbox = new OutboxMessages();

    @Test
    void aPageGivesBackEachEventWithItsTextIdAndTransaction() {
        CloudEvent plain = record("k-1", Map.of());
        // nested objects, arrays, escapes and transaction ids: each event comes back as it was written
        CloudEvent click2call = record("k-2", Map.of("queue", "sales \"north\" {1}", "extra", List.of(Map.of("a", 1), "}")))
                .withData("transactionId", "crm-42");
        CloudEvent last = record("k-3", Map.of()).withData("transactionId", "7");

        OutboxMessage read = outbox.read(EventPage.of(List.of(plain, click2call, last)).toJson());

        assertThat(read.isPage()).isTrue();
        assertThat(read.getEvents()).extracting(OutboxMessage.Event::getId).containsExactly(plain.getId(), click2call.getId(), last.getId());
        assertThat(read.getEvents()).extracting(OutboxMessage.Event::getText).containsExactly(plain.toJson(), click2call.toJson(), last.toJson());
        assertThat(read.getEvents()).extracting(OutboxMessage.Event::getTransactionId).containsExactly(null, "crm-42", "7");
        // the delivery's log line: no empty "(transaction )" for an event that has none (an IVR notification)
        assertThat(read.getEvents()).extracting(OutboxMessage.Event::getLogName)
                .containsExactly(plain.getId(), click2call.getId() + " (transaction crm-42)", last.getId() + " (transaction 7)");
    }

    @Test
    void aSingleEventIsAMessageOfOne() {
        CloudEvent event = record("k-9", Map.of()).withData("transactionId", "crm-9");
        OutboxMessage read = outbox.read(event.toJson());
        assertThat(read.isPage()).isFalse();
        assertThat(read.getEvents()).extracting(OutboxMessage.Event::getText).containsExactly(event.toJson());
        assertThat(read.getEvents()).extracting(OutboxMessage.Event::getTransactionId).containsExactly("crm-9");
    }

    @Test
    void anOpenedEventIsNamedForTheLogsWithItsTransactionOnlyWhenItHasOne() {
        CloudEvent ivrLike = record("k-5", Map.of());
        CloudEvent dispatched = record("k-6", Map.of()).withData("transactionId", "crm-6");
        assertThat(opened(ivrLike).getVariable("eventLogName")).isEqualTo(ivrLike.getId());
        assertThat(opened(dispatched).getVariable("eventLogName")).isEqualTo(dispatched.getId() + " (transaction crm-6)");
        assertThat(opened(dispatched).getIn().getBody()).isEqualTo(dispatched.toJson());
    }

    /** The exchange of route crm-deliver-event once it opened the event. */
    private Exchange opened(CloudEvent event) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(outbox.read(event.toJson()).getEvents().get(0));
        outbox.open(exchange);
        return exchange;
    }

    @Test
    void whatIsNotAPageOrAnEventIsRefused() {
        for (String text : List.of("{\"events\":[]}", "{\"events\":[{\"id\":\"a\"}]}", "{\"events\":[{\"id\":\"a\",\"type\":\"t\"}]",
"{\"events\":[1]}", "{\"type\":\"t\"}", "not json")) {
            assertThatThrownBy(() -> outbox.read(text)).as(text).isInstanceOf(RefusedMessageException.class);
        }
    }

    @Test
    void anAttemptMadeAgainSendsWhatNoAttemptDeliveredNorDeadLettered() throws Exception {
        OutboxMessage page = outbox.read(EventPage.of(List.of(record("k-1", Map.of()), record("k-2", Map.of()), record("k-3", Map.of()))).toJson());
        List<OutboxMessage.Event> events = page.getEvents();

        // the first attempt: the first event is dead-lettered, the second sent, then the JMS sink's broker fails the third
        outbox.startAttempt(page);
        outbox.deadLettered(page, events.get(0).getId());
        outbox.noteSent(page, events.get(1).getId(), events.get(1).getDedupeKey());
        outbox.failed(page, new UncategorizedJmsException(new JMSException("connection lost")));
        assertThat(page.isTransactionBroken()).isTrue();
        assertThatThrownBy(() -> outbox.committed(page)).hasRootCauseMessage("connection lost");
        // rolled back: what it sent is not delivered
        assertThat(page.getDelivered()).isEmpty();
        assertThat(page.getRemaining()).extracting(OutboxMessage.Event::getId).containsExactly(events.get(1).getId(), events.get(2).getId());

        // the next attempt: an event whose dead letter could not be kept leaves the transaction whole
        outbox.startAttempt(page);
        outbox.noteSent(page, events.get(1).getId(), events.get(1).getDedupeKey());
        outbox.failed(page, new IllegalStateException("the database is away"));
        assertThat(page.isTransactionBroken()).isFalse();
        assertThatThrownBy(() -> outbox.committed(page)).hasMessage("the database is away");
        assertThat(page.getDelivered()).containsExactly(events.get(1).getId());
        assertThat(page.unrecorded()).containsExactly(events.get(1).getDedupeKey());
        assertThat(page.getRemaining()).extracting(OutboxMessage.Event::getId).containsExactly(events.get(2).getId());
    }

    private CloudEvent record(String callKey, Map<String, Object> more) {
        Map<String, Object> record = new java.util.HashMap<>(Map.of("callid", callKey, "calldate", "2026-11-30 10:00:00", "duration", "42"));
        record.putAll(more);
        return events.cdr("demo", record);
    }
}
