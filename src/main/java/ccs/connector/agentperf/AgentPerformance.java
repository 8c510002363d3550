package ccs.connector.agentperf;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import ccs.connector.agentperf.AgentPerformanceState.Progress;
import ccs.connector.api.ApiException;
import ccs.connector.api.NotFoundException;
import ccs.connector.api.RequestDays;
import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.ccs.UpstreamException;
import ccs.connector.config.Secrets;
import ccs.connector.event.CloudEvent;
import ccs.connector.event.Events;
import ccs.connector.event.InvalidFieldException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent performance (routes {@code agent-performance*.camel.yaml}): each agent's figures of a day from function
 * {@code reportsAgentPerf}, asked for one day at a time ({@code startdate} = {@code finishdate}), as one
 * {@code ccs.agent.performance} event per agent and day.
 * <ul>
 * <li>The daily run: once the tenant's {@code ccs.agent-performance.time} has passed, the previous day is due; days
 * missed while no connector ran are caught up, at most {@code ccs.agent-performance.catch-up-days} of them. The
 * checkpoint (the next day to send) moves only once a day's events are in the outbox.</li>
 * <li>Backfills of past days ({@link #startBackfill}), kept in the state store like the checkpoint.</li>
 * <li>The same figures on demand ({@link #days}, {@link #collect}).</li>
 * </ul>
 */
public final class AgentPerformance {

    private static final Logger LOG = LoggerFactory.getLogger(AgentPerformance.class);

    /** One run to make: the daily one or the backfill of a tenant. */
    public record Job(String tenant, String kind) {
    }

    /** A second backfill for a tenant while one is unfinished: 409. */
    public static final class BackfillRunningException extends ApiException {
        BackfillRunningException(Progress running) {
            super(409, "an agent performance backfill of tenant " + running.tenant() + " from " + running.from() + " to " + running.to()
                    + " is under way (" + running.daysDone() + " days done, next " + running.next() + "): wait for it to finish");
        }
    }

    private final Tenants tenants;
    private final AgentPerformanceState state;
    private final Events events;
    private final Map<String, LocalTime> times;
    private final int catchUpDays;
    private final int maxDays;
    private final Duration retry;
    private final Duration answerTimeout;
    private final Clock clock;
    private final Set<Job> running = ConcurrentHashMap.newKeySet();

    /**
     * @param times       per tenant name, the time of day of its daily run; a tenant missing here has none
     * @param catchUpDays the most past days the daily run catches up
     * @param maxDays     the most days one request or backfill covers
     * @param retry       how long a run waits after a failed day before it tries the day again
     * @param answerTimeout how long a request on demand may go on asking for its days
     */
    public AgentPerformance(Tenants tenants, AgentPerformanceState state, Events events, Map<String, LocalTime> times, int catchUpDays,
                            int maxDays, Duration retry, Duration answerTimeout, Clock clock) {
        this.tenants = tenants;
        this.state = state;
        this.events = events;
        this.times = Map.copyOf(times);
        this.catchUpDays = catchUpDays;
        this.maxDays = maxDays;
        this.retry = retry;
        this.answerTimeout = answerTimeout;
        this.clock = clock;
    }

    // ---- the daily run and backfills ----------------------------------------------------------------

    /** The runs with a day to send now. */
    public List<Job> pending() {
        List<Job> jobs = new ArrayList<>();
        for (Tenant tenant : tenants.all()) {
            for (String kind : List.of(AgentPerformanceState.DAILY, AgentPerformanceState.BACKFILL)) {
                if (next(tenant.name(), kind) != null) {
                    jobs.add(new Job(tenant.name(), kind));
                }
            }
        }
        return jobs;
    }

    /**
     * The runs with a day to send now that are not running already, from now on running until {@link #finished}: the leader
     * runs them side by side and its timer does not wait for them, so a tenant whose Call Center Studio is slow holds no
     * other tenant's run, and its own is not started twice.
     */
    public List<Job> start() {
        return pending().stream().filter(running::add).toList();
    }

    /** The run ended, done or failed: the next check may start it again. */
    public void finished(String tenant, String kind) {
        running.remove(new Job(tenant, kind));
    }

    /** The next day the tenant's run of the kind sends, or null when it has none now (or waits after a failed day). */
    public LocalDate next(String tenantName, String kind) {
        Tenant tenant = tenants.get(tenantName);
        Optional<Progress> progress = state.progress(tenant.name(), kind);
        if (progress.filter(p -> "failed".equals(p.outcome()) && p.at().plus(retry).isAfter(clock.instant())).isPresent()) {
            return null;
        }
        if (AgentPerformanceState.BACKFILL.equals(kind)) {
            return progress.filter(p -> !p.finished()).map(Progress::next).orElse(null);
        }
        LocalTime time = times.get(tenant.name());
        if (time == null) {
            return null;
        }
        ZonedDateTime now = clock.instant().atZone(tenant.zone());
        LocalDate lastDue = now.toLocalDate().minusDays(now.toLocalTime().isBefore(time) ? 2 : 1);
        LocalDate oldest = lastDue.minusDays(catchUpDays - 1L);
        LocalDate next = progress.map(Progress::next).orElse(lastDue);
        if (next.isBefore(oldest)) {
            LOG.warn("Agent performance of tenant {}: the days {} to {} were missed and are older than ccs.agent-performance.catch-up-days "
                    + "({}): they are left out (a backfill sends them)", tenant.name(), next, oldest.minusDays(1), catchUpDays);
            state.skipTo(tenant.name(), AgentPerformanceState.DAILY, oldest);
            next = oldest;
        }
        return next.isAfter(lastDue) ? null : next;
    }

    /** The day's events are in the outbox: the run goes on with the next day. */
    public void dayDone(String tenant, String kind, LocalDate day, int sent) {
        state.dayDone(tenant, kind, day, sent, clock.instant());
        LOG.info("Agent performance of tenant {} for {} is in the outbox: {} agents ({})", tenant, day, sent, kind);
        if (AgentPerformanceState.BACKFILL.equals(kind)) {
            state.progress(tenant, kind).filter(Progress::finished).ifPresent(done -> LOG.info(
                    "Agent performance backfill of tenant {} from {} to {} is done: {} events in {} days", tenant, done.from(), done.to(),
                    done.events(), done.daysDone()));
        }
    }

    /** The day failed; the run stays at it and tries it again after {@code ccs.agent-performance.retry}. */
    public void failed(String tenant, String kind, LocalDate day, Exception failure) {
        String reason = Secrets.mask(String.valueOf(failure.getMessage()));
        LOG.warn("Agent performance of tenant {} for {} ({}) failed ({}); it is tried again after ccs.agent-performance.retry",
                tenant, day, kind, reason);
        state.failed(tenant, kind, day, reason, clock.instant());
    }

    /**
     * Records a backfill of the tenant's days [from, to] (yyyy-MM-dd, before today in the tenant's zone) and answers its
     * description; the leader runs it at its next check. 409 while the tenant has one unfinished; 400 for input that cannot be read.
     */
    public synchronized Map<String, Object> startBackfill(String tenantName, String from, String to) {
        Tenant tenant = tenants.get(tenantName);
        LocalDate first = day("from", from);
        LocalDate last = day("to", to);
        checkRange(first, last);
        LocalDate today = LocalDate.now(clock.withZone(tenant.zone()));
        if (!last.isBefore(today)) {
            throw new InvalidFieldException("to", "(" + last + ") is not over yet for tenant " + tenant.name()
                    + ": a backfill sends days before today (" + today + ")");
        }
        if (!state.startBackfill(tenant.name(), first, last, clock.instant())) {
            throw new BackfillRunningException(state.progress(tenant.name(), AgentPerformanceState.BACKFILL).orElseThrow());
        }
        long days = ChronoUnit.DAYS.between(first, last) + 1;
        LOG.info("Agent performance backfill of tenant {} from {} to {}: {} days", tenant.name(), first, last, days);
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("tenant", tenant.name());
        description.put("from", first.toString());
        description.put("to", last.toString());
        description.put("days", days);
        return description;
    }

    /**
     * DELETE /api/v1/agents/performance/backfill: cancels the tenant's unfinished backfill, whichever replica runs it; a day
     * being sent goes on to the CRM, no later one does, and a new backfill may start. Answers its description; 404 when
     * the tenant has no unfinished backfill.
     */
    public Map<String, Object> cancelBackfill(String tenantName) {
        Tenant tenant = tenants.get(tenantName);
        if (!state.cancelBackfill(tenant.name(), clock.instant())) {
            throw new NotFoundException("tenant " + tenant.name() + " has no agent performance backfill under way");
        }
        Map<String, Object> description = backfill(tenant.name());
        LOG.info("Agent performance backfill of tenant {} from {} to {} cancelled after {} days", tenant.name(), description.get("from"),
                description.get("to"), description.get("daysDone"));
        return description;
    }

    /** GET /api/v1/agents/performance/backfill: the latest backfill of each tenant, or of the named one (schema AgentPerformanceBackfills). */
    public Map<String, Object> report(String tenantName) {
        List<Tenant> chosen = tenantName == null || tenantName.isBlank() ? List.copyOf(tenants.all()) : List.of(tenants.get(tenantName));
        return Map.of("backfills", chosen.stream().map(tenant -> backfill(tenant.name())).toList());
    }

    /**
     * What GET /api/v1/status shows of the tenant's agent performance (schema AgentPerformanceStatus): the time of day of
     * its daily run (null: none), the next day that run sends and how its latest day went, and its latest backfill.
     */
    public Map<String, Object> status(String tenantName) {
        String tenant = tenants.get(tenantName).name();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("time", times.containsKey(tenant) ? times.get(tenant).toString() : null);
        state.progress(tenant, AgentPerformanceState.DAILY).ifPresent(daily -> {
            status.put("nextDay", daily.next().toString());
            Map<String, Object> lastRun = new LinkedHashMap<>();
            lastRun.put("ok", !"failed".equals(daily.outcome()));
            lastRun.put("at", daily.at().toString());
            if (daily.reason() != null) {
                lastRun.put("problem", daily.reason());
            }
            status.put("lastRun", lastRun);
        });
        status.put("backfill", backfill(tenant));
        return status;
    }

    private Map<String, Object> backfill(String tenant) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("tenant", tenant);
        Optional<Progress> found = state.progress(tenant, AgentPerformanceState.BACKFILL);
        if (found.isEmpty()) {
            description.put("state", "none");
            return description;
        }
        Progress backfill = found.get();
        description.put("state", backfill.outcome());
        description.put("from", backfill.from().toString());
        description.put("to", backfill.to().toString());
        description.put("days", ChronoUnit.DAYS.between(backfill.from(), backfill.to()) + 1);
        description.put("daysDone", backfill.daysDone());
        description.put("events", backfill.events());
        description.put("at", backfill.at().toString());
        if (backfill.reason() != null) {
            description.put("reason", backfill.reason());
        }
        return description;
    }

    // ---- one day's report ---------------------------------------------------------------------------

    /** The parameters of {@code reportsAgentPerf} for one day, with the filters (agent, email, team) that are set. */
    public Map<String, Object> params(LocalDate day, Map<String, String> filter) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("startdate", day.toString());
        params.put("finishdate", day.toString());
        if (filter != null) {
            params.putAll(filter);
        }
        return params;
    }

    /** The filters of a request: agent, email and team, those with a value. */
    public Map<String, String> filter(String agent, String email, String team) {
        Map<String, String> filter = new LinkedHashMap<>();
        putIfSet(filter, "agent", agent);
        putIfSet(filter, "email", email);
        putIfSet(filter, "team", team);
        return filter;
    }

    private static void putIfSet(Map<String, String> filter, String name, String value) {
        if (value != null && !value.isBlank()) {
            filter.put(name, value.trim());
        }
    }

    /**
     * The events of one day's answer: one per row (agent). The rows are the first list of objects in the answer that holds
     * any, under whatever name (the shape is not published); a failure envelope or an answer without rows and without
     * {@code "success": true} is Call Center Studio's fault (502). A row that names no agent, or an agent a row before named, is
     * left out with a warning.
     */
    public List<CloudEvent> events(String tenant, LocalDate day, Map<String, Object> answer) {
        String name = tenants.get(tenant).name();
        Object success = answer.get("success");
        if (Boolean.FALSE.equals(success) || "false".equals(success)) {
            throw UpstreamException.refused(name, "refused reportsAgentPerf for " + day + ": " + answer.get("message"));
        }
        List<Map<String, Object>> rows = rows(answer);
        if (rows == null) {
            if (Boolean.TRUE.equals(success) || "true".equals(success)) {
                return List.of();
            }
            throw UpstreamException.garbage(name, "a reportsAgentPerf without a list of agents");
        }
        Map<String, CloudEvent> built = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            try {
                CloudEvent event = events.agentPerformance(name, day, row);
                if (built.putIfAbsent(event.getId(), event) != null) {
                    LOG.warn("Agent performance of tenant {} for {}: a second row of agent {} is left out (one event per agent and day)",
                            name, day, event.getSubject());
                }
            } catch (InvalidFieldException e) {
                LOG.warn("Agent performance of tenant {} for {}: a row is left out: {}", name, day, e.getMessage());
            }
        }
        return List.copyOf(built.values());
    }

    /** The first list of objects that holds any; an empty list when the answer's lists are all empty; null without a list. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(Map<String, Object> answer) {
        List<Map<String, Object>> none = null;
        for (Object value : answer.values()) {
            if (value instanceof List<?> list && list.stream().allMatch(Map.class::isInstance)) {
                if (!list.isEmpty()) {
                    return (List<Map<String, Object>>) list;
                }
                // an empty list ahead of the rows (teams, say) is no answer of "no agents"
                none = List.of();
            }
        }
        return none;
    }

    // ---- GET /api/v1/agents/performance ------------------------------------------------------------

    /** The days of a request, from {@code from} to {@code to} (yyyy-MM-dd; {@code to} defaults to {@code from}), none after today. */
    public Deque<LocalDate> days(String tenantName, String from, String to) {
        Tenant tenant = tenants.get(tenantName);
        LocalDate first = day("from", from);
        LocalDate last = to == null || to.isBlank() ? first : day("to", to);
        checkRange(first, last);
        LocalDate today = LocalDate.now(clock.withZone(tenant.zone()));
        // the field the client sent that is at fault: from when to is left out (it defaults to from) or the whole range is ahead
        if (first.isAfter(today)) {
            throw new InvalidFieldException("from", "(" + first + ") lies in the future of tenant " + tenant.name() + " (today is " + today + ")");
        }
        if (last.isAfter(today)) {
            throw new InvalidFieldException("to", "(" + last + ") lies in the future of tenant " + tenant.name() + " (today is " + today + ")");
        }
        Deque<LocalDate> days = new ArrayDeque<>();
        first.datesUntil(last.plusDays(1)).forEach(days::add);
        return days;
    }

    /** The answer of a request: the tenant, the range and the figures (each event's data), filled by {@link #collect}. */
    public Map<String, Object> answer(String tenantName, Deque<LocalDate> days) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("tenant", tenants.get(tenantName).name());
        answer.put("from", days.getFirst().toString());
        answer.put("to", days.getLast().toString());
        answer.put("performance", new ArrayList<>());
        return answer;
    }

    /** When a request on demand that begins now must stop asking for more days. */
    public Instant deadline() {
        return clock.instant().plus(answerTimeout);
    }

    /**
     * Refuses to ask for another day once the request's deadline has passed (504): each day may take up to
     * {@code ccs.api.cdr-timeout}, and a slow Call Center Studio would otherwise hold the request, and one of
     * {@code connector.api.max-reports-in-flight}, for minutes, long after the CRM gave up on it.
     */
    public void inTime(String tenantName, Instant deadline, Deque<LocalDate> daysLeft) {
        if (clock.instant().isAfter(deadline)) {
            throw UpstreamException.tooSlow(tenants.get(tenantName).name(), "reportsAgentPerf", daysLeft.size()
                    + " days of the range were still to be asked for after " + answerTimeout.toSeconds()
                    + "s, ccs.agent-performance.answer-timeout: ask for fewer days at once, or send them to the CRM with a backfill");
        }
    }

    /** Adds the data of one day's events to the answer. */
    @SuppressWarnings("unchecked")
    public void collect(Map<String, Object> answer, List<CloudEvent> dayEvents) {
        dayEvents.forEach(event -> ((List<Object>) answer.get("performance")).add(event.getData()));
    }

    private void checkRange(LocalDate first, LocalDate last) {
        if (last.isBefore(first)) {
            throw new InvalidFieldException("to", "(" + last + ") lies before from (" + first + ")");
        }
        long days = ChronoUnit.DAYS.between(first, last) + 1;
        if (days > maxDays) {
            throw new InvalidFieldException("to", "makes a range of " + days + " days: at most " + maxDays
                    + " (ccs.agent-performance.max-days) at once");
        }
    }

    private static LocalDate day(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidFieldException(field, "is missing: give a day such as 2026-11-02");
        }
        String text = value.trim();
        LocalDate day;
        try {
            day = LocalDate.parse(text, RequestDays.DAY);
        } catch (DateTimeParseException e) {
            throw new InvalidFieldException(field, "is '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
                    + "': give a day such as 2026-11-02 (yyyy-MM-dd)");
        }
        if (day.isBefore(RequestDays.EARLIEST)) {
            throw new InvalidFieldException(field, "(" + day + ") lies before " + RequestDays.EARLIEST + ": give a day such as 2026-11-02");
        }
        return day;
    }
}
