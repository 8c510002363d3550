package ccs.connector.api;

/** The CRM is unreachable or answered with an error or garbage (HTTP 502). */
public class CrmUnavailableException extends ApiException {

    public CrmUnavailableException(String message) {
        super(502, message);
    }
}
