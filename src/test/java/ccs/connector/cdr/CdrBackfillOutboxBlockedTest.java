package ccs.connector.cdr;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;

import ccs.connector.support.BlockingBroker;
import ccs.connector.support.ConnectorTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A follower that takes a CDR backfill tells the leader through the outbox broker; a shared broker ({@code tcp://}, a
 * real Artemis) whose disk is full blocks that message without refusing it, and the request was never answered. The
 * backfill is stored before the message: the request is answered 202 all the same (the leader's next resume would start
 * it), and the message goes once the broker has room.
 */
class CdrBackfillOutboxBlockedTest extends ConnectorTestSupport {

    private BlockingBroker outboxBroker;

    @Override
    protected void settings(Properties settings) {
        outboxBroker = BlockingBroker.startAsOutbox(settings, Path.of(settings.getProperty("connector.data-dir"), "shared-broker"));
    }

    /** The connector first: its consumers would otherwise try to reconnect to the stopped broker until it stops. */
    @AfterAll
    void stopOutboxBroker() throws Exception {
        context.stop();
        outboxBroker.close();
    }

    @Test
    void aFollowerAnswersABackfillWhileTheSharedBrokersDiskIsFull() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(outboxBroker::full);
        leadElsewhere();
        LocalDate day = LocalDate.now().minusDays(2);
        // answered (within the test client's 60 s) where it waited for the broker's disk without a limit
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/cdr/backfill"))
                .header("Content-Type", "application/json").timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\": \"" + day + "T09:00:00\", \"to\": \"" + day + "T11:00:00\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        // stored, for the leader's next resume
        assertThat(get("/api/v1/cdr/backfill?tenant=demo").body()).contains("\"from\":\"" + day + "T09:00");
        assertThat(outboxBroker.messagesAdded("ccs.cdr.backfill")).isZero();

        // the word to the leader, sent after the answer, goes on once the broker has room
        outboxBroker.free();
        await().atMost(Duration.ofSeconds(60)).until(() -> outboxBroker.messagesAdded("ccs.cdr.backfill") == 1);
    }
}
