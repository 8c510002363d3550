package ccs.connector.click2call;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.TestTicker;
import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The flood guard (ccs.click2call.max-per-second=3) on a clock the test moves: REST above the ceiling
 * gets 429 with Retry-After, JMS requests wait for a slot, and both share one ceiling per tenant.
 */
class Click2callCeilingTest extends ConnectorTestSupport {

    private static final String AGENT = "ayse.yilmaz@demo.example";
    private final TestTicker ticker = new TestTicker();

    @Override
    protected void settings(Properties settings) {
        settings.setProperty("ccs.click2call.max-per-second", "3");
    }

    @Override
    protected Ticker clock() {
        return ticker;
    }

    @Test
    void theCeilingHoldsForRestAndQueuedRequestsWait() throws Exception {
        List<Integer> statuses = IntStream.range(0, 5).mapToObj(i -> click2call("rest-" + i).statusCode()).toList();
        assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
        HttpResponse<String> refused = click2call("rest-refused");
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.body()).contains("ceiling of 3 click2call requests per second (ccs.click2call.max-per-second)");
        assertThat(dispatched()).isEqualTo(3);

        ticker.advance(1, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            sendClick2callText("{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"0532000000" + i + "\", \"transactionId\": \"jms-" + i + "\"}");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> dispatched() == 6);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(30)).until(() -> dispatched() == 6);
        assertThat(click2call("rest-while-queued").statusCode()).as("one ceiling for every channel").isEqualTo(429);

        ticker.advance(1, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> dispatched() == 8);
        for (int i = 0; i < 5; i++) {
            Path accepted = dataDir.resolve("crm-out").resolve(CloudEvent.fileName("demo:ccs.click2call.accepted:jms-" + i));
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(accepted));
        }
    }

    private long dispatched() {
        return simulator().requests("click2call").size();
    }

    private HttpResponse<String> click2call(String transactionId) {
        try {
            return post("/api/v1/click2call", "application/json", "{\"agentEmail\": \"" + AGENT + "\", \"phoneNumber\": \"05321234567\", "
                    + "\"transactionId\": \"" + transactionId + "\"}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
