package ccs.connector.ccs;

import ccs.connector.api.ApiException;

/**
 * A failure of a Call Center Studio call, typed so that routes can answer the CRM with a clear
 * status: {@link #httpStatus()} is what an {@code /api/v1} caller should see.
 */
public class CcsException extends ApiException {

    public CcsException(int httpStatus, String message) {
        super(httpStatus, message);
    }
}
