package ccs.connector.click2call;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import ccs.connector.api.NotFoundException;
import ccs.connector.ccs.CcsException;
import ccs.connector.ccs.UnknownAgentException;
import ccs.connector.ccs.UpstreamException;
import ccs.connector.support.TestTicker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A tenant's click2call circuit on a clock the test moves: held by the request that found the platform away (its retries
 * go on until its dispatch ends), the tenant's other requests held back until then and the cool-down after the last such failure,
 * then the next one tries.
 */
class Click2callCircuitsTest {

    private final TestTicker clock = new TestTicker();
    private final Click2callCircuits circuits = new Click2callCircuits(Duration.ofSeconds(10), clock);

    @Test
    void theRequestThatFoundThePlatformAwayGoesOnTheOthersAreHeldBackUntilItEndsAndTheCoolDownPassesThenOneTries() {
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

        circuits.ended("acme", "first");
        clock.advance(10, TimeUnit.SECONDS);
        assertThatCode(() -> circuits.permit("acme", "second")).as("after the cool-down").doesNotThrowAnyException();
        assertThatThrownBy(() -> circuits.permit("acme", "third")).as("while the next one tries").isInstanceOf(UpstreamException.class);

        circuits.answered("acme", "second");
        assertThatCode(() -> circuits.permit("acme", "third")).as("the holder's answer closes it").doesNotThrowAnyException();
    }

    @Test
    void anAnswerToARequestThatPassedBeforeItOpenedLeavesTheHolderItsRetries() {
        circuits.permit("acme", "early");
        circuits.permit("acme", "late");
        circuits.permit("acme", "first");
        assertThatThrownBy(() -> circuits.failed("acme", "first", UpstreamException.unavailable("acme", 503))).isInstanceOf(UpstreamException.class);

        circuits.answered("acme", "early");
        assertThatThrownBy(() -> circuits.failed("acme", "late", UpstreamException.unavailable("acme", 503)))
                .as("another that passed before it opened fails right after").isInstanceOf(UpstreamException.class);
        assertThatCode(() -> circuits.permit("acme", "first")).as("the holder's retry").doesNotThrowAnyException();
        assertThatThrownBy(() -> circuits.permit("acme", "second")).as("while the holder's dispatch goes on").isInstanceOf(UpstreamException.class);

        circuits.answered("acme", "first");
        assertThatCode(() -> circuits.permit("acme", "second")).as("the holder's retry answered").doesNotThrowAnyException();
    }

    @Test
    void anAnswerToAnotherRequestEndsTheCoolDownTheHolderLeftGoingOn() {
        circuits.permit("acme", "early");
        assertThatThrownBy(() -> circuits.failed("acme", "first", UpstreamException.unavailable("acme", 503))).isInstanceOf(UpstreamException.class);
        circuits.answered("acme", "early");
        assertThatThrownBy(() -> circuits.permit("acme", "second")).as("while the holder's dispatch goes on").isInstanceOf(UpstreamException.class);

        circuits.ended("acme", "first");
        assertThatCode(() -> circuits.permit("acme", "second")).as("within what was the cool-down").doesNotThrowAnyException();
    }

