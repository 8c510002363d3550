package ccs.connector.agentpage;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import ccs.connector.support.BlockingBroker;
import ccs.connector.support.BlockingBrokerTestSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent page's status door with a shared outbox broker ({@code tcp://}, a real Artemis) whose disk is full: the
 * broker blocks the send without refusing it, and the door answered never; it is a 503 to be sent again once the send
 * took longer than {@code connector.outbox.send-timeout}.
 */
class AgentStatusOutboxBlockedTest extends BlockingBrokerTestSupport {

    @Override
    protected void settings(Properties settings) {
        broker = BlockingBroker.startAsOutbox(settings);
    }

    @Test
    void anAgentStatusWhileTheSharedBrokersDiskIsFullIsA503NamingIt() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(broker::full);
        // answered (within the test client's 60 s) where it waited for the broker's disk without a limit
        HttpResponse<String> answer = agentDoor("/agent/status", agentPageCookie("ayse.yilmaz@demo.example"),
                "{\"status\": \"available\", \"time\": \"2026-11-30T09:15:02Z\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(new ObjectMapper().readTree(answer.body()).get("detail").asText()).isEqualTo("the event could not be stored: the "
                + "outbox's broker took no message within connector.outbox.send-timeout (5000 ms): it blocks its producers (its disk or "
                + "the address full?); send it again later");
    }
}
