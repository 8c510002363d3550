package ccs.connector.support;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * A clock that stands still until the test moves it, instead of waiting hours or seconds. Bind it in
 * the registry before the configuration classes run; the session cache and the click2call ceiling use it.
 */
public final class TestTicker implements Ticker {

    private final AtomicLong nanos = new AtomicLong(System.nanoTime());

    @Override
    public long read() {
        return nanos.get();
    }

    public void advance(long amount, TimeUnit unit) {
        nanos.addAndGet(unit.toNanos(amount));
    }
}
