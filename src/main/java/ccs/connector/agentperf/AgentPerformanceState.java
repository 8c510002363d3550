package ccs.connector.agentperf;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import ccs.connector.state.Database;

/**
 * How far each tenant's agent performance got, in table {@code AGENT_PERF_PROGRESS} of the state store (every replica
 * reads the same): per tenant one row of kind {@value #DAILY}, whose next day is the checkpoint of the daily run (the day
 * after the last one in the outbox), and one of kind {@value #BACKFILL}, the tenant's latest backfill.
 */
public final class AgentPerformanceState {

    public static final String DAILY = "daily";
    public static final String BACKFILL = "backfill";
    /** The outcome of a backfill that DELETE /api/v1/agents/performance/backfill stopped. */
    public static final String CANCELLED = "cancelled";

    /**
     * @param from     the first day (of a backfill; of the daily run: the first it sent)
     * @param to       a backfill's last day; null for the daily run
     * @param next     the first day not yet in the outbox
     * @param outcome  {@code running} (a backfill with days left), {@code done}, {@code failed} (the next day failed; it is tried
     *                 again) or {@link #CANCELLED} (a backfill whose days left are not sent)
     * @param reason   why it failed, else null
     * @param at       when it reached its outcome
     */
    public record Progress(String tenant, String kind, LocalDate from, LocalDate to, LocalDate next, int daysDone, long events,
                           String outcome, String reason, Instant at) {

        public boolean finished() {
            return to != null && next.isAfter(to);
        }
    }

    private static final String COLUMNS = "tenant, kind, range_from, range_to, next_day, days_done, events, outcome, reason, at_ms";
    private static final Database.Row<Progress> PROGRESS = row -> new Progress(row.getString(1), row.getString(2),
            LocalDate.parse(row.getString(3)), row.getString(4) == null ? null : LocalDate.parse(row.getString(4)),
            LocalDate.parse(row.getString(5)), row.getInt(6), row.getLong(7), row.getString(8), row.getString(9),
            Instant.ofEpochMilli(row.getLong(10)));

    private final Database database;

    public AgentPerformanceState(Database database) {
        this.database = database;
    }

    public Optional<Progress> progress(String tenant, String kind) {
        return database.one("SELECT " + COLUMNS + " FROM AGENT_PERF_PROGRESS WHERE tenant = ? AND kind = ?", PROGRESS, tenant, kind);
    }

    /** Records a new backfill of the tenant in place of a finished one; false while the tenant has one unfinished. */
    public boolean startBackfill(String tenant, LocalDate from, LocalDate to, Instant at) {
        return database.update("UPDATE AGENT_PERF_PROGRESS SET range_from = ?, range_to = ?, next_day = ?, days_done = 0, events = 0, "
                        + "outcome = 'running', reason = NULL, at_ms = ? WHERE tenant = ? AND kind = ? AND next_day > range_to",
                from.toString(), to.toString(), from.toString(), at.toEpochMilli(), tenant, BACKFILL) > 0
                || database.insertNew("INSERT INTO AGENT_PERF_PROGRESS (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, 0, 0, 'running', NULL, ?)",
                tenant, BACKFILL, from.toString(), to.toString(), from.toString(), at.toEpochMilli());
    }

    /**
     * Cancels the tenant's unfinished backfill at the instant: it counts as finished (its next day is past its range, so
     * no run sends its days left, and a new backfill may start; a day a run sends late moves nothing); false when the
     * tenant has none.
     */
    public boolean cancelBackfill(String tenant, Instant at) {
        while (true) {
            Optional<Progress> unfinished = progress(tenant, BACKFILL).filter(backfill -> !backfill.finished());
            if (unfinished.isEmpty()) {
                return false;
            }
            // from where it stands: a day done meanwhile reads it again
            Progress backfill = unfinished.get();
            if (database.update("UPDATE AGENT_PERF_PROGRESS SET next_day = ?, outcome = '" + CANCELLED + "', reason = NULL, at_ms = ? "
                    + "WHERE tenant = ? AND kind = ? AND next_day = ? AND range_to = ?", backfill.to().plusDays(1).toString(),
                    at.toEpochMilli(), tenant, BACKFILL, backfill.next().toString(), backfill.to().toString()) > 0) {
                return true;
            }
        }
    }

    /**
     * The day's events are in the outbox: the tenant's run of the kind goes on with the day after it. A day before the
     * next one changes nothing, so a day done twice (a leader change in between) counts once; for the daily run a later
     * one (it skipped days older than its catch-up) moves it there. A backfill moves only from its next day: a later day
     * is one of an earlier backfill, done late by a replica that no longer leads, and must not skip the new one's days.
     */
    public void dayDone(String tenant, String kind, LocalDate day, int events, Instant at) {
        String next = day.plusDays(1).toString();
        boolean moved = database.update("UPDATE AGENT_PERF_PROGRESS SET next_day = ?, days_done = days_done + 1, events = events + ?, "
                        + "outcome = CASE WHEN range_to IS NULL OR range_to < ? THEN 'done' ELSE 'running' END, "
                        + "reason = NULL, at_ms = ? WHERE tenant = ? AND kind = ? AND (next_day = ? OR range_to IS NULL AND next_day < ?)",
                next, events, next, at.toEpochMilli(), tenant, kind, day.toString(), day.toString()) > 0;
        if (!moved && DAILY.equals(kind)) {
            database.insertNew("INSERT INTO AGENT_PERF_PROGRESS (" + COLUMNS + ") VALUES (?, ?, ?, NULL, ?, 1, ?, 'done', NULL, ?)",
                    tenant, DAILY, day.toString(), next, events, at.toEpochMilli());
        }
    }

    /** The run leaves out the days before {@code day} it has not sent (the daily run's catch-up is over-long): it goes on there. */
    public void skipTo(String tenant, String kind, LocalDate day) {
        database.update("UPDATE AGENT_PERF_PROGRESS SET next_day = ? WHERE tenant = ? AND kind = ? AND next_day < ?", day.toString(), tenant,
                kind, day.toString());
    }

    /**
     * The day failed: the run stays at it and tries it again at the next check. A cancelled backfill stays cancelled, and
     * a day the run is no longer at (one of an earlier backfill, or done meanwhile by the replica that leads now) marks nothing.
     */
    public void failed(String tenant, String kind, LocalDate day, String reason, Instant at) {
        String shortened = reason.length() > 500 ? reason.substring(0, 497) + "..." : reason;
        if (database.update("UPDATE AGENT_PERF_PROGRESS SET outcome = 'failed', reason = ?, at_ms = ? WHERE tenant = ? AND kind = ? "
                + "AND next_day = ? AND outcome <> '" + CANCELLED + "'", shortened, at.toEpochMilli(), tenant, kind, day.toString()) == 0
                && DAILY.equals(kind)) {
            database.insertNew("INSERT INTO AGENT_PERF_PROGRESS (" + COLUMNS + ") VALUES (?, ?, ?, NULL, ?, 0, 0, 'failed', ?, ?)",
                    tenant, DAILY, day.toString(), day.toString(), shortened, at.toEpochMilli());
        }
    }
}
