package ccs.connector.crm;

import java.time.Duration;

import ccs.connector.api.RetryAfter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Reads the CRM's answer to a REST delivery: 2xx is delivered; 408, 429 and 5xx are retried
 * (a {@code Retry-After} sets the delay before the next attempt, within the retry policy: never
 * beyond its ceiling, never below its backoff, so a {@code Retry-After: 0} does not spend the whole
 * budget at once); any other status sends the event to the dead letters at once.
 */
public final class RestSinkAnswers {

    private final Duration initialDelay;
    private final Duration maxDelay;

    /** {@code crm.retry.initial-delay} and {@code crm.retry.max-delay}: the backoff doubles from the one up to the other. */
    public RestSinkAnswers(Duration initialDelay, Duration maxDelay) {
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
    }

    public void check(Exchange exchange) {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status >= 200 && status < 300) {
            return;
        }
        String what = "the CRM answered HTTP " + status;
        if (status == 408 || status == 429 || status >= 500) {
            Duration retryAfter = RetryAfter.read(message.getHeader("Retry-After", String.class));
            if (retryAfter != null) {
                long backoff = backoffMillis(message.getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class));
                message.setHeader(Exchange.REDELIVERY_DELAY, Math.min(Math.max(retryAfter.toMillis(), backoff), maxDelay.toMillis()));
            } else {
                message.removeHeader(Exchange.REDELIVERY_DELAY);
            }
            throw new RetryableDeliveryException(what);
        }
        throw new RejectedDeliveryException(what);
    }

    /** The policy's delay before the next attempt, after {@code retries} retries: doubled each time, at most the maximum. */
    private long backoffMillis(int retries) {
        long delay = initialDelay.toMillis();
        for (int i = 0; i < retries && delay < maxDelay.toMillis(); i++) {
            delay *= 2;
        }
        return Math.min(delay, maxDelay.toMillis());
    }
}
