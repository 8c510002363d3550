package ccs.connector.api;

/** The CRM did not answer within the time the request may wait (HTTP 504). */
public class CrmTimeoutException extends ApiException {

    public CrmTimeoutException(String message) {
        super(504, message);
    }
}
