package ccs.connector.health;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import ccs.connector.config.BackgroundWork;

/**
 * A call to a dependency that can stall (a database whose pool has no connection to give, a broker that does not
 * answer), run on a thread of its own and waited for at most a timeout, so that the caller answers in time. A call still
 * under way when the next one is asked for is waited for again rather than another started: callers do not pile up
 * behind a stalled dependency. The thread goes after a minute without calls.
 */
public final class BoundedCall<T> {

    private final ThreadPoolExecutor runner;
    private Future<T> running;

    public BoundedCall(String threadName) {
        runner = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                BackgroundWork.normalPriority(threadName));
        runner.allowCoreThreadTimeOut(true);
    }

    /**
     * What {@code call} answers, or the call still under way; {@link TimeoutException} when no answer came within
     * {@code timeout} (the call goes on), {@link ExecutionException} when the call failed.
     */
    public T get(Callable<T> call, Duration timeout) throws TimeoutException, ExecutionException, InterruptedException {
        Future<T> answer;
        synchronized (this) {
            if (running == null || running.isDone()) {
                running = runner.submit(call);
            }
            answer = running;
        }
        return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
