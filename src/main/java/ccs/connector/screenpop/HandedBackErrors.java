package ccs.connector.screenpop;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exception handler of the seda consumers whose failures go back to the request waiting for them ({@code seda:crm-lookup},
 * the screen pop's; {@code seda:webhook-cdr-call}; {@code seda:outbox-send}, a webhook's or agent status's send into the
 * outbox): the waiting route answers and logs it, so the consumer does not log it a second time. A task nobody waits for
 * any more (after its timeout: a 504, an event already held in the state store) fails at debug level.
 */
public final class HandedBackErrors implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HandedBackErrors.class);

    @Override
    public void handleException(Throwable exception) {
        handleException("A task handed back to its caller failed", null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        LOG.debug("{}: {}", message, exception.getMessage());
    }
}
