package ccs.connector.crm;

import java.time.Duration;

import ccs.connector.api.RetryAfter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Reads the CRM's answer to a REST delivery: 2xx is delivered; 408, 429 and 5xx are retried
 * (a 429's {@code Retry-After} sets the delay before the next attempt, within the retry policy's
 * ceiling); any other status sends the event to the dead letters at once.
 */
public final class RestSinkAnswers {

    private final Duration maxDelay;

    public RestSinkAnswers(Duration maxDelay) {
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
                message.setHeader(Exchange.REDELIVERY_DELAY, Math.min(retryAfter.toMillis(), maxDelay.toMillis()));
            } else {
                message.removeHeader(Exchange.REDELIVERY_DELAY);
            }
            throw new RetryableDeliveryException(what);
        }
        throw new RejectedDeliveryException(what);
    }
}
