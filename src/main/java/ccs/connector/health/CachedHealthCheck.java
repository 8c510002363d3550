package ccs.connector.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import ccs.connector.config.Secrets;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A check of something the connector depends on, probed at most once per {@code cacheFor}:
 * orchestrators call health often and the dependency should not feel it. Shown in {@code /observe/health}; never a
 * liveness nor, alone, a readiness check.
 * The checks of neighbours (Call Center Studio, the CRM) are probed by routes dependency-probe and crm-sink-probe
 * ({@link #refresh}) and answer its latest probe, so that nothing that asks for them waits on a platform that does not
 * answer: before the first probe ended, a call waits for it at most {@link #PROBE_TIMEOUT}, then answers UNKNOWN ({@link #NOT_PROBED});
 * it never probes itself; they never make the connector unready, so webhooks keep finding it while they are down.
 * A check of a store (one with a {@code dependency}: the outbox's broker, the database) is what readiness is made of
 * ({@link IntakeHealthCheck}). It probes at a call ({@link #current}) once its probe is older than {@code cacheFor},
 * and again at the next call after it found its store down: a probe made while the store was still starting would
 * otherwise count for {@code cacheFor}. Its probe that takes longer than {@link #PROBE_TIMEOUT} (a database whose pool
 * has no connection to give, a broker that does not answer) is down, answered before the orchestrator's own probe
 * times out; it goes on in the background, and the next call waits for it rather than starting another.
 */
public abstract class CachedHealthCheck extends AbstractHealthCheck {

    /** What a probe found: null problem = up. */
    protected record Probe(String problem, Map<String, Object> details) {
    }

    /** How long a readiness probe may take: under the Deployment's readiness probe timeout (5 s). */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    /** The message of a check that is not readiness before its probing route's first probe of it ended. */
    private static final String NOT_PROBED = "not probed yet: the first probe is under way";
    private static final Logger LOG = LoggerFactory.getLogger(CachedHealthCheck.class);

    private final Duration cacheFor;
    /** The store a check probes, for its message when a probe takes too long; null for the checks of neighbours. */
    private final String dependency;
    /** The probes of a store, each within {@link #PROBE_TIMEOUT}; null for the checks of neighbours. */
    private final BoundedCall<Probe> prober;
    private volatile Probe last;
    private volatile Instant probedAt = Instant.EPOCH;
    private final CountDownLatch firstProbe = new CountDownLatch(1);

    /** A check of a neighbour, probed by route dependency-probe or crm-sink-probe. */
    protected CachedHealthCheck(String id, Duration cacheFor) {
        this(id, cacheFor, null);
    }

    /** A check of the store {@code dependency} ("the connector's database") when that is not null. */
    protected CachedHealthCheck(String id, Duration cacheFor, String dependency) {
        super("connector", id);
        this.cacheFor = cacheFor;
        this.dependency = dependency;
        this.prober = dependency != null ? new BoundedCall<>("readiness-probe-" + id) : null;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Probe probe = current();
        if (probe == null) {
            builder.message(NOT_PROBED).unknown();
            return;
        }
        probe.details().forEach(builder::detail);
        if (probe.problem() == null) {
            builder.up();
        } else {
            builder.message(probe.problem()).down();
        }
    }

    /**
     * What the check answers now: a store's probe, made now when it is older than {@code cacheFor} or found the store
     * down; a neighbour's latest probe, which its probing route keeps current (a request, the status page or
     * {@code /observe/health}, never waits on a probe of a platform that hangs), or null while its first is under way.
     */
    Probe current() {
        Probe probe = last;
        if (dependency != null && (probe == null || probe.problem() != null || Instant.now().isAfter(probedAt.plus(cacheFor)))) {
            refresh();
            return last;
        }
        return probe != null ? probe : firstProbe();
    }

    /** Probes now; route dependency-probe or crm-sink-probe calls this every {@code connector.health.cache}, so gauges and logs stay current. */
    public synchronized void refresh() {
        last = dependency != null ? boundedProbe() : failedAsDown();
        probedAt = Instant.now();
        firstProbe.countDown();
    }

    /**
     * A neighbour's probe; one that throws is a down one naming why. Thrown on, it left the check without a result for good
     * ("not probed yet", each status call waiting 3 s for it) and failed its probing route at each run.
     */
    private Probe failedAsDown() {
        try {
            return probe();
        } catch (RuntimeException e) {
            String problem = Secrets.mask("the probe failed: " + e);
            Probe before = last;
            if (before == null || !problem.equals(before.problem())) {
                LOG.warn("Health check {} is down: {}", getId(), problem, e);
            }
            return new Probe(problem, Map.of());
        }
    }

    /** The first probe of its probing route, once it ended within {@link #PROBE_TIMEOUT}; else null. */
    private Probe firstProbe() {
        try {
            firstProbe.await(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return last;
    }

    private Probe boundedProbe() {
        try {
            return prober.get(this::probe, PROBE_TIMEOUT);
        } catch (TimeoutException e) {
            return new Probe(dependency + " did not answer within " + PROBE_TIMEOUT.toSeconds() + " s", Map.of());
        } catch (ExecutionException e) {
            return new Probe(dependency + " could not be probed: " + e.getCause(), Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe(dependency + " was not probed: the connector is stopping", Map.of());
        }
    }

    /** Takes the dependency as down until its next probe, which a store's next call makes: a caller met its failure. */
    protected void markDown(String problem) {
        last = new Probe(problem, Map.of());
        probedAt = Instant.now();
    }

    /** Whether the latest probe found the dependency up (false before the first probe). */
    protected boolean up() {
        Probe probe = last;
        return probe != null && probe.problem() == null;
    }

    /** The latest probe, the one the health and the status answer (null before the first probe). */
    protected Probe latest() {
        return last;
    }

    protected abstract Probe probe();
}
