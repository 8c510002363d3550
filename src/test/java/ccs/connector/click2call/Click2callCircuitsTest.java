package ccs.connector.click2call;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import ccs.connector.ccs.UnknownAgentException;
import ccs.connector.ccs.UpstreamException;
import ccs.connector.support.TestTicker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A tenant's click2call circuit on a clock the test moves: held by the request that found the platform away (its retries
 * go on), the tenant's other requests held back until the cool-down after the last such failure, then the next one tries.
 */
class Click2callCircuitsTest {

    private final TestTicker clock = new TestTicker();
    private final Click2callCircuits circuits = new Click2callCircuits(Duration.ofSeconds(10), clock);

    @Test
    void theRequestThatFoundThePlatformAwayGoesOnTheOthersAreHeldBackUntilTheCoolDownThenOneTries() {
        circuits.permit("acme", "first");
        assertThatThrownBy(() -> circuits.failed("acme", "first", UpstreamException.unavailable("acme", 503))).isInstanceOf(UpstreamException.class);

        assertThatCode(() -> circuits.permit("acme", "first")).as("its own retry").doesNotThrowAnyException();
        assertThatThrownBy(() -> circuits.permit("acme", "second"))
                .isInstanceOfSatisfying(UpstreamException.class, held -> {
                    assertThat(held.getMessage()).startsWith("Call Center Studio tenant acme answered HTTP 503 a moment ago: not sent");
                    assertThat(held.isRepeatable()).as("never retried: the circuit would only refuse it again").isFalse();
                    assertThat(held.httpStatus()).isEqualTo(503);
                });
        assertThatCode(() -> circuits.permit("other", "third")).as("another tenant's").doesNotThrowAnyException();

        clock.advance(10, TimeUnit.SECONDS);
        assertThatCode(() -> circuits.permit("acme", "second")).as("after the cool-down").doesNotThrowAnyException();
        assertThatThrownBy(() -> circuits.permit("acme", "first")).as("while the next one tries").isInstanceOf(UpstreamException.class);

        circuits.answered("acme");
        assertThatCode(() -> circuits.permit("acme", "first")).doesNotThrowAnyException();
    }

    @Test
    void anAnswerOfThePlatformClosesItAndAFailureOfItsOwnOpensNone() {
        assertThatThrownBy(() -> circuits.failed("acme", "first", UpstreamException.serverFailed("acme", "click2call", 502)))
                .isInstanceOf(UpstreamException.class);
        assertThatThrownBy(() -> circuits.permit("acme", "second")).as("a gateway's 502").isInstanceOf(UpstreamException.class);
        assertThatThrownBy(() -> circuits.failed("acme", "first", new UnknownAgentException("acme", "x@acme.example")))
                .isInstanceOf(UnknownAgentException.class);
        assertThatCode(() -> circuits.permit("acme", "second")).as("the platform answered").doesNotThrowAnyException();

        assertThatThrownBy(() -> circuits.failed("acme", "second", UpstreamException.serverFailed("acme", "click2call", 500)))
                .isInstanceOf(UpstreamException.class);
        assertThatCode(() -> circuits.permit("acme", "third")).as("a 500 is the platform's answer").doesNotThrowAnyException();
    }
}
