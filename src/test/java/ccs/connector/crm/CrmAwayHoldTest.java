package ccs.connector.crm;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import ccs.connector.support.RecordingHttpServer.Received;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A CRM that is away longer than the retry budget (its maintenance, an outage): its events wait for it, none goes to the
 * dead letters, each is delivered once it is back; an event the CRM fails while it takes others spends its budget and
 * goes to the dead letters, as before; and none waits longer than crm.retry.while-away.
 */
class CrmAwayHoldTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final int MAX_RETRIES = 2;
    private static final Duration WHILE_AWAY = Duration.ofSeconds(20);
    private RecordingHttpServer crm;

    @Override
    protected void settings(Properties settings) {
        crm = restCrm(settings);
        crmRetries(settings, MAX_RETRIES, "300ms");
        settings.setProperty("crm.retry.while-away", WHILE_AWAY.toSeconds() + "s");
    }

    @BeforeEach
    void resetCrm() {
        crm.reset();
    }

    @Test
    void aCrmAwayLongerThanTheRetryBudgetGetsEveryEventOnceItIsBackAndNoneIsDeadLettered() throws Exception {
        LogCapture.install();
        crm.answerWhen(r -> true, Answer.status(503));
        // calls in three message groups of the outbox, each held by a consumer of its own
        List<CloudEvent> sent = Stream.of("away-a", "away-b", "away-c").map(this::hangupEvent).toList();
        sent.forEach(this::publish);

        // each tried well past its budget of 1 + crm.retry.max-retries requests
        for (CloudEvent event : sent) {
            await().atMost(PATIENCE).until(() -> requestsFor(crm, event.getId()).size() >= 3 * (1 + MAX_RETRIES));
        }
        assertThat(deadLetters()).doesNotContainKeys(ids(sent));
        assertThat(LogCapture.text()).contains("Event demo:ccs.call.hangup:away-a (transaction crm-away-a) not delivered to the CRM"
                + " (rest sink), held and tried again (retry 4, past its budget of 2): the CRM has taken no event since its budget began");

        crm.clearRules();
        for (CloudEvent event : sent) {
            await().atMost(PATIENCE).until(() -> requestsFor(crm, event.getId()).stream().anyMatch(Received::answeredOk));
        }
        Thread.sleep(500);
        for (CloudEvent event : sent) {
            assertThat(requestsFor(crm, event.getId()).stream().filter(Received::answeredOk)).hasSize(1);
        }
        assertThat(deadLetters()).doesNotContainKeys(ids(sent));
    }

    @Test
    void aHeldEventGetsItsBudgetAnewOnceTheCrmIsBackSoAFailureOnItsReturnSendsItNotToTheDeadLetters() throws Exception {
        // calls in two message groups of the outbox, so each is held by a consumer of its own
        CloudEvent first = hangupEvent("back-a");
        CloudEvent second = hangupEvent("back-b");
        assertThat(first.getGroup()).isNotEqualTo(second.getGroup());
        crm.answerWhen(r -> true, Answer.status(503));
        publish(first);
        publish(second);
        for (CloudEvent event : List.of(first, second)) {
            await().atMost(PATIENCE).until(() -> requestsFor(crm, event.getId()).size() >= 2 * (1 + MAX_RETRIES));
        }

        // back: it takes the first, and fails the second once more a moment after that (warming up, or the backlog's rush)
        AtomicBoolean failedOnItsReturn = new AtomicBoolean();
        crm.clearRules();
        crm.answerWhen(r -> r.body().contains(second.getId()) && (!takenAMomentAgo(first) || failedOnItsReturn.compareAndSet(false, true)),
                Answer.status(503));

        for (CloudEvent event : List.of(first, second)) {
            await().atMost(PATIENCE).until(() -> requestsFor(crm, event.getId()).stream().anyMatch(Received::answeredOk));
        }
        assertThat(failedOnItsReturn).isTrue();
        assertThat(deadLetters()).doesNotContainKeys(first.getId(), second.getId());
    }

    private boolean takenAMomentAgo(CloudEvent event) {
        return requestsFor(crm, event.getId()).stream().anyMatch(r -> r.answeredOk() && r.at().isBefore(Instant.now().minusMillis(200)));
    }

    @Test
    void anEventTheCrmFailsWhileItTakesOthersGoesToTheDeadLettersOnceItsBudgetIsSpent() throws Exception {
        CloudEvent failing = hangupEvent("away-only-this-one");
        crm.answerWhen(r -> r.body().contains(failing.getId()), Answer.status(500));
        publish(failing);
        // once it was tried again
        await().atMost(PATIENCE).until(() -> requestsFor(crm, failing.getId()).size() >= 2);
        CloudEvent taken = hangupEvent("away-taken-meanwhile");
        publish(taken);

        // well before crm.retry.while-away: the CRM answers, this event is the problem
        await().atMost(WHILE_AWAY.minusSeconds(5)).until(() -> deadLetters().containsKey(failing.getId()));
        assertThat(requestsFor(crm, taken.getId()).stream().filter(Received::answeredOk)).hasSize(1);
        crm.clearRules();
    }

    @Test
    void anEventWaitsForACrmAwayNoLongerThanWhileAway() throws Exception {
        CloudEvent event = hangupEvent("away-for-too-long");
        crm.answerWhen(r -> r.body().contains(event.getId()), Answer.status(503));
        publish(event);

        long start = System.nanoTime();
        await().atMost(WHILE_AWAY.plus(PATIENCE)).until(() -> deadLetters().containsKey(event.getId()));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("held until crm.retry.while-away").isGreaterThan(WHILE_AWAY.minusSeconds(2));
        assertThat(requestsFor(crm, event.getId()).size()).as("held past its budget").isGreaterThan(1 + MAX_RETRIES);
        assertThat(deadLetters().get(event.getId()).get("reason").asText()).contains("HTTP 503");
        crm.clearRules();
    }

    private static String[] ids(List<CloudEvent> events) {
        return events.stream().map(CloudEvent::getId).toArray(String[]::new);
    }
}
