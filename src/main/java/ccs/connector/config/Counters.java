package ccs.connector.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.event.Events;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.apache.camel.CamelContext;

/**
 * The connector's counters, each declared once: name, HELP text of {@code /observe/metrics} and label names. Routes
 * count them with the {@code micrometer:} component and beans with {@link Metrics#count}, neither giving the HELP
 * text: the registry's filter ({@link PrometheusConventions}) takes it from here. Once the connector has started,
 * {@link #fromZero} puts every label combination known in advance at 0: a series that first appears at 1 is no
 * increase to Prometheus, so an alert on increase() missed the first count after a restart.
 */
public final class Counters {

    /** A counter; those of routes carry the Camel context's name too (label {@code camel_context}), as camel-micrometer adds it. */
    public record Counter(String name, String help, boolean ofRoutes, List<String> labels) {

        /** Its labels with these values, in order: one for each (a series of other labels the Prometheus registry drops). */
        public List<Tag> tags(List<String> values) {
            if (values.size() != labels.size()) {
                throw new IllegalArgumentException("counter " + name + " has labels " + labels + ", given " + values.size() + " values");
            }
            List<Tag> tags = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                tags.add(Tag.of(labels.get(i), values.get(i)));
            }
            return tags;
        }
    }

    public static final Counter CRM_DELIVERIES = ofRoutes("ccs.crm.deliveries",
            "events to the CRM by outcome (delivered, refused, dead-lettered) and type", "sink", "outcome", "type");
    public static final Counter CRM_DEAD_LETTERS = ofRoutes("ccs.crm.dead.letters", "dead letters written, by sink", "sink");
    public static final Counter CRM_RETRIES = ofBeans("ccs.crm.retries", "deliveries to the CRM tried again", "sink");
    public static final Counter WEBHOOKS = ofRoutes("ccs.webhooks",
            "hangup callbacks and IVR notifications acknowledged, by route", "route", "outcome");
    public static final Counter WEBHOOKS_DEAD_LETTERS = ofRoutes("ccs.webhooks.dead.letters",
            "webhook requests that passed the token check but could not become an event, kept in the dead letters", "route");
    public static final Counter WEBHOOKS_HELD = ofRoutes("ccs.webhooks.held",
            "webhook events the outbox did not take when they came, held in the state store until it takes them", "route");
    public static final Counter WEBHOOKS_CORRELATION = ofRoutes("ccs.webhooks.correlation",
            "state store reads of hangup events that failed, by outcome: retried, not-correlated", "outcome");
    public static final Counter WEBHOOKS_CDR = ofRoutes("ccs.webhooks.cdr",
            "CDR lookups of hangup events by outcome: attached, retried, not-attached", "outcome");
    public static final Counter CLICK2CALL = ofRoutes("ccs.click2call",
            "click2calls dispatched: accepted, and queued ones that failed, by tenant", "tenant", "outcome");
    public static final Counter CALL_CONTROL = ofRoutes("ccs.call.control",
            "call controls (hangup, hold, unhold) dispatched: accepted, and queued ones that failed, by tenant", "tenant", "action", "outcome");
    public static final Counter LOGINS = ofBeans("ccs.logins",
            "logins to Call Center Studio by outcome: success, unknown-agent, invalid-app-token, refused, unusable", "tenant", "outcome");
    public static final Counter SESSION_CACHE = ofBeans("ccs.session.cache",
            "agent session lookups: hit (a cached session) or miss (a login)", "result");
    public static final Counter CDR_RECORDS = ofRoutes("ccs.cdr.records",
            "CDR records read, by tenant and source: poll, settle or backfill", "tenant", "source");
    public static final Counter CDR_PAGES = ofRoutes("ccs.cdr.pages",
            "CDR pages read, by tenant and source: poll, settle or backfill", "tenant", "source");
    public static final Counter CDR_POLL_FAILURES = ofRoutes("ccs.cdr.poll.failures", "CDR polls that failed, by tenant", "tenant");
    public static final Counter CDR_INVALID_RECORDS = ofRoutes("ccs.cdr.invalid.records",
            "CDR records that could not be read, by tenant", "tenant");
    public static final Counter AGENT_PERFORMANCE_EVENTS = ofRoutes("ccs.agent.performance.events",
            "ccs.agent.performance events handed to the outbox, by tenant and kind: daily or backfill", "tenant", "kind");
    public static final Counter AGENT_PERFORMANCE_FAILURES = ofRoutes("ccs.agent.performance.failures",
            "days of agent performance that failed and are tried again, by tenant and kind", "tenant", "kind");
    /** Not from 0: its statuses are not known in advance. */
    public static final Counter HTTP_ERRORS = ofRoutes("ccs.http.errors",
            "requests to /api and /webhooks answered with an error, by route and status", "route", "status");

    public static final List<Counter> ALL = List.of(CRM_DELIVERIES, CRM_DEAD_LETTERS, CRM_RETRIES, WEBHOOKS, WEBHOOKS_DEAD_LETTERS,
            WEBHOOKS_HELD, WEBHOOKS_CORRELATION, WEBHOOKS_CDR, CLICK2CALL, CALL_CONTROL, LOGINS, SESSION_CACHE, CDR_RECORDS, CDR_PAGES,
            CDR_POLL_FAILURES, CDR_INVALID_RECORDS, AGENT_PERFORMANCE_EVENTS, AGENT_PERFORMANCE_FAILURES, HTTP_ERRORS);

    private static final Map<String, String> HELP = ALL.stream().collect(Collectors.toMap(Counter::name, Counter::help));

    private static final List<String> WEBHOOK_ROUTES = List.of("webhook-hangup", "webhook-ivr");
    private static final List<String> ACCEPTED_FAILED = List.of("accepted", "failed");
    private static final List<String> KINDS = List.of("daily", "backfill");
    private static final List<String> CDR_SOURCES = List.of("poll", "settle", "backfill");

    private final CamelContext camel;
    private final Tenants tenants;
    private final String sink;

    public Counters(CamelContext camel, Tenants tenants, String sink) {
        this.camel = camel;
        this.tenants = tenants;
        this.sink = sink;
    }

    /** The HELP text of a counter declared here, else null. */
    static String help(String name) {
        return HELP.get(name);
    }

    /** Every counter's label combinations known in advance at 0, one line a counter: the values of each label in turn. */
    public void fromZero(MeterRegistry registry) {
        List<String> tenantNames = tenants.all().stream().map(Tenant::name).toList();
        List<String> sinks = List.of(sink);
        zero(registry, CRM_DELIVERIES, sinks, List.of("delivered", "dead-lettered"), Events.types());
        zero(registry, CRM_DELIVERIES, sinks, List.of("refused"), List.of("none"));
        zero(registry, CRM_DEAD_LETTERS, sinks);
        zero(registry, CRM_RETRIES, sinks);
        zero(registry, WEBHOOKS, WEBHOOK_ROUTES, List.of("accepted"));
        zero(registry, WEBHOOKS_DEAD_LETTERS, WEBHOOK_ROUTES);
        zero(registry, WEBHOOKS_HELD, WEBHOOK_ROUTES);
        zero(registry, WEBHOOKS_CORRELATION, List.of("retried", "not-correlated"));
        zero(registry, WEBHOOKS_CDR, List.of("attached", "retried", "not-attached"));
        zero(registry, CLICK2CALL, tenantNames, ACCEPTED_FAILED);
        zero(registry, CALL_CONTROL, tenantNames, List.of("hangup", "hold", "unhold"), ACCEPTED_FAILED);
        zero(registry, LOGINS, tenantNames, List.of("success", "unknown-agent", "invalid-app-token", "refused", "unusable", "failed"));
        zero(registry, SESSION_CACHE, List.of("hit", "miss"));
        zero(registry, CDR_RECORDS, tenantNames, CDR_SOURCES);
        zero(registry, CDR_PAGES, tenantNames, CDR_SOURCES);
        zero(registry, CDR_POLL_FAILURES, tenantNames);
        zero(registry, CDR_INVALID_RECORDS, tenantNames);
        zero(registry, AGENT_PERFORMANCE_EVENTS, tenantNames, KINDS);
        zero(registry, AGENT_PERFORMANCE_FAILURES, tenantNames, KINDS);
    }

    @SafeVarargs
    private void zero(MeterRegistry registry, Counter counter, List<String>... values) {
        for (List<String> combination : combinations(List.of(values)).toList()) {
            List<Tag> tags = counter.tags(combination);
            if (counter.ofRoutes()) {
                tags.add(Tag.of("camelContext", camel.getName()));
            }
            registry.counter(counter.name(), tags);
        }
    }

    private static Stream<List<String>> combinations(List<List<String>> values) {
        if (values.isEmpty()) {
            return Stream.of(List.of());
        }
        Function<String, Stream<List<String>>> withRest = first -> combinations(values.subList(1, values.size()))
                .map(rest -> Stream.concat(Stream.of(first), rest.stream()).toList());
        return values.get(0).stream().flatMap(withRest);
    }

    private static Counter ofRoutes(String name, String help, String... labels) {
        return new Counter(name, help, true, List.of(labels));
    }

    private static Counter ofBeans(String name, String help, String... labels) {
        return new Counter(name, help, false, List.of(labels));
    }
}
