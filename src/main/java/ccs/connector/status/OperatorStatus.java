package ccs.connector.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import ccs.connector.agentperf.AgentPerformance;
import ccs.connector.api.ServiceBusyException;
import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.cdr.CdrBackfills;
import ccs.connector.cdr.CdrState;
import ccs.connector.cdr.CdrSync;
import ccs.connector.cluster.ClusterLeadership;
import ccs.connector.crm.DeadLetters;
import ccs.connector.crm.DeliveredEvents;
import ccs.connector.health.BoundedCall;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;
import org.apache.camel.health.HealthCheck;
import org.springframework.jms.connection.SessionProxy;

/**
 * GET /api/v1/status, what the status page shows: per tenant the CDR checkpoint and lag, the latest poll and
 * settle sweep, the latest backfill, the agent performance runs and whether Call Center Studio answers; the CRM, the outbox, the events
 * of the last hour, the dead letters waiting and the cluster's leader. Read from the state store and the
 * cached health probes, so it costs a few queries; the field names are those of the OpenAPI document
 * (schema Status).
 */
public final class OperatorStatus {

    /** How long the status waits for the state store: under the status page's 10 s, as readiness's database probe. */
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(3);

    private final Tenants tenants;
    private final CdrState cdrState;
    private final CdrSync cdrSync;
    private final CdrBackfills backfills;
    private final AgentPerformance agentPerformance;
    private final DeliveredEvents deliveredEvents;
    private final DeadLetters deadLetters;
    private final HealthCheck upstream;
    private final HealthCheck crmSink;
    private final ConnectionFactory outbox;
    private final String outboxQueue;
    private final String outboxBulkQueue;
    private final String enrichQueue;
    private final ClusterLeadership leadership;
    private final boolean clustered;
    private final boolean cdrEnabled;
    private final Clock clock;
    /** The state store's reads, one at a time, each within {@link #STORE_TIMEOUT}. */
    private final BoundedCall<Stored> storeRead = new BoundedCall<>("status-store-read");
    private final BoundedCall<Map<String, Object>> outboxRead = new BoundedCall<>("status-outbox-read");

    public OperatorStatus(Tenants tenants, CdrState cdrState, CdrSync cdrSync, CdrBackfills backfills, AgentPerformance agentPerformance,
                          DeliveredEvents deliveredEvents,
                          DeadLetters deadLetters, HealthCheck upstream, HealthCheck crmSink, ConnectionFactory outbox, String outboxQueue,
                          String outboxBulkQueue, String enrichQueue, ClusterLeadership leadership, boolean clustered, boolean cdrEnabled, Clock clock) {
        this.tenants = tenants;
        this.cdrState = cdrState;
        this.cdrSync = cdrSync;
        this.backfills = backfills;
        this.agentPerformance = agentPerformance;
        this.deliveredEvents = deliveredEvents;
        this.deadLetters = deadLetters;
        this.upstream = upstream;
        this.crmSink = crmSink;
        this.outbox = outbox;
        this.outboxQueue = outboxQueue;
        this.outboxBulkQueue = outboxBulkQueue;
        this.enrichQueue = enrichQueue;
        this.leadership = leadership;
        this.clustered = clustered;
        this.cdrEnabled = cdrEnabled;
        this.clock = clock;
    }

    public Map<String, Object> report() {
        Instant now = clock.instant();
        Stored stored = stored(now);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("at", now.toString());
        status.put("cdrSync", cdrEnabled);
        HealthCheck.Result ccs = upstream.call();
        status.put("tenants", tenants.all().stream().map(tenant -> tenant(tenant, ccs, stored.tenants().get(tenant.name()))).toList());
        HealthCheck.Result crm = crmSink.call();
        status.put("crm", health(crm.getState() == HealthCheck.State.UP, crm.getMessage()));
        status.put("outbox", outbox());
        status.put("lastHour", stored.lastHour());
        status.put("deadLetters", stored.deadLetters());
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("clustered", clustered);
        cluster.put("thisReplicaLeads", leadership.isLeader());
        if (leadership.leaderId() != null) {
            cluster.put("leader", leadership.leaderId());
        }
        if (clustered && leadership.replicaId() != null) {
            cluster.put("replica", leadership.replicaId());
        }
        status.put("cluster", cluster);
        return status;
    }

    /** What the status reads from the state store: per tenant its figures, the last hour's events and the dead letters. */
    private record Stored(Map<String, Map<String, Object>> tenants, Map<String, Object> lastHour, Map<String, Object> deadLetters) {
    }

    /**
     * The state store's part, read within {@link #STORE_TIMEOUT}: a stalled database (a pool with no connection to give
     * waits 30 s, a query longer) is a 503 naming it in time for the page, not a request that hangs.
     */
    private Stored stored(Instant now) {
        try {
            return storeRead.get(() -> read(now), STORE_TIMEOUT);
        } catch (TimeoutException e) {
            throw new ServiceBusyException("the connector's database did not answer within " + STORE_TIMEOUT.toSeconds()
                    + " s: try again later");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceBusyException("the connector is stopping");
        }
    }

