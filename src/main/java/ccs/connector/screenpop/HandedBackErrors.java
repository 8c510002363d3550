package ccs.connector.screenpop;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exception handler of the {@code seda:crm-lookup} consumer: a failed lookup goes back to the
 * screen pop waiting for it, which answers it and logs it (route configuration api-errors), so the
 * consumer does not log it a second time. A lookup nobody waits for any more (after a 504) fails
 * at debug level.
 */
public final class HandedBackErrors implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HandedBackErrors.class);

    @Override
    public void handleException(Throwable exception) {
        handleException("CRM lookup failed", null, exception);
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
