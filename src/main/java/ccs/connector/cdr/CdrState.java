package ccs.connector.cdr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import ccs.connector.state.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CDR sync's state in the connector's database, one row per tenant in each table:
 * {@code CDR_CHECKPOINT} (the instant up to which every record was handed to the outbox, the one the latest settle
 * sweep read up to, and the rest of a sweep that failed),
 * {@code CDR_BACKFILL} (the latest backfill, how far it got, times in the tenant's wall clock, and its outcome),
 * {@code CDR_RUN} (how the latest poll and settle sweep ended, for the status page),
 * {@code CDR_FIRST_START} (where the first poll of a tenant started, while it has no checkpoint).
 * A checkpoint only moves forward (but for one a clock ahead left in the future, {@link #bringBack}): a poller that
 * lost its leadership mid-window can never move it back. Every replica reads the same rows, so a backfill under way refuses a second one
 * whichever replica is asked, and any replica tells its progress.
 */
public final class CdrState {

    private static final Logger LOG = LoggerFactory.getLogger(CdrState.class);

    /** A backfill: its range and the start of the part still to read, in the tenant's wall clock. */
    public record Backfill(String tenant, LocalDateTime from, LocalDateTime to, LocalDateTime next, int windowsDone, long records) {

        /** Share of the range read, 0 to 100. */
        public double percentDone() {
            long total = java.time.Duration.between(from, to).toSeconds();
            long done = java.time.Duration.between(from, next).toSeconds();
            return total <= 0 ? 100 : Math.min(100, Math.max(0, 100.0 * done / total));
        }

        public boolean finished() {
            return next.isAfter(to);
        }
    }

    private static final Database.Row<Backfill> BACKFILL = row -> new Backfill(row.getString(1), LocalDateTime.parse(row.getString(2)),
            LocalDateTime.parse(row.getString(3)), LocalDateTime.parse(row.getString(4)), row.getInt(5), row.getLong(6));
    private static final String BACKFILL_COLUMNS = "tenant, range_from, range_to, next_start, windows_done, records";

    /** The outcome of a backfill that DELETE /api/v1/cdr/backfill stopped. */
    public static final String CANCELLED = "cancelled";

    private final Database database;

    public CdrState(Database database) {
        this.database = database;
    }

    /** The clock of the database the replicas share (their common time); empty on one node's own store, whose clock is the node's. */
    public Optional<Instant> sharedNow() {
        return database.shared() ? Optional.of(database.now()) : Optional.empty();
    }

    public Optional<Instant> checkpoint(String tenant) {
        return database.one("SELECT read_up_to_ms FROM CDR_CHECKPOINT WHERE tenant = ?", row -> Instant.ofEpochMilli(row.getLong(1)), tenant);
    }

    /**
     * Moves the tenant's checkpoint forward to the instant {@code at}; an earlier instant than the stored one changes nothing.
     * The tenant's first checkpoint also keeps when it was saved ({@code savedAt}, null when not known: one taken over from
     * a file), see {@link #firstSaved}.
     */
    public void saveCheckpoint(String tenant, Instant at, Instant savedAt) {
        long millis = at.toEpochMilli();
        if (database.update("UPDATE CDR_CHECKPOINT SET read_up_to_ms = ? WHERE tenant = ? AND read_up_to_ms < ?", millis, tenant, millis) > 0) {
            return;
        }
        if (database.insertNew("INSERT INTO CDR_CHECKPOINT (tenant, read_up_to_ms, first_saved_at_ms) VALUES (?, ?, ?)", tenant, millis,
                savedAt == null ? null : savedAt.toEpochMilli())) {
            // the first checkpoint: polls start from it now
            database.update("DELETE FROM CDR_FIRST_START WHERE tenant = ?", tenant);
        } else {
            LOG.debug("CDR checkpoint of tenant {} stays: it is at {} or later already", tenant, at);
        }
    }

    /**
     * When the tenant's first checkpoint was saved, by the poll that read its first records; empty before it, and for a
     * checkpoint saved by a connector before this was kept.
     */
    public Optional<Instant> firstSaved(String tenant) {
        return database.one("SELECT first_saved_at_ms FROM CDR_CHECKPOINT WHERE tenant = ? AND first_saved_at_ms IS NOT NULL",
                row -> Instant.ofEpochMilli(row.getLong(1)), tenant);
    }

    /**
     * The one way back besides a hand: brings the tenant's checkpoint, and the one its latest settle sweep read up to, back
     * to {@code to} where they lie after {@code after} (a clock that ran ahead wrote them); answers whether the checkpoint
     * was there. One statement, so a checkpoint that a poll moved meanwhile to before {@code after} stays.
     */
    public boolean bringBack(String tenant, Instant to, Instant after) {
        long toMillis = to.toEpochMilli();
        long afterMillis = after.toEpochMilli();
        // the rest of a failed sweep goes too: it may reach into the future as well, and the next sweep is due at once
        return database.update("UPDATE CDR_CHECKPOINT SET read_up_to_ms = ?, settled_up_to_ms = CASE WHEN settled_up_to_ms > ? THEN ? "
                + "ELSE settled_up_to_ms END, settle_rest_from_ms = NULL, settle_rest_to_ms = NULL WHERE tenant = ? AND read_up_to_ms > ?",
                toMillis, afterMillis, toMillis, tenant, afterMillis) > 0;
    }

    /** The checkpoint the tenant's latest settle sweep read up to, if one ended. */
    public Optional<Instant> settledUpTo(String tenant) {
        return database.one("SELECT settled_up_to_ms FROM CDR_CHECKPOINT WHERE tenant = ? AND settled_up_to_ms IS NOT NULL",
                row -> Instant.ofEpochMilli(row.getLong(1)), tenant);
    }

    /**
     * A settle sweep of the tenant read up to that checkpoint; only forward, as the checkpoint: a deposed leader's sweep
     * ending after the new leader's must not make the next one reach back further than it needs.
     */
    public void saveSettledUpTo(String tenant, Instant at) {
        long millis = at.toEpochMilli();
        // the rest of a failed sweep up to there is read now
        database.update("UPDATE CDR_CHECKPOINT SET settled_up_to_ms = CASE WHEN settled_up_to_ms IS NULL OR settled_up_to_ms < ? THEN ? "
                + "ELSE settled_up_to_ms END, settle_rest_from_ms = CASE WHEN settle_rest_to_ms <= ? THEN NULL ELSE settle_rest_from_ms END, "
                + "settle_rest_to_ms = CASE WHEN settle_rest_to_ms <= ? THEN NULL ELSE settle_rest_to_ms END WHERE tenant = ?",
                millis, millis, millis, millis, tenant);
    }

    /** The part of a settle sweep still to read: from where the pages of a sweep that failed reached, up to the checkpoint it read up to. */
    public record SettleRest(Instant from, Instant to) {
    }

    /** The rest of the tenant's latest settle sweep, when it failed and no sweep up to its checkpoint finished since. */
    public Optional<SettleRest> settleRest(String tenant) {
        return database.one("SELECT settle_rest_from_ms, settle_rest_to_ms FROM CDR_CHECKPOINT WHERE tenant = ? "
                        + "AND settle_rest_from_ms IS NOT NULL AND settle_rest_to_ms IS NOT NULL",
                row -> new SettleRest(Instant.ofEpochMilli(row.getLong(1)), Instant.ofEpochMilli(row.getLong(2))), tenant);
    }

    /**
     * A settle sweep of the tenant up to the checkpoint {@code rest.to()} failed, its records in the outbox up to
     * {@code rest.from()}: the next sweep reads the rest. Not kept behind where a finished sweep read up to (a deposed
     * leader's sweep failing after the new leader's finished); answers whether it was kept.
     */
    public boolean saveSettleRest(String tenant, SettleRest rest) {
        return database.update("UPDATE CDR_CHECKPOINT SET settle_rest_from_ms = ?, settle_rest_to_ms = ? WHERE tenant = ? "
                + "AND (settled_up_to_ms IS NULL OR settled_up_to_ms <= ?)", rest.from().toEpochMilli(), rest.to().toEpochMilli(), tenant,
                rest.to().toEpochMilli()) > 0;
    }

    /**
     * Where the tenant's polls start while it has no checkpoint and {@code ccs.cdr.start} is empty: the start of the
     * day of its first poll, stored by that poll, so that polls failing until after midnight still read that day.
     */
    public LocalDateTime firstStart(String tenant, LocalDateTime startOfToday) {
        return storedFirstStart(tenant).orElseGet(() -> {
            // another replica may store its own first
            database.insertNew("INSERT INTO CDR_FIRST_START (tenant, start_local) VALUES (?, ?)", tenant, startOfToday.toString());
            return storedFirstStart(tenant).orElse(startOfToday);
        });
    }

    /** The start {@link #firstStart} stored, if a poll of the tenant without a checkpoint has run. */
    public Optional<LocalDateTime> storedFirstStart(String tenant) {
        return database.one("SELECT start_local FROM CDR_FIRST_START WHERE tenant = ?", row -> LocalDateTime.parse(row.getString(1)), tenant);
    }

    /** The tenant's latest backfill, finished or not. */
    public Optional<Backfill> backfill(String tenant) {
        return database.one("SELECT " + BACKFILL_COLUMNS + " FROM CDR_BACKFILL WHERE tenant = ?", BACKFILL, tenant);
    }

    /**
     * The outcome of the tenant's latest backfill and the run it is in (a backfill runs again after a failure or a stop).
     *
     * @param outcome            {@code running}, {@code done}, {@code failed}, {@code interrupted} or {@link #CANCELLED}
     * @param reason             why it failed, else null
     * @param outcomeAt          when it reached its outcome (for {@code running}: when the run started)
     * @param runStartedPercent  how much of it was done when the run started
     */
    public record BackfillRun(Backfill backfill, long windows, Instant startedAt, String outcome, String reason, Instant outcomeAt,
                              double runStartedPercent) {
    }

    private static final Database.Row<BackfillRun> BACKFILL_RUN = row -> {
        Backfill backfill = BACKFILL.read(row);
        String outcome = row.getString(10);
        return new BackfillRun(backfill, row.getLong(7), instant(row.getLong(8)),
                outcome != null ? outcome : backfill.finished() ? "done" : "interrupted", row.getString(11),
                instant(row.getLong(12)), row.getDouble(9));
    };

    /** Records a new backfill of so many windows, started at the instant, in place of a finished one; false when the tenant has one under way. */
    public boolean startBackfill(Backfill backfill, long windows, Instant at) {
        boolean started = database.update("UPDATE CDR_BACKFILL SET range_from = ?, range_to = ?, next_start = ?, windows_done = ?, records = ?, "
                        + "finished = ? WHERE tenant = ? AND finished = TRUE", backfill.from().toString(), backfill.to().toString(),
                backfill.next().toString(), backfill.windowsDone(), backfill.records(), backfill.finished(), backfill.tenant()) > 0
                || database.insertNew("INSERT INTO CDR_BACKFILL (" + BACKFILL_COLUMNS + ", finished) VALUES (?, ?, ?, ?, ?, ?, ?)",
                backfill.tenant(), backfill.from().toString(), backfill.to().toString(), backfill.next().toString(),
                backfill.windowsDone(), backfill.records(), backfill.finished());
        if (started) {
            database.update("UPDATE CDR_BACKFILL SET windows_total = ?, started_at_ms = ? WHERE tenant = ?", windows, at.toEpochMilli(),
                    backfill.tenant());
            runStarted(backfill.tenant(), 0, at);
        }
        return started;
    }

    /**
     * Records how far the backfill got at the instant, from where it stood ({@code before}); once it is finished, its
     * outcome {@code done} in the same statement, so that no failure in between can show a finished backfill as failed.
     * False, and nothing written, when the backfill is no longer there: another run (a replica that took the lead
     * meanwhile) moved it on, or a new range replaced it.
     */
    public boolean saveBackfill(Backfill backfill, Backfill before, Instant at) {
        String done = backfill.finished() ? ", outcome = 'done', reason = NULL, outcome_at_ms = " + at.toEpochMilli() : "";
        return database.update("UPDATE CDR_BACKFILL SET next_start = ?, windows_done = ?, records = ?, finished = ?" + done
                        + " WHERE tenant = ? AND range_from = ? AND range_to = ? AND next_start = ? AND finished = FALSE",
                backfill.next().toString(), backfill.windowsDone(), backfill.records(), backfill.finished(), backfill.tenant(),
                before.from().toString(), before.to().toString(), before.next().toString()) > 0;
    }

    /** A run of the tenant's backfill starts (the first, or again after a failure or a stop) with so much of it done. */
    public void runStarted(String tenant, double percentDone, Instant at) {
        database.update("UPDATE CDR_BACKFILL SET outcome = 'running', reason = NULL, outcome_at_ms = ?, run_started_percent = ? "
                + "WHERE tenant = ? AND finished = FALSE",
                at.toEpochMilli(), percentDone, tenant);
    }

    /**
     * The tenant's backfill run that started at {@code runStarted} ended: {@code failed} (for the reason) or
     * {@code interrupted}; nothing is written when another run started since (a replica that took the lead meanwhile), nor
     * when it ended {@code done} already.
     */
    public void runEnded(String tenant, Instant runStarted, String outcome, String reason, Instant at) {
        database.update("UPDATE CDR_BACKFILL SET outcome = ?, reason = ?, outcome_at_ms = ? WHERE tenant = ? AND outcome = 'running' "
                        + "AND outcome_at_ms = ?", outcome, reason, at.toEpochMilli(), tenant, runStarted.toEpochMilli());
    }

    /** The tenant's latest backfill with its outcome. */
    public Optional<BackfillRun> backfillRun(String tenant) {
        return database.one("SELECT " + BACKFILL_COLUMNS + ", windows_total, started_at_ms, run_started_percent, outcome, reason, outcome_at_ms "
                + "FROM CDR_BACKFILL WHERE tenant = ?", BACKFILL_RUN, tenant);
    }

    /**
     * Cancels the tenant's unfinished backfill at the instant: it counts as finished (nothing resumes it, a new one may
     * start, a run that ends a window late writes no progress); false when the tenant has none.
     */
    public boolean cancelBackfill(String tenant, Instant at) {
        return database.update("UPDATE CDR_BACKFILL SET finished = TRUE, outcome = '" + CANCELLED + "', reason = NULL, outcome_at_ms = ? "
                + "WHERE tenant = ? AND finished = FALSE", at.toEpochMilli(), tenant) > 0;
    }

    /** Tenants whose backfill is unfinished: backfills that a stop, a failure or a failover interrupted. */
    public List<String> tenantsWithBackfill() {
        return database.list("SELECT tenant FROM CDR_BACKFILL WHERE finished = FALSE ORDER BY tenant", row -> row.getString(1));
    }

    /** How the latest run of a kind (a poll, a settle sweep) ended: at the instant, with the problem or null when it went well. */
    public record Run(String problem, Instant at) {
    }

    /** Records how the tenant's latest run of the kind ({@code poll}, {@code settle}) ended; a problem of null means it went well. */
    public void saveRun(String tenant, String kind, String problem, Instant at) {
        database.merge("CDR_RUN", List.of("tenant", "kind"), List.of("tenant", "kind", "problem", "at_ms"), tenant, kind,
                problem == null || problem.length() <= 500 ? problem : problem.substring(0, 497) + "...", at.toEpochMilli());
    }

    /** The tenant's latest run of the kind. */
    public Optional<Run> run(String tenant, String kind) {
        return database.one("SELECT problem, at_ms FROM CDR_RUN WHERE tenant = ? AND kind = ?",
                row -> new Run(row.getString(1), Instant.ofEpochMilli(row.getLong(2))), tenant, kind);
    }

    /** An instant in epoch milliseconds, null for a column without a value (0, a backfill recorded before outcomes were kept). */
    private static Instant instant(long millis) {
        return millis == 0 ? null : Instant.ofEpochMilli(millis);
    }

    /**
     * Takes over the checkpoint files that connectors before the shared state store kept under
     * {@code <connector.data-dir>/cdr/} ({@code <tenant>.checkpoint}), renaming each to
     * {@code .imported}, so that an upgraded node goes on where it was.
     */
    public void importFiles(Path directory) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".checkpoint")).toList()) {
                String name = file.getFileName().toString();
                Instant at = Instant.parse(Files.readString(file).trim());
                // polls ran before it: its tenant's first settle sweep is due at once
                saveCheckpoint(name.substring(0, name.length() - ".checkpoint".length()), at, null);
                Files.move(file, file.resolveSibling(name + ".imported"));
                LOG.info("CDR checkpoint {} ({}) is now kept in the connector's database", file, at);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the CDR checkpoint files under " + directory + " cannot be imported", e);
        }
    }
}
