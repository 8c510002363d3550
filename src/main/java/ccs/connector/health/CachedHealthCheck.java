package ccs.connector.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check of something the connector depends on, probed at most once per {@code cacheFor}:
 * orchestrators call health often and the dependency should not feel it. Never a liveness check.
 * The checks that are not readiness are probed by route dependency-probe ({@link #refresh}) and answer its latest
 * probe, so that nothing that asks for them waits on a platform that does not answer: before the first probe ended, a
 * call waits for it at most {@link #PROBE_TIMEOUT}, then answers UNKNOWN ({@link #NOT_PROBED}); it never probes itself.
 * A readiness check (one with a {@code dependency}) is what the connector needs to take work in and
 * store it durably; the other checks (Call Center Studio, the CRM) show in {@code /observe/health}
 * and never make the connector unready, so webhooks keep finding it while they are down. A readiness
 * check that found its dependency down probes again at the next call: its dependencies are local
 * (the outbox's broker, the database), and a probe made while they were still starting would
 * otherwise keep the connector unready for {@code cacheFor}. A readiness probe that takes longer than
 * {@link #PROBE_TIMEOUT} (a database whose pool has no connection to give, a broker that does not answer)
 * is down, answered before the orchestrator's own probe times out; it goes on in the background, and the
 * next call waits for it rather than starting another.
 */
public abstract class CachedHealthCheck extends AbstractHealthCheck {

    /** What a probe found: null problem = up. */
    protected record Probe(String problem, Map<String, Object> details) {
    }

    /** How long a readiness probe may take: under the Deployment's readiness probe timeout (5 s). */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    /** The message of a check that is not readiness before route dependency-probe's first probe of it ended. */
    private static final String NOT_PROBED = "not probed yet: the first probe is under way";

    private final Duration cacheFor;
    /** What a readiness check depends on, for its message when a probe takes too long; null for the other checks. */
    private final String dependency;
    /** The readiness probes, each within {@link #PROBE_TIMEOUT}; null for the other checks. */
    private final BoundedCall<Probe> prober;
    private volatile Probe last;
    private volatile Instant probedAt = Instant.EPOCH;
    private final CountDownLatch firstProbe = new CountDownLatch(1);

    /** A check shown in the health details only, never readiness. */
    protected CachedHealthCheck(String id, Duration cacheFor) {
        this(id, cacheFor, null);
    }

    /** A readiness check of {@code dependency} ("the connector's database") when that is not null. */
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
        return dependency != null;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Probe probe = last;
        // the other checks (Call Center Studio, the CRM) answer their latest probe, which route dependency-probe keeps
        // current: a request (the status page, /observe/health) never waits on a probe of a platform that hangs
        if (isReadiness() && (probe == null || probe.problem() != null || Instant.now().isAfter(probedAt.plus(cacheFor)))) {
            refresh();
            probe = last;
        } else if (probe == null) {
            probe = firstProbe();
            if (probe == null) {
                builder.message(NOT_PROBED).unknown();
                return;
            }
        }
        probe.details().forEach(builder::detail);
        if (probe.problem() == null) {
            builder.up();
        } else {
            builder.message(probe.problem()).down();
        }
    }

    /** Probes now; the route dependency-probe calls this every {@code connector.health.cache}, so gauges and logs stay current. */
    public synchronized void refresh() {
        last = isReadiness() ? boundedProbe() : probe();
        probedAt = Instant.now();
        firstProbe.countDown();
    }

    /** The first probe of route dependency-probe, once it ended within {@link #PROBE_TIMEOUT}; else null. */
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
