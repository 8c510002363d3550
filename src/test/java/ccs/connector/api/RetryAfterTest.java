package ccs.connector.api;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Retry-After as Call Center Studio or a CRM may write it: whole seconds or an HTTP date. */
class RetryAfterTest {

    @Test
    void secondsOrAnHttpDateAreHowLongToWait() {
        assertThat(RetryAfter.read("120")).isEqualTo(Duration.ofSeconds(120));
        String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(120));
        assertThat(RetryAfter.read(inTwoMinutes)).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(120));
        assertThat(RetryAfter.read("Wed, 21 Oct 2015 07:28:00 GMT")).as("a date past").isZero();
    }

    @Test
    void noneOrAnUnreadableOneAsksForNoWait() {
        assertThat(RetryAfter.read(null)).isNull();
        assertThat(RetryAfter.read(" ")).isNull();
        assertThat(RetryAfter.read("soon")).isNull();
        assertThat(RetryAfter.read("-5")).isZero();
        assertThat(RetryAfter.read("10000000000000000").toMillis()).as("a year at most, in milliseconds too").isEqualTo(Duration.ofDays(365).toMillis());
        assertThat(RetryAfter.read("Fri, 31 Dec 9999 23:59:59 GMT")).isEqualTo(Duration.ofDays(365));
    }
}
