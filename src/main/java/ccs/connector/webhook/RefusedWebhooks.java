package ccs.connector.webhook;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the webhooks refused for their credential, their address or a {@code token} or {@code tenant} given twice: the
 * platform does not send a refused callback again, so the operator needs a line to act on (restore a rotated token as
 * {@code .previous}, fix an IVR step's URL, backfill the CDR), but a scanner must not flood the log. At most one WARN line a
 * minute per route and reason (the setting not matched, never the token), with the peer address and how many were refused
 * so since the last such line.
 */
final class RefusedWebhooks {

    private static final Logger LOG = LoggerFactory.getLogger(RefusedWebhooks.class);
    private static final long EVERY_MILLIS = 60_000;

    private record Tally(long loggedAt, int since) {
    }

    /** Few keys: the webhook routes times the settings a refusal names. */
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    void refused(String route, String reason, String peer) {
        long now = System.currentTimeMillis();
        Tally[] before = new Tally[1];
        Tally after = tallies.compute(route + " " + reason, (key, tally) -> {
            before[0] = tally;
            return tally == null || now - tally.loggedAt() >= EVERY_MILLIS ? new Tally(now, 0) : new Tally(tally.loggedAt(), tally.since() + 1);
        });
        if (after.loggedAt() == now && after.since() == 0) {
            int since = before[0] == null ? 0 : before[0].since();
            LOG.warn("Refused a webhook (route {}) from {}: {}; the platform does not send it again{}", route, peer, reason,
                    since == 0 ? "" : " (" + since + " more refused so since the last such line)");
        }
    }
}
