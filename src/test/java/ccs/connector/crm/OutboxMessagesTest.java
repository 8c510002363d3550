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
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading what the outbox holds: a page comes back as the events written into it, each with its text exactly. */
class OutboxMessagesTest {

    private final Events events = new Events(new Tenants(List.of(new Tenant("demo", "http://127.0.0.1/api/", "t", ZoneId.of("Europe/Istanbul"))),
            "demo"), SimulatorSettings.GUIDE_IVR_NAMES, new Secrets(List.of()));
    private final OutboxMessages outbox = new OutboxMessages();

    @Test
    void aPageGivesBackEachEventWithItsTextIdAndTransaction() {
        CloudEvent plain = record("k-1", Map.of());
        // nested objects, arrays, escapes and transaction ids: each event comes back as it was written
        CloudEvent click2call = record("k-2", Map.of("uniqueid", "crm-42", "queue", "sales \"north\" {1}", "extra", List.of(Map.of("a", 1), "}")));
        CloudEvent last = record("k-3", Map.of("uniqueid", "7"));

        OutboxMessage read = outbox.read(EventPage.of(List.of(plain, click2call, last)).toJson());

        assertThat(read.isPage()).isTrue();
        assertThat(read.getEvents()).extracting(OutboxMessage.Event::getId).containsExactly(plain.getId(), click2call.getId(), last.getId());
        assertThat(read.getEvents()).extracting(OutboxMessage.Event::getText).containsExactly(plain.toJson(), click2call.toJson(), last.toJson());
        assertThat(read.getEvents()).extracting(OutboxMessage.Event::getTransactionId).containsExactly(null, "crm-42", "7");
    }

    @Test
    void aSingleEventIsAMessageOfOne() {
        CloudEvent event = record("k-9", Map.of("uniqueid", "crm-9"));
        OutboxMessage read = outbox.read(event.toJson());
        assertThat(read.isPage()).isFalse();
        assertThat(read.getEvents()).extracting(OutboxMessage.Event::getText).containsExactly(event.toJson());
        assertThat(read.getEvents()).extracting(OutboxMessage.Event::getTransactionId).containsExactly("crm-9");
    }

    @Test
    void whatIsNotAPageOrAnEventIsRefused() {
        for (String text : List.of("{\"events\":[]}", "{\"events\":[{\"id\":\"a\"}]}", "{\"events\":[{\"id\":\"a\",\"type\":\"t\"}]",
"{\"events\":[1]}", "{\"type\":\"t\"}", "not json")) {
            assertThatThrownBy(() -> outbox.read(text)).as(text).isInstanceOf(RefusedMessageException.class);
        }
    }

    private CloudEvent record(String callKey, Map<String, Object> more) {
        Map<String, Object> record = new java.util.HashMap<>(Map.of("callid", callKey, "calldate", "2026-11-30 10:00:00", "duration", "42"));
        record.putAll(more);
        return events.cdr("demo", record);
    }
}