    @Test
    void itsHolderKeepsItThroughAWaitLongerThanTheCoolDownAndTheNextTakesItOnceTheHolderHasEnded() {
        circuits.permit("acme", "first");
        assertThatThrownBy(() -> circuits.failed("acme", "first", UpstreamException.unreachable("acme", "connection refused")))
                .isInstanceOf(UpstreamException.class);

        clock.advance(16, TimeUnit.SECONDS);
        assertThatThrownBy(() -> circuits.permit("acme", "second")).as("the holder waits for its next retry").isInstanceOf(UpstreamException.class);
        assertThatCode(() -> circuits.permit("acme", "first")).as("the holder's retry after 16 s").doesNotThrowAnyException();
        assertThatThrownBy(() -> circuits.failed("acme", "first", UpstreamException.unreachable("acme", "connection refused")))
                .isInstanceOf(UpstreamException.class);

        circuits.ended("acme", "first");
        assertThatThrownBy(() -> circuits.permit("acme", "second")).as("within the cool-down after its last failure").isInstanceOf(UpstreamException.class);
        clock.advance(10, TimeUnit.SECONDS);
        assertThatCode(() -> circuits.permit("acme", "second")).as("the holder ended, the cool-down passed").doesNotThrowAnyException();

        circuits.ended("acme", "second");
        assertThatCode(() -> circuits.ended(null, "fourth")).as("a request that failed before it named its tenant").doesNotThrowAnyException();
        assertThatCode(() -> circuits.permit("acme", "third")).as("one that ended without an answer or a failure of the platform leaves it free")
                .doesNotThrowAnyException();
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

    @Test
    void aRefusalRememberedFromAnEarlierRequestLeavesItOpen() {
        CcsException refusal = new UnknownAgentException("acme", "x@acme.example");
        assertThat(refusal.remembered()).as("a new failure of the same type and words, not a copy of the first")
                .isInstanceOf(UnknownAgentException.class).hasMessage(refusal.getMessage()).hasNoCause()
                .satisfies(remembered -> assertThat(remembered.isRemembered()).isTrue());
        assertThat(refusal.isRemembered()).isFalse();
        assertThatThrownBy(() -> circuits.failed("acme", "first", UpstreamException.unavailable("acme", 503))).isInstanceOf(UpstreamException.class);
        circuits.ended("acme", "first");
        clock.advance(10, TimeUnit.SECONDS);

        circuits.permit("acme", "second");
        assertThatThrownBy(() -> circuits.failed("acme", "second", refusal.remembered()))
                .as("of the same type").isInstanceOf(UnknownAgentException.class);
        assertThatThrownBy(() -> circuits.permit("acme", "third")).as("the platform was not asked").isInstanceOf(UpstreamException.class);

        circuits.ended("acme", "second");
        circuits.permit("acme", "third");
        assertThatThrownBy(() -> circuits.failed("acme", "third", refusal)).isInstanceOf(UnknownAgentException.class);
        assertThatCode(() -> circuits.permit("acme", "first")).as("the platform's answer closes it").doesNotThrowAnyException();
    }

    @Test
    void aScreenPopsCallThePlatformDoesNotKnowIsAnAnswerThatClosesIt() {
        circuits.permit("acme", "first");
        assertThatThrownBy(() -> circuits.failed("acme", "first", UpstreamException.unavailable("acme", 503))).isInstanceOf(UpstreamException.class);
        circuits.ended("acme", "first");
        clock.advance(10, TimeUnit.SECONDS);

        circuits.permit("acme", "screen pop");
        assertThatThrownBy(() -> circuits.failed("acme", "screen pop", new NotFoundException("no such call"))).isInstanceOf(NotFoundException.class);
        assertThatCode(() -> circuits.permit("acme", "click2call")).as("closed, though the answer's request has not ended yet").doesNotThrowAnyException();
        assertThatCode(() -> circuits.permit("acme", "another")).doesNotThrowAnyException();
    }

    @Test
    void aHolderThatEndsAfterTheCoolDownWithoutAFailureAwayClosesIt() {
        circuits.permit("acme", "first");
        assertThatThrownBy(() -> circuits.failed("acme", "first", UpstreamException.unavailable("acme", 503))).isInstanceOf(UpstreamException.class);
        circuits.ended("acme", "first");
        clock.advance(10, TimeUnit.SECONDS);

        // the next one tries and ends otherwise than with an answer or the platform away (its transaction id in flight, say)
        circuits.permit("acme", "trial");
        circuits.ended("acme", "trial");
        circuits.permit("acme", "holder now");
        assertThatCode(() -> circuits.permit("acme", "at once")).as("closed: nobody holds it").doesNotThrowAnyException();
    }

    @Test
    void whileAHolderRetriesPastTheCoolDownTheOthersAreToldToWaitAtLeastTheCoolDown() {
        circuits.permit("acme", "holder");
        assertThatThrownBy(() -> circuits.failed("acme", "holder", UpstreamException.unavailable("acme", 503))).isInstanceOf(UpstreamException.class);
        clock.advance(14, TimeUnit.SECONDS);
        assertThatThrownBy(() -> circuits.permit("acme", "other"))
                .isInstanceOfSatisfying(UpstreamException.class, held -> assertThat(held.retryAfterSeconds()).isEqualTo(10));
    }
}
