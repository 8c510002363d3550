package ccs.connector.click2call;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One click2call the CRM asked for, checked: the tenant (its name), the agent, the number as the
 * CRM wrote it and as the tenant dials it, the transaction id (the CRM's, or one generated), and
 * the options. {@link #getRequest()} is the request as received, for the outcome event.
 */
public final class Click2call {

    private final String tenant;
    private final String agentEmail;
    private final String phoneNumber;
    private final String dialledNumber;
    private final String transactionId;
    private final boolean masked;
    private final boolean selectedQueue;
    private final String reference;
    private final Map<String, Object> request;

    Click2call(String tenant, String agentEmail, String phoneNumber, String dialledNumber, String transactionId,
               boolean masked, boolean selectedQueue, String reference, Map<String, Object> request) {
        this.tenant = tenant;
        this.agentEmail = agentEmail;
        this.phoneNumber = phoneNumber;
        this.dialledNumber = dialledNumber;
        this.transactionId = transactionId;
        this.masked = masked;
        this.selectedQueue = selectedQueue;
        this.reference = reference;
        this.request = request;
    }

    public String getTenant() {
        return tenant;
    }

    public String getAgentEmail() {
        return agentEmail;
    }

    public String getPhoneNumber() {
        return phoneNumber;
    }

    public String getDialledNumber() {
        return dialledNumber;
    }

    public String getTransactionId() {
        return transactionId;
    }

    public String getReference() {
        return reference;
    }

    public Map<String, Object> getRequest() {
        return request;
    }

    /** The parameters of function {@code click2call}, the agent's session aside. */
    public Map<String, Object> params(String hangupUrl) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("phonenumber", dialledNumber);
        params.put("transactionid", transactionId);
        params.put("hangup_url", hangupUrl);
        if (masked) {
            params.put("masked", "true");
        }
        if (selectedQueue) {
            params.put("selected_queue", "on");
        }
        return params;
    }

    @Override
    public String toString() {
        return "Click2call[" + tenant + ", transaction " + transactionId + "]";
    }
}
