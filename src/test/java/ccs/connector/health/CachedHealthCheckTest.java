package ccs.connector.health;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import ccs.connector.config.Metrics;
import ccs.connector.crm.DeliveryRetries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheck.State;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A store's probe (readiness is made of them) that found it down (still starting) is not reused; one that found it up is. A
 * neighbour's probe that throws is down.
 */
class CachedHealthCheckTest {

    private final AtomicInteger probes = new AtomicInteger();

    @Test
    void aStoresCheckProbesAgainAfterADownProbeAndReusesAnUpOne() {
        CachedHealthCheck check = check(true);

        assertThat(check.call().getState()).isEqualTo(State.DOWN);
        assertThat(check.call().getState()).isEqualTo(State.UP);
        assertThat(check.call().getState()).isEqualTo(State.UP);
        assertThat(probes).hasValue(2);
    }

    @Test
    void aNeighboursCheckReusesADownProbeForItsCachePeriod() {
        CachedHealthCheck check = check(false);
        // route dependency-probe's probe
        check.refresh();

        assertThat(check.call().getState()).isEqualTo(State.DOWN);
        assertThat(check.call().getState()).isEqualTo(State.DOWN);
        assertThat(probes).hasValue(1);
    }

    @Test
    void aNeighboursCheckAnswersItsLatestProbeWithoutWaitingOnOneThatHangs() throws Exception {
        CountDownLatch platformAnswers = new CountDownLatch(1);
        CachedHealthCheck check = new CachedHealthCheck("hanging", Duration.ZERO, null) {
            @Override
            protected Probe probe() {
                if (probes.incrementAndGet() > 1) {
                    try {
                        platformAnswers.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return new Probe(null, Map.of());
            }
        };
        check.refresh();
        assertThat(check.call().getState()).isEqualTo(State.UP);
        // route dependency-probe's next probe: the platform does not answer it
        Thread probing = new Thread(check::refresh);
        probing.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> probes.get() == 2);

        // the status page asks meanwhile: it gets the latest probe, however stale, rather than wait
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThat(check.call().getState()).isEqualTo(State.UP));
        platformAnswers.countDown();
        probing.join();
    }

    @Test
    void aNeighboursCheckNeverProbesOnTheCallersThreadNorWaitsForAFirstProbeThatHangs() throws Exception {
        CountDownLatch platformAnswers = new CountDownLatch(1);
        CachedHealthCheck check = new CachedHealthCheck("hanging", Duration.ofHours(1), null) {
            @Override
            protected Probe probe() {
                probes.incrementAndGet();
                try {
                    platformAnswers.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Probe(null, Map.of());
            }
        };
        // route dependency-probe's first probe, just after the start: the platform does not answer it
        Thread probing = new Thread(check::refresh);
        probing.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> probes.get() == 1);

            // the status page asks meanwhile: not probed yet, rather than a wait for that probe and then one of its own
            HealthCheck.Result meanwhile = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> check.call());
            assertThat(meanwhile.getState()).isEqualTo(State.UNKNOWN);
            assertThat(meanwhile.getMessage()).hasValue("not probed yet: the first probe is under way");
            assertThat(probes).as("no probe on the caller's thread").hasValue(1);
        } finally {
            platformAnswers.countDown();
        }
        probing.join();
        assertThat(check.call().getState()).isEqualTo(State.UP);
        assertThat(probes).hasValue(1);
    }

    /** A neighbour's probe that throws is a down result naming why: it left the check "not probed yet" for good. */
    @Test
    void aNeighboursProbeThatThrowsIsDownWithItsMessage() {
        CachedHealthCheck check = new CachedHealthCheck("throwing", Duration.ofHours(1), null) {
            @Override
            protected Probe probe() {
                probes.incrementAndGet();
                throw new IllegalStateException("no way to probe");
            }
        };
        // route dependency-probe's probe: it must not fail the route either
        check.refresh();

        HealthCheck.Result result = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> check.call());
        assertThat(result.getState()).isEqualTo(State.DOWN);
        assertThat(result.getMessage()).hasValue("the probe failed: java.lang.IllegalStateException: no way to probe");
    }

    /**
     * The CRM sink's probe at a URL without a scheme (crm.health.probe-url=crm.example.com:443, which startup now refuses) threw
     * "hostname can't be null": no result ever, and no gauge crm_sink_up. Now down naming why, the gauge at 0.
     */
    @Test
    void theCrmSinksProbeAtAUrlWithoutAHostIsDownAndItsGaugeZero() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("meters", meters);
            CrmSinkHealthCheck check = new CrmSinkHealthCheck("call-activity", Path.of("target"), "crm.example.com:443", null, "crm.events",
                    new DeliveryRetries(false), new Metrics(camel), Duration.ofHours(1));
            check.refresh();

            HealthCheck.Result result = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> check.call());
            assertThat(result.getState()).isEqualTo(State.DOWN);
            assertThat(result.getMessage()).hasValue("the probe failed: java.lang.IllegalArgumentException: hostname can't be null");
            assertThat(meters.find("crm.sink.up").gauge()).as("gauge crm_sink_up").isNotNull()
                    .satisfies(gauge -> assertThat(gauge.value()).isZero());
        }
    }

    /** A check whose first probe finds the dependency down, every later one up, reused for an hour. */
    private CachedHealthCheck check(boolean store) {
        return new CachedHealthCheck("starting", Duration.ofHours(1), store ? "the starting dependency" : null) {
            @Override
            protected Probe probe() {
                return probes.incrementAndGet() == 1 ? new Probe("still starting", Map.of()) : new Probe(null, Map.of());
            }
        };
    }
}
