package ccs.connector.cdr;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;

import ccs.connector.support.BlockingBroker;
import ccs.connector.support.BlockingBrokerTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A follower that takes a CDR backfill tells the leader through the outbox broker; a shared broker ({@code tcp://}, a
 * real Artemis) whose disk is full blocks that message without refusing it, and the request was never answered. The
 * backfill is stored before the message: the request is answered 202 all the same (the leader's next resume would start
 * it), and the message goes once the broker has room.
 */
class CdrBackfillOutboxBlockedTest extends BlockingBrokerTestSupport {

    @Override
    protected void settings(Properties settings) {
        broker = BlockingBroker.startAsOutbox(settings);
    }

    @Test
    void aFollowerAnswersABackfillWhileTheSharedBrokersDiskIsFull() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(broker::full);
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
        assertThat(broker.messagesAdded("ccs.cdr.backfill")).isZero();

        // the word to the leader, sent after the answer, goes on once the broker has room
        broker.free();
        await().atMost(Duration.ofSeconds(60)).until(() -> broker.messagesAdded("ccs.cdr.backfill") == 1);
    }
}
