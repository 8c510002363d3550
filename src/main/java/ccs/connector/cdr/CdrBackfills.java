package ccs.connector.cdr;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import ccs.connector.cdr.CdrState.Backfill;
import ccs.connector.cdr.CdrState.BackfillRun;
import ccs.connector.ccs.Tenant;
import ccs.connector.api.ApiException;
import ccs.connector.api.NotFoundException;
import ccs.connector.api.RequestDays;
import ccs.connector.event.InvalidFieldException;
import ccs.connector.ccs.Tenants;
import ccs.connector.ccs.UpstreamException;
import ccs.connector.config.Secrets;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backfills of past CDR records (routes in {@code cdr-backfill.camel.yaml}): a range of the tenant's wall
 * clock read in windows of {@code ccs.cdr.backfill.window} through the same pipeline as the polls.
 * Progress is kept in the state store ({@link CdrState}) after every window, so a backfill that a stop or a
 * failure interrupted goes on from the window it was in. One backfill at a time per tenant.
 */
public final class CdrBackfills {

    private static final Logger LOG = LoggerFactory.getLogger(CdrBackfills.class);

    public static final String SOURCE = "backfill";
    /** A day ({@link RequestDays#DAY}), then THH:mm, THH:mm:ss or THH:mm:ss.fraction, as ISO's local date-time. */
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder().append(RequestDays.DAY).appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':').appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    /** A second backfill for a tenant while one is under way: 409. */
    public static final class BackfillRunningException extends ApiException {
        public BackfillRunningException(Backfill running) {
            super(409, "a CDR backfill of tenant " + running.tenant() + " from " + running.from() + " to " + running.to()
                    + " is under way (" + Math.round(running.percentDone()) + "% done): wait for it to finish");
        }
    }

    private final Tenants tenants;
    private final CdrState state;
    private final CdrSettings settings;
    private final Duration retry;
    private final int maxDays;
    private final Clock clock;
    /** The tenants whose backfill this replica runs, and when its run started: a run ends only its own outcome. */
    private final Map<String, Instant> running = new ConcurrentHashMap<>();
    /** The tenants that {@link #resumable} handed to the run queue and no run has taken from it yet. */
    private final Set<String> queued = new HashSet<>();
    /** The tenants whose Call Center Studio asked for a pause (a 429's or 503's Retry-After), until when: no resume before. */
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();
    /** The tenants with an unfinished backfill that this connector no longer serves, told once each. */
    private final Set<String> notServed = new HashSet<>();

    /**
     * @param retry   how often route cdr-backfill-resume takes up interrupted backfills ({@code ccs.cdr.backfill.retry})
     * @param maxDays the longest range one backfill reads ({@code ccs.cdr.backfill.max-days})
     */
    public CdrBackfills(Tenants tenants, CdrState state, CdrSettings settings, Duration retry, int maxDays, Clock clock) {
        this.tenants = tenants;
        this.state = state;
        this.settings = settings;
        this.retry = retry;
        this.maxDays = maxDays;
        this.clock = clock;
    }

    /**
     * Records a new backfill of the tenant over [from, to] (wall-clock times such as
     * {@code 2026-11-02T08:00:00}, {@code 2026-11-02 08:00:00} or a date, which means its start);
     * answers its description. An argument that cannot be read, a range that reaches into the future or spans more than
     * {@code maxDays} throws {@link InvalidFieldException} naming it.
     */
    public synchronized Map<String, Object> start(String tenantName, String from, String to) {
        Tenant tenant = tenants.get(tenantName);
        LocalDateTime start = wallClock("from", from, LocalTime.MIDNIGHT);
        // a day as to means all of it: the last second of a window is read too
        LocalDateTime finish = wallClock("to", to, LocalTime.of(23, 59, 59));
        if (!finish.isAfter(start)) {
            throw new InvalidFieldException("to", "(" + finish + ") must lie after from (" + start + ")");
        }
        // the hours still to come are the regular poll's: read now, they would count as done with nothing in them
        if (finish.isAfter(LocalDateTime.now(clock.withZone(tenant.zone())))) {
            throw new InvalidFieldException("to", "(" + finish + ") lies in the future of tenant " + tenant.name()
                    + ": a backfill reads the past, the regular poll what comes");
        }
        if (finish.isAfter(start.plusDays(maxDays))) {
            throw new InvalidFieldException("to", "(" + finish + ") lies more than " + maxDays + " days after from (" + start
                    + "): backfill a longer range in parts, or raise ccs.cdr.backfill.max-days");
        }
        Backfill backfill = new Backfill(tenant.name(), start, finish, start, 0, 0);
        // each window ends where the next one begins, the last one at to
        long windowSeconds = settings.backfillWindow().toSeconds();
        long windows = (Duration.between(start, finish).toSeconds() + windowSeconds - 1) / windowSeconds;
        if (!state.startBackfill(backfill, windows, clock.instant())) {
            throw new BackfillRunningException(state.backfill(tenant.name()).orElse(backfill));
        }
        LOG.info("CDR backfill of tenant {} from {} to {} starts: {} windows of {}", tenant.name(), start, finish,
                windows, TimeUtils.printDuration(settings.backfillWindow().toMillis()));
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("tenant", tenant.name());
        description.put("from", start.toString());
        description.put("to", finish.toString());
        description.put("windows", windows);
        return description;
    }

    /**
     * Takes the tenant's backfill for this thread; false when another thread runs it already. A claim that fails (the
     * database briefly away) leaves the backfill unclaimed, for the next resume to take.
     */
    public synchronized boolean claim(String tenant) {
        Instant started = clock.instant();
        if (running.putIfAbsent(tenant, started) != null) {
            return false;
        }
        try {
            state.backfill(tenant).ifPresent(backfill -> {
                state.runStarted(tenant, backfill.percentDone(), started);
                if (backfill.windowsDone() > 0) {
                    LOG.info("CDR backfill of tenant {} from {} to {} resumes at {} ({}% done)", tenant, backfill.from(), backfill.to(),
                            backfill.next(), Math.round(backfill.percentDone()));
                }
            });
        } catch (RuntimeException e) {
            running.remove(tenant);
            throw e;
        }
        return true;
    }

    /**
     * The thread lets go of the tenant's backfill: done, failed, or else stopped before its end. A replica that lost the
     * lead meanwhile marks its own run interrupted, never the run of the replica that took over.
     */
    public synchronized void release(String tenant) {
        Instant started = running.remove(tenant);
        if (started != null) {
            state.runEnded(tenant, started, "interrupted", null, clock.instant());
        }
    }

    /**
     * DELETE /api/v1/cdr/backfill: cancels the tenant's unfinished backfill, whichever replica runs it. The run reading a
     * window finishes it (its records go to the CRM, the progress stays where it was) and stops; nothing resumes it, and a
     * new backfill may start. Answers its description; 404 when the tenant has no unfinished backfill.
     */
    public Map<String, Object> cancel(String tenantName) {
        Tenant tenant = tenants.get(tenantName);
        if (!state.cancelBackfill(tenant.name(), clock.instant())) {
            throw new NotFoundException("tenant " + tenant.name() + " has no CDR backfill under way");
        }
        Map<String, Object> description = describe(tenant.name());
        LOG.info("CDR backfill of tenant {} from {} to {} cancelled at {}% done", tenant.name(), description.get("from"),
                description.get("to"), description.get("percent"));
        return description;
    }

    /**
     * Tenants whose backfill is unfinished, not running and not waiting in the run queue already: after a restart or a
     * failure. Answered ones count as queued until {@link #dequeued}: with more backfills than runs at a time
     * ({@code ccs.cdr.backfill.concurrency}), each resume would queue the waiting ones once more, and the queue would grow
     * for as long as the backfills run.
     */
    public synchronized List<String> resumable() {
        Instant now = clock.instant();
        List<String> due = state.tenantsWithBackfill().stream().filter(this::served)
                .filter(tenant -> !running.containsKey(tenant) && !queued.contains(tenant))
                .filter(tenant -> !pausedUntil.getOrDefault(tenant, Instant.EPOCH).isAfter(now)).toList();
        queued.addAll(due);
        return due;
    }

    /**
     * A backfill of a tenant taken off {@code ccs.tenants} stays where it was, to go on should the tenant be served again;
     * without its tenant's settings it cannot run (nor be cancelled through the API). Said once per tenant. A tenant respelt
     * in another letter case has its progress under the new spelling: the old one's is left as well.
     */
    private boolean served(String tenant) {
        if (tenants.find(tenant).filter(served -> served.name().equals(tenant)).isPresent()) {
            return true;
        }
        if (notServed.add(tenant)) {
            LOG.info("CDR backfill of tenant {} left where it stands: ccs.tenants no longer lists the tenant", tenant);
        }
        return false;
    }

    /** The run queue handed the tenant's entry to a run (route cdr-backfill-run), which takes it up or not: it may be queued again. */
    public synchronized void dequeued(String tenant) {
        queued.remove(tenant);
    }

    /** The next window of the tenant's backfill, or null once it is done or cancelled. */
    public CdrWindow nextWindow(String tenantName) {
        Tenant tenant = tenants.get(tenantName);
        Optional<BackfillRun> found = state.backfillRun(tenant.name());
        if (found.isEmpty()) {
            return null;
        }
        BackfillRun run = found.get();
        Backfill backfill = run.backfill();
        if (run.outcome().equals(CdrState.CANCELLED)) {
            LOG.info("CDR backfill of tenant {} from {} to {} stops: it was cancelled ({} records in {} windows)", tenant.name(),
                    backfill.from(), backfill.to(), backfill.records(), backfill.windowsDone());
            return null;
        }
        Instant ours = running.get(tenant.name());
        if (ours != null && run.outcome().equals("running") && run.outcomeAt().toEpochMilli() != ours.toEpochMilli()) {
            // a new backfill, started while this run ended a cancelled one's window, is the resume's to run: it ends its own run
            LOG.info("CDR backfill of tenant {}: this run stops, another run of it started meanwhile", tenant.name());
            return null;
        }
        if (backfill.finished()) {
            LOG.info("CDR backfill of tenant {} from {} to {} is done: {} records in {} windows", tenant.name(),
                    backfill.from(), backfill.to(), backfill.records(), backfill.windowsDone());
            return null;
        }
        LocalDateTime end = backfill.next().plus(settings.backfillWindow());
        return settings.window(tenant, backfill.next(), end.isAfter(backfill.to()) ? backfill.to() : end, SOURCE);
    }

    /**
     * The window is in the outbox as far as it was read: the backfill goes on from there. Only the backfill the window was
     * planned from, still at its start, moves: another run may have moved it on, or (a replica that lost the lead, ending
     * its window late) a new backfill replaced it.
     */
    public void windowDone(CdrWindow window) {
        Backfill backfill = state.backfill(window.getTenant())
                .orElseThrow(() -> new IllegalStateException("the CDR backfill of tenant " + window.getTenant() + " has no progress"));
        // windows share their bounds' seconds: the platform may keep a call's start to the millisecond and compare it
        // with the second asked for, or take finishdate as exclusive, and a call begun within the last second of a window
        // would lie in neither; read twice, its record is one for the dedupe. Past the backfill's to, it is done.
        LocalDateTime next = !window.complete() ? window.readUpTo().orElse(window.getStart())
                : window.getFinish().equals(backfill.to()) ? backfill.to().plusSeconds(1) : window.getFinish();
        if (!next.isAfter(window.getStart())) {
            throw new IllegalStateException("the CDR backfill of tenant " + window.getTenant() + " made no progress in "
                    + window.range() + ": raise ccs.cdr.page-cap or use ccs.cdr.sorting=asc");
        }
        // a window cut short (the page cap, a repeated cursor) goes on as the next one: counted, it made more windows done
        // than the backfill has
        Backfill progressed = new Backfill(backfill.tenant(), backfill.from(), backfill.to(), next,
                backfill.windowsDone() + (window.complete() ? 1 : 0), backfill.records() + window.getRecords());
        if (!backfill.next().equals(window.getStart()) || !state.saveBackfill(progressed, backfill, clock.instant())) {
            // a stale leader's run, or a cancelled backfill: its window went out (the dedupe absorbs a second read), its
            // progress is not the backfill's
            LOG.warn("CDR backfill of tenant {}: window {} was read, but the backfill was cancelled or another run moved it on meanwhile; "
                    + "its progress stands",
                    window.getTenant(), window.range());
            return;
        }
        LOG.info("CDR backfill of tenant {}: window {} done ({} records in {} pages), {}% done", window.getTenant(),
                window.range(), window.getRecords(), window.getPages(), Math.round(progressed.percentDone()));
    }

    /**
     * The backfill stopped on a failure in {@code window} (null when none was being read): its progress moves as far as
     * that window's pages went into the outbox (records oldest first), so a window that fails at a later page in every
     * run still gets on; route cdr-backfill-resume takes it up again later.
     */
    public void failed(String tenant, CdrWindow window, Exception failure) {
        Optional<LocalDateTime> publishedUpTo = window == null ? Optional.empty() : window.publishedUpTo();
        if (publishedUpTo.isPresent()) {
            // only from the window's start, as windowDone: the window may be one done before the failure, or one of a
            // backfill that a new one replaced
            state.backfill(tenant).filter(backfill -> backfill.next().equals(window.getStart()) && publishedUpTo.get().isAfter(backfill.next()))
                    .ifPresent(backfill -> state.saveBackfill(new Backfill(backfill.tenant(), backfill.from(), backfill.to(),
                            publishedUpTo.get(), backfill.windowsDone(), backfill.records() + window.getPublishedRecords()), backfill,
                            clock.instant()));
        }
        String reason = Secrets.mask(String.valueOf(failure.getMessage()));
        if (failure instanceof UpstreamException upstream && upstream.retryAfterSeconds() > 0) {
            // as the polls do: asked again sooner, a throttling platform is only asked more often
            pausedUntil.put(tenant, clock.instant().plusSeconds(upstream.retryAfterSeconds()));
            LOG.warn("CDR backfill of tenant {} paused ({}); Call Center Studio asked for {} s: it goes on from where it stopped "
                    + "within ccs.cdr.backfill.retry after that", tenant, reason, upstream.retryAfterSeconds());
        } else {
            pausedUntil.remove(tenant);
            LOG.warn("CDR backfill of tenant {} paused ({}); it goes on from where it stopped within ccs.cdr.backfill.retry", tenant, reason);
        }
        runEnded(tenant, "failed", reason.length() > 500 ? reason.substring(0, 497) + "..." : reason);
    }

    private void runEnded(String tenant, String outcome, String reason) {
        Instant started = running.get(tenant);
        if (started != null) {
            state.runEnded(tenant, started, outcome, reason, clock.instant());
        }
    }

    /**
     * GET /api/v1/cdr/backfill: the latest backfill of each tenant, or of the named one, with its progress and outcome
     * (the fields are described in the OpenAPI document, schema BackfillStatus).
     */
    public Map<String, Object> report(String tenantName) {
        List<Tenant> chosen = tenantName == null || tenantName.isBlank() ? List.copyOf(tenants.all()) : List.of(tenants.get(tenantName));
        return Map.of("backfills", chosen.stream().map(tenant -> describe(tenant.name())).toList());
    }

    private Map<String, Object> describe(String tenant) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("tenant", tenant);
        Optional<BackfillRun> found = state.backfillRun(tenant);
        if (found.isEmpty()) {
            description.put("state", "none");
            return description;
        }
        BackfillRun run = found.get();
        Backfill backfill = run.backfill();
        Instant now = clock.instant();
        description.put("state", run.outcome());
        description.put("from", backfill.from().toString());
        description.put("to", backfill.to().toString());
        description.put("windowsDone", backfill.windowsDone());
        description.put("windows", run.windows());
        description.put("records", backfill.records());
        // rounded down: 99.96 is not yet 100
        description.put("percent", Math.floor(backfill.percentDone() * 10) / 10);
        if (run.startedAt() != null) {
            description.put("startedAt", run.startedAt().toString());
        }
        if (run.outcomeAt() == null) {
            return description;
        }
        if (run.outcome().equals("running")) {
            // from the pace of this run: a run after a pause does not count the pause
            double gained = backfill.percentDone() - run.runStartedPercent();
            if (gained > 0) {
                double seconds = Duration.between(run.outcomeAt(), now).toMillis() / 1000.0;
                description.put("secondsLeft", Math.round(seconds * (100 - backfill.percentDone()) / gained));
            }
            return description;
        }
        description.put("endedAt", run.outcomeAt().toString());
        if (run.reason() != null) {
            description.put("reason", run.reason());
        }
        if (!run.outcome().equals("done") && !run.outcome().equals(CdrState.CANCELLED)) {
            Instant resumes = run.outcomeAt().plus(retry);
            Instant paused = pausedUntil.get(tenant);
            if (paused != null && paused.isAfter(resumes)) {
                resumes = paused.plus(retry);
            }
            description.put("resumesBy", (resumes.isAfter(now) ? resumes : now.plus(retry)).toString());
        }
        return description;
    }

    /** Share of the tenant's latest backfill done, 0 to 100; 0 before any. Every replica reads the same progress. */
    public double percentDone(String tenantName) {
        return state.backfill(tenants.get(tenantName).name()).map(Backfill::percentDone).orElse(0.0);
    }

    /** A time of the tenant's wall clock; a day alone is that day at {@code timeOfDay}. */
    private static LocalDateTime wallClock(String field, String value, LocalTime timeOfDay) {
        if (value == null || value.isBlank()) {
            throw new InvalidFieldException(field, "is missing: give a time such as 2026-11-02T08:00:00 (tenant's wall clock)");
        }
        String text = value.trim();
        LocalDateTime time;
        try {
            // whole seconds, as the platform files calls: a fraction would move every window's start past a record
            time = text.length() == 10 ? LocalDate.parse(text, RequestDays.DAY).atTime(timeOfDay)
                    : LocalDateTime.parse(text.replace(' ', 'T'), TIME).truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            throw new InvalidFieldException(field, "is not a time such as 2026-11-02T08:00:00 (tenant's wall clock; "
                    + "yyyy-MM-dd with a four-digit year)");
        }
        if (time.toLocalDate().isBefore(RequestDays.EARLIEST)) {
            throw new InvalidFieldException(field, "(" + time + ") lies before " + RequestDays.EARLIEST
                    + ": give a time such as 2026-11-02T08:00:00 (tenant's wall clock)");
        }
        return time;
    }
}