    private Stored read(Instant now) {
        Instant hourAgo = now.minus(Duration.ofHours(1));
        Map<String, Map<String, Object>> stored = new LinkedHashMap<>();
        tenants.all().forEach(tenant -> stored.put(tenant.name(), tenant(tenant)));
        DeadLetters.Waiting waiting = deadLetters.waiting(hourAgo);
        long handled = deliveredEvents.recordedSince(hourAgo);
        Map<String, Object> lastHour = new LinkedHashMap<>();
        // the dedupe store holds delivered and dead-lettered event ids; a replayed letter's id leaves it until delivered
        lastHour.put("delivered", Math.max(0, handled - waiting.eventsSince()));
        lastHour.put("deadLettered", waiting.since());
        Map<String, Object> letters = new LinkedHashMap<>();
        letters.put("waiting", waiting.count());
        if (waiting.latestReason() != null) {
            letters.put("latestReason", waiting.latestReason());
        }
        // calls the platform listed in a form that could not be read: never replayed, so not waiting, yet not in the CRM
        letters.put("unreadableCdrRecords", deadLetters.unreadableCdrRecords());
        // webhooks acknowledged while the outbox did not take their events: in the CRM once it takes them again
        letters.put("heldWebhookEvents", deadLetters.held());
        return new Stored(stored, lastHour, letters);
    }

    private Map<String, Object> tenant(Tenant tenant, HealthCheck.Result ccs, Map<String, Object> stored) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("tenant", tenant.name());
        // why the tenant's Call Center Studio is down (no answer, an app token it refuses), as its latest probe found;
        // before the first probe, that it was not probed yet
        entry.put("ccs", health("up".equals(ccs.getDetails().get("tenant." + tenant.name())),
                Optional.ofNullable(ccs.getDetails().get("tenant." + tenant.name() + ".problem")).map(String::valueOf)
                        .or(ccs::getMessage)));
        entry.putAll(stored);
        return entry;
    }

    /** A tenant's figures from the state store: CDR checkpoint, lag and runs, the latest backfill, the agent performance. */
    private Map<String, Object> tenant(Tenant tenant) {
        Map<String, Object> entry = new LinkedHashMap<>();
        cdrState.checkpoint(tenant.name()).ifPresent(at -> entry.put("checkpoint", at.toString()));
        if (cdrEnabled) {
            entry.put("lagSeconds", Math.round(cdrSync.lagSeconds(tenant.name())));
            entry.put("lagLimitSeconds", cdrSync.lagLimitSeconds());
        }
        cdrState.run(tenant.name(), CdrSync.SOURCE).ifPresent(run -> entry.put("lastPoll", run(run)));
        cdrState.run(tenant.name(), CdrSync.SETTLE).ifPresent(run -> entry.put("lastSettle", run(run)));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> backfill = (List<Map<String, Object>>) backfills.report(tenant.name()).get("backfills");
        entry.put("backfill", backfill.get(0));
        entry.put("agentPerformance", agentPerformance.status(tenant.name()));
        return entry;
    }

    private static Map<String, Object> run(CdrState.Run run) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("ok", run.problem() == null);
        entry.put("at", run.at().toString());
        if (run.problem() != null) {
            entry.put("problem", run.problem());
        }
        return entry;
    }

    private static Map<String, Object> health(boolean up, Optional<String> problem) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("up", up);
        problem.filter(text -> !up).ifPresent(text -> entry.put("problem", text));
        return entry;
    }

    /**
     * The messages in the outbox's queues, live and bulk together, as the broker counts them: those their delivery
     * consumers hold already included (a browser would not see them, and on the embedded broker each consumer holds up
     * to a MiB of them); of them, those on the bulk queue (CDR pages, agent performance); and the hangups
     * acknowledged that wait in the enrichment stage (their correlation and, when asked for, their CDR record) before they
     * enter it (retries included), which are as undelivered. Read within {@link #STORE_TIMEOUT}: a shared broker that
     * does not answer (frozen, its network gone) held the page's request, and a place of the API's, for Artemis's 30 s
     * call timeout, and the page said the connector does not answer instead of naming the outbox.
     */
    public Map<String, Object> outbox() {
        try {
            return outboxRead.get(this::readOutbox, STORE_TIMEOUT);
        } catch (TimeoutException e) {
            return Map.of("problem", "the outbox's broker did not answer within " + STORE_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceBusyException("the connector is stopping");
        }
    }

    private Map<String, Object> readOutbox() {
        Map<String, Object> entry = new LinkedHashMap<>();
        try (Connection connection = outbox.createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            Session target = session instanceof SessionProxy proxy ? proxy.getTargetSession() : session;
            ClientSession core = ((ActiveMQSession) target).getCoreSession();
            long bulk = messages(core, outboxBulkQueue);
            entry.put("depth", messages(core, outboxQueue) + bulk);
            // the count is exact: kept for clients of the time it was capped
            entry.put("atLeast", false);
            entry.put("bulk", bulk);
            entry.put("awaitingEnrichment", messages(core, enrichQueue));
        } catch (JMSException | ActiveMQException e) {
            entry.put("problem", "the outbox's broker cannot be read: " + e.getMessage());
        }
        return entry;
    }

    private static long messages(ClientSession session, String queue) throws ActiveMQException {
        ClientSession.QueueQuery query = session.queueQuery(SimpleString.of(queue));
        return query.isExists() ? query.getMessageCount() : 0;
    }
}
