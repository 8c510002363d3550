package ccs.connector.webhook;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import ccs.connector.ccs.InvalidAppTokenException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * One Resilience4j circuit breaker per tenant for the CDR lookups of hangup events (route {@code webhook-cdr-lookup}):
 * a tenant whose Call Center Studio is down opens only its own, so the other tenants' hangups keep their
 * {@code data.cdr}. Camel's {@code circuitBreaker} EIP would be one for every tenant of the route.
 * A breaker opens when half of its tenant's last 40 lookups (at least 20) failed or timed out, and lets one
 * lookup through after 10 s. A refused app token is not Call Center Studio's failure, and does not count.
 */
public final class CdrLookupBreakers {

    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
            .slidingWindowSize(40)
            .minimumNumberOfCalls(20)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(10))
            .permittedNumberOfCallsInHalfOpenState(1)
            .ignoreExceptions(InvalidAppTokenException.class)
            .build());

    /** Before a lookup: throws {@link CallNotPermittedException} while the tenant's breaker is open. */
    public void permit(String tenant) {
        breakers.circuitBreaker(tenant).acquirePermission();
    }

    /** After a lookup that Call Center Studio answered, with a record or without one. */
    public void succeeded(String tenant) {
        breakers.circuitBreaker(tenant).onSuccess(0, TimeUnit.NANOSECONDS);
    }

    /** After a lookup that failed: counts it against the tenant's breaker, and fails the lookup with it again. */
    public void failed(String tenant, Exception failure) throws Exception {
        breakers.circuitBreaker(tenant).onError(0, TimeUnit.NANOSECONDS, failure);
        throw failure;
    }
}
