package ccs.connector.cdr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ccs.connector.event.CloudEvent;
import ccs.connector.event.EventPage;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer.Answer;
import org.junit.jupiter.api.Test;

import static ccs.connector.cdr.CdrTestRecords.deliveries;
import static ccs.connector.cdr.CdrTestRecords.eventIds;
import static ccs.connector.cdr.CdrTestRecords.wallClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A page of CDR records is one unit of work (one outbox message, one dedupe query and one batched
 * dedupe write), while each of its events is delivered, retried and dead-lettered on its own: the
 * simulator's records over real HTTP, a real local REST CRM, polls through direct:cdr-poll.
 */
class CdrPagesTest extends CdrPollingTestSupport {

    @Test
    void aRefusedRecordOfAPageIsDeadLetteredWhileTheRestIsDeliveredAndAReadAgainPublishesOnlyTheNewRecord() throws Exception {
        List<String> page = eventIds(simulator().generateCdrs(5, wallClock(Duration.ofMinutes(3)), wallClock(Duration.ofMinutes(2))));
        String refused = page.get(2);
        crm.answerWhen(r -> refused.equals(r.header("Idempotency-Key")), Answer.status(422));

        poll();
        page.stream().filter(id -> !id.equals(refused)).forEach(id -> delivered(crm, id));
        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(refused));
        await().atMost(PATIENCE).until(() -> LogCapture.text()
                .contains("A page of 5 events to the CRM (rest sink): 4 delivered, 0 delivered before, 1 dead-lettered or skipped by the sink"));

        // the overlap reads the five again: the dedupe store holds all of them, so only the new record is published
        String later = eventIds(simulator().generateCdrs(1, wallClock(Duration.ofSeconds(50)), wallClock(Duration.ofSeconds(40)))).get(0);
        poll();
        delivered(crm, later);
        await().atMost(PATIENCE).until(() -> LogCapture.text()
                .contains("A page of 1 events to the CRM (rest sink): 1 delivered, 0 delivered before, 0 dead-lettered or skipped by the sink"));
        assertThat(requestsFor(crm, refused)).as("refused once, never sent again").hasSize(1);
        List<String> accepted = new ArrayList<>(page);
        accepted.remove(refused);
        accepted.add(later);
        assertThat(deliveries(crm)).as("each accepted record delivered once").containsOnlyKeys(accepted)
                .allSatisfy((id, count) -> assertThat(count).isEqualTo(1L));
    }

    @Test
    void aPageWhoseEventsWereDeliveredInAnEarlierPageDeliversOnlyTheOthers() {
        CloudEvent first = record("page-a");
        CloudEvent second = record("page-b");
        CloudEvent third = record("page-c");
        template.sendBody("direct:crm-publish", EventPage.of(List.of(first, second)));
        delivered(crm, second.getId());

        // a page read before the first was delivered holds some of its events again
        template.sendBody("direct:crm-publish", EventPage.of(List.of(second, third)));
        delivered(crm, third.getId());
        await().atMost(PATIENCE).until(() -> LogCapture.text()
                .contains("A page of 2 events to the CRM (rest sink): 1 delivered, 1 delivered before, 0 dead-lettered or skipped by the sink"));
        assertThat(deliveries(crm)).containsExactlyInAnyOrderEntriesOf(Map.of(first.getId(), 1L, second.getId(), 1L, third.getId(), 1L));
    }

    private CloudEvent record(String callKey) {
        return events().cdr("demo", Map.of("callid", callKey, "calldate", "2026-11-30 10:00:00", "duration", "42"));
    }
}
