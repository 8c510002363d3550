package ccs.connector.cdr;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.ccs.UpstreamException;
import ccs.connector.config.Secrets;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans and records the CDR polls of each tenant (route {@code cdr-poll}). A poll reads the window
 * from (checkpoint minus {@code ccs.cdr.overlap}; the checkpoint itself right after a window cut short) to (now minus {@code ccs.cdr.lag}; now by the earlier of this replica's clock and the shared
 * database's, so that a leader whose clock runs ahead never moves the checkpoint into the future), or from
 * {@code ccs.cdr.start} when the tenant has no checkpoint yet (empty: the start of the day of its first poll, kept
 * until the first checkpoint); the checkpoint moves only once the
 * whole window is in the outbox. The checkpoint is read from its file at every run, so an operator
 * may move it (to sync again from an earlier time) without a restart. After a failed poll the next ones are skipped, more of them after
 * each failure in a row (1, 2, 4, ... runs, at most {@code ccs.cdr.backoff-max}, at least what a
 * 429's Retry-After asks for); a good poll ends the pause.
 * <p>
 * A record appears when its call ends but is filed under the call's start, so a call longer than the
 * overlap lands behind the checkpoint. Every {@code ccs.cdr.settle-interval} a settle sweep reads the
 * records up to the checkpoint again, from {@code ccs.cdr.settle-window} before the checkpoint the previous sweep read
 * up to, through the same window route; the dedupe lets only the records not delivered yet reach the CRM.
 */
public final class CdrSync {

    private static final Logger LOG = LoggerFactory.getLogger(CdrSync.class);

    public static final String SOURCE = "poll";
    public static final String SETTLE = "settle";

    /** What the poller knows of one tenant between runs. */
    private static final class TenantPolls {
        boolean running;
        /** A settle sweep of the tenant is running: the timer does not wait for one that lasts longer than its interval. */
        boolean settling;
        /** The instant the running poll's window finishes at: its wall clock alone is ambiguous in the repeated hour of an autumn DST change. */
        Instant windowFinish;
        /** The checkpoint the running settle sweep reads up to. */
        Instant settleFinish;
        int failuresInARow;
        long runsToSkip;
        /** Where this replica's polls last moved the checkpoint to: a later one was moved by another process. */
        Instant checkpointMoved;
        /** Another process was found polling the tenant (logged once). */
        boolean anotherPoller;
        /**
         * The checkpoint that this replica's latest window, cut short (the page cap, a cursor the platform repeats, a later
         * page that failed), left: the next run goes on from it, not from its overlap, which may hold more than the pages
         * such a window reads.
         */
        Instant cutAt;
    }

    private final Tenants tenants;
    private final CdrState state;
    private final CdrSettings settings;
    private final boolean soleNode;
    private final Clock clock;
    private final Map<String, TenantPolls> polls = new ConcurrentHashMap<>();
    /** This replica's clock was found ahead of the database's by more than {@link #CLOCK_TOLERANCE} (logged once until it is not). */
    private volatile boolean clockAhead;

    /** How far this replica's clock may run ahead of the shared database's without a warning. */
    private static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(5);

    /** @param soleNode this node polls without an election ({@code connector.cluster=none}) */
    public CdrSync(Tenants tenants, CdrState state, CdrSettings settings, boolean soleNode, Clock clock) {
        this.tenants = tenants;
        this.state = state;
        this.settings = settings;
        this.soleNode = soleNode;
        this.clock = clock;
    }

    /**
     * The window this run of the tenant's poll reads, or null when the run is skipped: a poll of
     * the tenant is still running, the poller pauses after failures, or the window would be empty
     * (a {@code ccs.cdr.start} in the future). Every window handed out must be ended with
     * {@link #finished(String)}.
     */
    public CdrWindow pollWindow(String tenantName) {
        Tenant tenant = tenants.get(tenantName);
        TenantPolls tenantPolls = polls(tenant.name());
        synchronized (tenantPolls) {
            if (tenantPolls.running) {
                LOG.debug("CDR poll of tenant {} skipped: the previous one is still running", tenant.name());
                return null;
            }
            if (tenantPolls.runsToSkip > 0) {
                tenantPolls.runsToSkip--;
                LOG.debug("CDR poll of tenant {} skipped: pausing after {} failures in a row", tenant.name(), tenantPolls.failuresInARow);
                return null;
            }
            Instant now = now(tenant.name());
            Optional<Instant> checkpoint = state.checkpoint(tenant.name());
            warnOfAnotherPoller(tenant.name(), tenantPolls, checkpoint);
            Instant finish = now.minus(settings.lag());
            Duration reachBack = checkpoint.equals(Optional.ofNullable(tenantPolls.cutAt)) ? Duration.ZERO : settings.overlap();
            LocalDateTime from = checkpoint.map(at -> notBeforeStart(wallClockStart(at.minus(reachBack), finish, tenant),
                            LocalDateTime.ofInstant(at, tenant.zone())))
                    .orElseGet(() -> settings.start().orElseGet(() -> state.firstStart(tenant.name(),
                            LocalDateTime.ofInstant(now, tenant.zone()).toLocalDate().atStartOfDay())));
            LocalDateTime to = LocalDateTime.ofInstant(finish, tenant.zone());
            if (to.isBefore(from)) {
                LOG.debug("CDR poll of tenant {} skipped: its window would start at {}, after {}", tenant.name(), from, to);
                return null;
            }
            tenantPolls.running = true;
            tenantPolls.windowFinish = finish;
            return settings.window(tenant, from, to, SOURCE);
        }
    }

    /**
     * Without an election ({@code connector.cluster=none}) this node takes itself for the only poller: a checkpoint past
     * where its own polls moved it was moved by another process, most likely a replica on the same shared database that
     * was started with {@code connector.cluster=none} too (or a hand that set it forward). Logged once per tenant.
     */
    private void warnOfAnotherPoller(String tenant, TenantPolls tenantPolls, Optional<Instant> checkpoint) {
        Instant ours = tenantPolls.checkpointMoved;
        if (soleNode && !tenantPolls.anotherPoller && ours != null && checkpoint.filter(ours::isBefore).isPresent()) {
            tenantPolls.anotherPoller = true;
            LOG.warn("CDR checkpoint of tenant {} is at {}, past {} where this node's polls left it: another process moved it, "
                    + "most likely another replica polling the same state store (or it was set by hand). With connector.cluster=none "
                    + "every replica runs the singleton work (CDR polls, settle sweeps, backfills) on its own: give the replicas of "
                    + "one database connector.cluster=kubernetes or file, so that one leads", tenant, checkpoint.get(), ours);
        }
    }

    /**
     * Now, to the second, as far as every clock agrees: this replica's, or the shared database's where that is earlier. A
     * complete window moves the shared checkpoint to its finish, so a leader whose clock runs ahead (a node whose time
     * service failed) would move it into the future: the calls that begin meanwhile would lie behind every later window's overlap, and
     * the next leader would skip its polls until its own clock reached the checkpoint. A clock behind only delays.
     * The tenant's checkpoint is first brought back should a clock have left it in the future ({@link #bringBack}).
     */
    private Instant now(String tenant) {
        Instant own = clock.instant();
        Optional<Instant> shared = state.sharedNow();
        Instant now = shared.filter(own::isAfter).orElse(own).truncatedTo(ChronoUnit.SECONDS);
        if (shared.isPresent() && own.isAfter(shared.get().plus(CLOCK_TOLERANCE))) {
            if (!clockAhead) {
                LOG.warn("This replica's clock is {} s ahead of the database's: CDR windows end by the database's clock; set the node's time right",
                        Duration.between(shared.get(), own).toSeconds());
            }
            clockAhead = true;
        } else {
            clockAhead = false;
        }
        bringBack(tenant, shared.orElse(own), now.minus(settings.lag()));
        return now;
    }

    /**
     * A checkpoint ahead of the common clock (the database's, else this node's) by more than {@code ccs.cdr.overlap} was
     * written by a clock that ran ahead and was set back since: one node's clock, which nothing checks, read in local time
     * at boot and then stepped back by NTP, or the database's. Left there, every poll would be skipped until the clock
     * reached it, and the settle sweep would reach back from it, past the calls of the meantime. It is brought back to
     * the poll's finish, the settle sweep's point with it, and the next sweep is due at once ({@link #settleDue}): it
     * reads {@code ccs.cdr.settle-window} back from now, where the polls of that time, reading from their future
     * checkpoint, found nothing. A checkpoint less far ahead (a replica whose clock is behind another's) stops no poll and
     * stays.
     */
    private void bringBack(String tenant, Instant common, Instant finish) {
        Instant tolerated = common.plus(settings.overlap());
        Optional<Instant> ahead = state.checkpoint(tenant).filter(tolerated::isBefore);
        if (ahead.isPresent() && state.bringBack(tenant, finish, tolerated)) {
            // not another process's move, when the clock reaches where this node's polls had left it
            polls(tenant).checkpointMoved = finish;
            LOG.warn("CDR checkpoint of tenant {} was {} ahead of the clock, at {}: a clock that ran ahead wrote it and was set back since. "
                    + "It is brought back to {}, so that the polls and the settle sweep read from now; the calls of a time the clock was "
                    + "ahead for longer than ccs.cdr.settle-window come with a backfill", tenant,
                    TimeUtils.printDuration(Duration.between(common, ahead.get()).toMillis()), ahead.get(), finish);
        }
    }

    /**
     * The wall-clock start of the window from one instant to another: the first's wall clock, or earlier
     * where the clocks went back in between (an autumn DST change), so that the window still spans its
     * length before its finish. The platform files records by wall clock alone, so the repeated hour is
     * read while it lasts (the dedupe absorbs the records of its first pass), not skipped until the
     * wall clock reaches the checkpoint again.
     */
    private static LocalDateTime wallClockStart(Instant from, Instant finish, Tenant tenant) {
        LocalDateTime start = LocalDateTime.ofInstant(from, tenant.zone());
        LocalDateTime lengthBeforeFinish = LocalDateTime.ofInstant(finish, tenant.zone()).minus(Duration.between(from, finish));
        return lengthBeforeFinish.isBefore(start) ? lengthBeforeFinish : start;
    }

    /** The window is in the outbox as far as it was read: the checkpoint moves there, never back. */
    public void windowDone(CdrWindow window) {
        TenantPolls tenantPolls = polls(window.getTenant());
        Optional<Instant> readUpTo = window.complete() ? Optional.of(tenantPolls.windowFinish)
                : window.readUpTo().map(local -> instant(window, local));
        Optional<Instant> checkpoint;
        String problem = null;
        synchronized (tenantPolls) {
            tenantPolls.failuresInARow = 0;
            Optional<Instant> previous = state.checkpoint(window.getTenant());
            boolean moved = advanceCheckpoint(window.getTenant(), previous, readUpTo);
            checkpoint = moved ? readUpTo : previous;
            tenantPolls.cutAt = window.complete() || window.cutByLeadership() ? null : checkpoint.orElse(null);
            // a window cut within its overlap, before it reached the checkpoint, made no progress to speak of: the next run
            // goes on from the checkpoint
            boolean fromTheCheckpoint = previous.isEmpty() || !window.getStart().atZone(window.getZone()).toInstant().isBefore(previous.get());
            if (!window.complete() && !moved && !window.cutByLeadership() && fromTheCheckpoint) {
                problem = "made no progress in " + window.range() + ": raise ccs.cdr.page-cap or use ccs.cdr.sorting=asc";
                LOG.warn("CDR poll of tenant {} made no progress in {}: its checkpoint stays at {}; "
                        + "raise ccs.cdr.page-cap or use ccs.cdr.sorting=asc", window.getTenant(), window.range(), checkpoint.orElse(null));
            }
        }
        // the status page shows a poll stuck at its page cap as not ok, as it shows a sweep cut short
        state.saveRun(window.getTenant(), SOURCE, problem, clock.instant());
        // the overlap reads delivered records again at every poll: a line per poll is for debugging only
        if (window.getRecords() > 0) {
            LOG.debug("CDR poll of tenant {}: {} records in {} pages from {}; checkpoint {}", window.getTenant(),
                    window.getRecords(), window.getPages(), window.range(), checkpoint.orElse(null));
        }
    }

    /** Moves the tenant's checkpoint from {@code previous} to {@code readUpTo} when that is later (never back); answers whether it did. */
    private boolean advanceCheckpoint(String tenant, Optional<Instant> previous, Optional<Instant> readUpTo) {
        if (readUpTo.isPresent() && (previous.isEmpty() || readUpTo.get().isAfter(previous.get()))) {
            state.saveCheckpoint(tenant, readUpTo.get(), clock.instant());
            polls(tenant).checkpointMoved = readUpTo.get();
            return true;
        }
        return false;
    }

    /**
     * The window a settle sweep of the tenant reads: up to the checkpoint, from the settle window before the checkpoint the
     * previous sweep read up to (never before {@code ccs.cdr.start}, nor further back than the dedupe remembers); after a
     * sweep that was cut short (it failed, {@link #settleFailed}, or its replica stopped leading, {@link #settleHandedOver}),
     * the rest of that one; null
     * before the tenant's first checkpoint, when there is nothing behind it, and while a sweep of the tenant is still
     * running. Every window handed out must be ended with {@link #settleFinished(String)}.
     * <p>
     * Reaching back from the previous sweep, not from the checkpoint: the checkpoint jumps when the polls go on after a
     * stop, a failover or an outage, and a long call that began before the jump and ended after the previous sweep would
     * otherwise lie behind every later sweep's window.
     */
    public CdrWindow settleWindow(String tenantName) {
        Tenant tenant = tenants.get(tenantName);
        TenantPolls tenantPolls = polls(tenant.name());
        synchronized (tenantPolls) {
            if (tenantPolls.settling) {
                LOG.debug("CDR settle sweep of tenant {} skipped: the previous one is still running", tenant.name());
                return null;
            }
            now(tenant.name());
            Optional<Instant> checkpoint = state.checkpoint(tenant.name());
            if (checkpoint.isEmpty()) {
                return null;
            }
            Instant finish = checkpoint.get();
            Instant dedupeRemembers = clock.instant().minus(settings.dedupeRetention());
            Optional<CdrState.SettleRest> rest = settleRest(tenant.name(), finish, dedupeRemembers);
            if (rest.isPresent()) {
                CdrWindow window = settling(tenantPolls, tenant, LocalDateTime.ofInstant(rest.get().from(), tenant.zone()), rest.get().to());
                LOG.info("CDR settle sweep of tenant {} goes on with {}, the rest of the previous sweep, which was cut short", tenant.name(), window.range());
                return window;
            }
            Instant reachBack = state.settledUpTo(tenant.name()).filter(finish::isAfter).orElse(finish).minus(settings.settleWindow());
            if (reachBack.isBefore(dedupeRemembers)) {
                reachBack = earliest(dedupeRemembers, finish.minus(settings.settleWindow()));
            }
            LocalDateTime to = LocalDateTime.ofInstant(finish, tenant.zone());
            LocalDateTime from = notBeforeStart(wallClockStart(reachBack, finish, tenant), to);
            if (to.isBefore(from)) {
                return null;
            }
            return settling(tenantPolls, tenant, from, finish);
        }
    }

    /**
     * The earliest time any tenant's next settle sweep or poll may read records from (route {@code crm-dedupe-retention}):
     * the dedupe store keeps every key delivered since, whatever its bound, or a record read again would be delivered twice.
     * A sweep reaches {@code ccs.cdr.settle-window} back from where the previous one read up to, not from now (so at least
     * a settle interval further), and further still after sweeps that failed, or from the rest of one cut short; an hour
     * more for a window whose wall-clock start moved across a clock change.
     */
    public Instant readAgainFrom() {
        Instant now = clock.instant();
        Instant earliest = now.minus(settings.settleWindow());
        Instant dedupeRemembers = now.minus(settings.dedupeRetention());
        // with the polls paused too (ccs.cdr.enabled=false, as a move to several replicas has it for a while): once they go
        // on, they and the sweeps read from the checkpoints kept
        for (Tenant tenant : tenants.all()) {
            Optional<Instant> checkpoint = state.checkpoint(tenant.name());
            if (checkpoint.isPresent()) {
                Instant finish = checkpoint.get();
                Instant sweepFrom = settleRest(tenant.name(), finish, dedupeRemembers).map(CdrState.SettleRest::from)
                        .orElseGet(() -> state.settledUpTo(tenant.name()).filter(finish::isAfter).orElse(finish).minus(settings.settleWindow()));
                // as far back as settleWindow reaches at most
                if (sweepFrom.isBefore(dedupeRemembers)) {
                    sweepFrom = earliest(dedupeRemembers, finish.minus(settings.settleWindow()));
                }
                earliest = earliest(earliest, earliest(sweepFrom, finish.minus(settings.overlap())));
            }
        }
        return earliest.minus(Duration.ofHours(1));
    }

    /** The sweep's window, from {@code from} up to {@code finish}, marked as the tenant's running sweep. */
    private CdrWindow settling(TenantPolls tenantPolls, Tenant tenant, LocalDateTime from, Instant finish) {
        tenantPolls.settling = true;
        tenantPolls.settleFinish = finish;
        return settings.window(tenant, from, LocalDateTime.ofInstant(finish, tenant.zone()), SETTLE);
    }

    /**
     * The rest of the tenant's previous sweep, which was cut short ({@link #settleFailed}, {@link #settleHandedOver}), when it is still to be read: up to a
     * checkpoint no finished sweep read up to yet and none past the checkpoint (a clock set back), from a time the dedupe
     * remembers. Otherwise none: the sweep reaches back from where the previous finished one read up to.
     */
    private Optional<CdrState.SettleRest> settleRest(String tenant, Instant checkpoint, Instant dedupeRemembers) {
        Optional<Instant> settled = state.settledUpTo(tenant);
        return state.settleRest(tenant).filter(rest -> settled.map(at -> !rest.to().isBefore(at)).orElse(true)
                && !rest.to().isAfter(checkpoint) && !rest.from().isAfter(rest.to()) && !rest.from().isBefore(dedupeRemembers));
    }

    /**
     * The tenants whose settle sweep is due (route {@code cdr-settle-timer}): their latest sweep, by whichever replica (table
     * {@code CDR_RUN}), ended {@code ccs.cdr.settle-interval} ago or longer; before their first sweep, their first checkpoint
     * was saved that long ago (or when that is not known). So a replica that takes the lead (a failover, a restart) sweeps at
     * once when a sweep is due, not a whole interval later, and does not repeat one that the previous leader has just run;
     * and a tenant's first polls are not read again at once, when no record behind them can have come late yet.
     */
    public List<String> settleDue() {
        Instant own = clock.instant();
        Instant endedBefore = own.minus(settings.settleInterval());
        // timed by a clock that ran ahead and was set back since: when the latest sweep ran is not known (see bringBack); the
        // later of this replica's clock and the database's, since this replica timed the sweeps it ran itself
        Instant shared = state.sharedNow().orElse(own);
        Instant ahead = (shared.isAfter(own) ? shared : own).plus(settings.overlap());
        // a tenant not polled yet has nothing to sweep: read as one whose first checkpoint is not known, it was due, and a
        // first poll that saved its checkpoint meanwhile (at startup both timers fire) had its records read again at once
        return tenants.all().stream().map(Tenant::name)
                .filter(tenant -> state.checkpoint(tenant).isPresent())
                .filter(tenant -> state.run(tenant, SETTLE).map(CdrState.Run::at).or(() -> state.firstSaved(tenant))
                        .map(latest -> !latest.isAfter(endedBefore) || latest.isAfter(ahead)).orElse(true))
                .toList();
    }

    /** Ends a sweep that {@link #settleWindow(String)} started, however it went. */
    public void settleFinished(String tenantName) {
        TenantPolls tenantPolls = polls(tenants.get(tenantName).name());
        synchronized (tenantPolls) {
            tenantPolls.settling = false;
        }
    }

    /**
     * A window's start reaching back (the poll's overlap, the settle window) from a checkpoint, never before
     * {@code ccs.cdr.start}: the calls before it are not the sync's. A checkpoint set before it by hand (to read again) is kept.
     */
    private LocalDateTime notBeforeStart(LocalDateTime from, LocalDateTime checkpoint) {
        return settings.start().filter(start -> start.isAfter(from) && !checkpoint.isBefore(start)).orElse(from);
    }

    private static Instant earliest(Instant one, Instant other) {
        return one.isBefore(other) ? one : other;
    }

    /**
     * A settle sweep's window is in the outbox as far as it was read. Cut short by the page cap with records oldest first,
     * the sweep goes on from the latest record read: the rest of its window is returned, to be read next, so that a sweep
     * reads its whole window however many records it holds. Cut at its start instead, the next sweep would reach back and
     * stop at the same place: the newer part, where the records of calls a little longer than the overlap land, would
     * never be read. Otherwise the sweep is done (null): the next one reaches back from its checkpoint; one line with its
     * upstream cost, a warning when it could not read all of its window (records newest first).
     */
    public CdrWindow settleDone(CdrWindow window) {
        if (window.cutByLeadership()) {
            settleHandedOver(window);
            return null;
        }
        Optional<LocalDateTime> readUpTo = window.readUpTo();
        if (!window.complete() && readUpTo.isPresent() && readUpTo.get().isAfter(window.getStart())) {
            LOG.info("CDR settle sweep of tenant {} read {} records in {} pages of {} (ccs.cdr.page-cap): it goes on from {}",
                    window.getTenant(), window.getRecords(), window.getPages(), window.range(), CdrWindow.WIRE_TIME.format(readUpTo.get()));
            return settings.window(tenants.get(window.getTenant()), readUpTo.get(), window.getFinish(), SETTLE);
        }
        state.saveSettledUpTo(window.getTenant(), polls(window.getTenant()).settleFinish);
        state.saveRun(window.getTenant(), SETTLE, window.complete() ? null : "read only part of " + window.range()
                + ": raise ccs.cdr.page-cap or shorten ccs.cdr.settle-window", clock.instant());
        if (window.complete()) {
            LOG.info("CDR settle sweep of tenant {} read {} again: {} records in {} pages", window.getTenant(), window.range(),
                    window.getRecords(), window.getPages());
        } else {
            LOG.warn("CDR settle sweep of tenant {} read only part of {} ({} records in {} pages): raise ccs.cdr.page-cap "
                    + "or shorten ccs.cdr.settle-window", window.getTenant(), window.range(), window.getRecords(), window.getPages());
        }
        return null;
    }

    /**
     * A settle sweep failed (upstream fault, outbox down) in {@code window}. Its pages in the outbox count, as a poll's do: the
     * next sweep reads only the rest, from the latest record they hold (records oldest first; else from where the failed
     * window began) up to this sweep's checkpoint, and then counts as this sweep done. Reaching back the whole settle window
     * again instead, a sweep of many pages that fails now and then at some page would seldom finish, and the records at the
     * end of its window, where the calls a little longer than the overlap land, would wait for hours.
     */
    public void settleFailed(CdrWindow window, Exception failure) {
        String tenant = window.getTenant();
        String problem = Secrets.mask(String.valueOf(failure.getMessage()));
        String next = keepSettleRest(window);
        state.saveRun(tenant, SETTLE, problem, clock.instant());
        LOG.warn("CDR settle sweep of tenant {} failed after {} records in the outbox ({}); the next one, in ccs.cdr.settle-interval, {}",
                tenant, window.getPublishedRecords(), problem, next);
    }

    /**
     * The sweep's replica no longer leads: it stopped after its page in flight of {@code window}, or before reading
     * {@code window}, the next part of a sweep cut by {@code ccs.cdr.page-cap}. The new leader's sweep goes on from there
     * rather than reaching back the whole settle window again.
     */
    public void settleHandedOver(CdrWindow window) {
        LOG.info("CDR settle sweep of tenant {} leaves the rest of its window to the new leader's sweep, which {}", window.getTenant(),
                keepSettleRest(window));
    }

    /**
     * Keeps what a sweep cut short left to read (from the latest record its pages in the outbox hold, else from where
     * its window began, up to its checkpoint) for the next sweep, of this leader or the next; answers where that goes on.
     */
    private String keepSettleRest(CdrWindow window) {
        String tenant = window.getTenant();
        LocalDateTime from = window.publishedUpTo().orElse(window.getStart());
        boolean kept = state.saveSettleRest(tenant, new CdrState.SettleRest(instant(window, from), polls(tenant).settleFinish));
        return kept ? "goes on from " + CdrWindow.WIRE_TIME.format(from) : "reaches back from where a later sweep read up to";
    }

    /** A time of the window's wall clock as an instant: in the repeated hour of an autumn clock change, the earlier one (read again, never skipped). */
    private static Instant instant(CdrWindow window, LocalDateTime wallClock) {
        return wallClock.atZone(window.getZone()).toInstant();
    }

    /**
     * The poll failed (upstream fault, outbox down): the next runs pause, and the checkpoint moves only as far as the
     * window's records are in the outbox (oldest first; with newest first it stays).
     */
    public void pollFailed(CdrWindow window, Exception failure) {
        String tenant = window.getTenant();
        state.saveRun(tenant, SOURCE, Secrets.mask(String.valueOf(failure.getMessage())), clock.instant());
        TenantPolls tenantPolls = polls(tenant);
        long intervalMillis = settings.interval().toMillis();
        synchronized (tenantPolls) {
            // the pages in the outbox before the failure count: a window that fails at a later page in every run
            // (a long backlog, a cursor that expires) would otherwise never get past its first pages
            Optional<Instant> previous = state.checkpoint(tenant);
            Optional<Instant> publishedUpTo = window.publishedUpTo().map(local -> instant(window, local));
            boolean moved = advanceCheckpoint(tenant, previous, publishedUpTo);
            Optional<Instant> checkpoint = moved ? publishedUpTo : previous;
            if (publishedUpTo.isPresent()) {
                // the window cut short by the failure, its pages in the outbox (within its overlap, perhaps): the next run goes
                // on from the checkpoint, as after one cut by the page cap
                tenantPolls.cutAt = checkpoint.orElse(null);
            }
            tenantPolls.failuresInARow++;
            long maxSkip = Math.max(1, settings.backoffMax().toMillis() / intervalMillis);
            long skip = Math.min(1L << Math.min(tenantPolls.failuresInARow - 1, 30), maxSkip);
            if (failure instanceof UpstreamException upstream && upstream.retryAfterSeconds() > 0) {
                long retryAfterRuns = (upstream.retryAfterSeconds() * 1000L + intervalMillis - 1) / intervalMillis - 1;
                skip = Math.max(skip, retryAfterRuns);
            }
            tenantPolls.runsToSkip = skip;
            LOG.warn("CDR poll of tenant {} failed after {} records in the outbox ({}); {}; {} failures in a row, the next {} runs ({}) are skipped",
                    tenant, window.getPublishedRecords(), Secrets.mask(String.valueOf(failure.getMessage())),
                    checkpoint.map(at -> "checkpoint at " + at).orElse("no checkpoint yet, the first window reads from " + window.getStart()),
                    tenantPolls.failuresInARow, skip, TimeUtils.printDuration(skip * intervalMillis));
        }
    }

    /** Ends a run that {@link #pollWindow(String)} started, however it went. */
    public void finished(String tenantName) {
        TenantPolls tenantPolls = polls(tenants.get(tenantName).name());
        synchronized (tenantPolls) {
            tenantPolls.running = false;
        }
    }

    /**
     * Seconds between now and the tenant's checkpoint (before the first checkpoint: where the polls start): how far the
     * CRM is behind.
     */
    public double lagSeconds(String tenantName) {
        return Math.max(0, Duration.between(behind(tenantName), clock.instant()).toMillis() / 1000.0);
    }

    /** The tenant's checkpoint (before the first checkpoint: where the polls start), read from the state store. */
    public Instant behind(String tenantName) {
        Tenant tenant = tenants.get(tenantName);
        return state.checkpoint(tenant.name()).orElseGet(() -> settings.start().or(() -> state.storedFirstStart(tenant.name()))
                .orElseGet(() -> LocalDateTime.now(clock.withZone(tenant.zone())).toLocalDate().atStartOfDay())
                .atZone(tenant.zone()).toInstant());
    }

    /**
     * The lag past which a tenant's CDR records count as behind: two polls missed (two {@code ccs.cdr.interval} and
     * {@code ccs.cdr.lag}), and at least 15 minutes. A fixed 15 minutes showed a tenant polled every half hour behind for
     * half of each interval.
     */
    public long lagLimitSeconds() {
        return Math.max(900, settings.interval().multipliedBy(2).plus(settings.lag()).toSeconds());
    }

    private TenantPolls polls(String tenant) {
        return polls.computeIfAbsent(tenant, name -> new TenantPolls());
    }
}
