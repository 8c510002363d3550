package ccs.connector.api;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import org.slf4j.Logger;

/**
 * WARN lines of things that went alike, at most one per text a period: a tenant whose Call Center Studio is down fails each
 * of its agents' requests with the same reason, and a line for each buried every other line of the log. The first line of a
 * text goes out at once; the first after the period says how many went alike since the previous one.
 */
public final class RepeatedWarnings {

    /** Repeats not logged of one text since its latest line, and when that line went out. */
    private static final class Quiet {
        private final long loggedAt;
        private long repeats;

        private Quiet(long loggedAt) {
            this.loggedAt = loggedAt;
        }
    }

    private final Logger log;
    /** What the repeats were, for the line that counts them: "answered alike", say. */
    private final String alike;
    private final long periodNanos;
    private final Ticker ticker;
    // bounded: a reason may name what a request named
    private final Cache<String, Quiet> latest = Caffeine.newBuilder().maximumSize(1_000).build();

    public RepeatedWarnings(Logger log, String alike, Duration period, Ticker ticker) {
        this.log = log;
        this.alike = alike;
        this.periodNanos = period.toNanos();
        this.ticker = ticker;
    }

    public void warn(String text) {
        warn(text, text);
    }

    /** The same, alike by {@code key} rather than by the whole text (which may quote what a client sent). */
    public void warn(String key, String text) {
        long now = ticker.read();
        long[] repeats = {-1};
        latest.asMap().compute(key, (alikeKey, quiet) -> {
            if (quiet != null && now - quiet.loggedAt < periodNanos) {
                quiet.repeats++;
                return quiet;
            }
            repeats[0] = quiet == null ? 0 : quiet.repeats;
            return new Quiet(now);
        });
        if (repeats[0] == 0) {
            log.warn(text);
        } else if (repeats[0] > 0) {
            log.warn("{} ({} more {} since the previous line)", text, repeats[0], alike);
        }
    }
}
