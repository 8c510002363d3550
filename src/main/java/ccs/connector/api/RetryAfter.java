package ccs.connector.api;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** An HTTP {@code Retry-After} header as a server may write it: whole seconds or an HTTP date (RFC 9110). */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** The longest wait read: every caller bounds it far below, and more overflowed in milliseconds ({@code 10000000000000000}). */
    private static final long MAX_SECONDS = Duration.ofDays(365).toSeconds();

    /** How long the server asks to wait; null when the header is absent or unreadable, zero for a date past, a year at most. */
    public static Duration read(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.min(Math.max(0, Long.parseLong(header.trim())), MAX_SECONDS));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until.toSeconds() > MAX_SECONDS ? Duration.ofSeconds(MAX_SECONDS) : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
