package ccs.connector.health;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A call that stalls is waited for at most its timeout, and waited for again rather than started a second time. */
class BoundedCallTest {

    private static final Duration SHORT = Duration.ofMillis(50);
    private static final Duration LONG = Duration.ofSeconds(30);

    private final BoundedCall<String> bounded = new BoundedCall<>("bounded-call-test");
    private final AtomicInteger calls = new AtomicInteger();
    /** The calls that ran, in order. */
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @Test
    void aStalledCallIsWaitedForAgainNotStartedTwice() throws Exception {
        CountDownLatch answers = new CountDownLatch(1);
        assertThatThrownBy(() -> bounded.get(() -> stalled(answers, "first"), SHORT)).isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> bounded.get(() -> stalled(answers, "second"), SHORT)).isInstanceOf(TimeoutException.class);

        answers.countDown();
        // once the first has ended, a call runs anew; until then a get answers the first's answer
        await().atMost(LONG).until(() -> "fresh".equals(bounded.get(() -> ran("fresh"), LONG)));
        assertThat(ran).as("the second was never started: the first, still under way, was waited for").doesNotContain("second")
                .startsWith("first");
    }

    @Test
    void aCallThatEndedIsNotReusedTheNextCallRunsAnew() throws Exception {
        assertThat(bounded.get(() -> "a" + calls.incrementAndGet(), LONG)).isEqualTo("a1");
        assertThat(bounded.get(() -> "a" + calls.incrementAndGet(), LONG)).isEqualTo("a2");
    }

    @Test
    void aFailedCallHandsOnItsFailureAndTheNextCallRunsAnew() throws Exception {
        assertThatThrownBy(() -> bounded.get(() -> {
            throw new IllegalStateException("the database refused");
        }, LONG)).isInstanceOf(ExecutionException.class).hasRootCauseMessage("the database refused");
        assertThat(bounded.get(() -> "answered", LONG)).isEqualTo("answered");
    }

    private String stalled(CountDownLatch answers, String answer) throws InterruptedException {
        ran(answer);
        answers.await();
        return answer;
    }

    private String ran(String answer) {
        ran.add(answer);
        return answer;
    }
}
