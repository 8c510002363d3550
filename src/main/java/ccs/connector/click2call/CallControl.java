package ccs.connector.click2call;

import java.util.Map;

/**
 * One call control the CRM asked for, checked: hang up, hold or resume ({@link #getAction()}) the
 * active call of an agent, the Call Center Studio function that does it, the transaction id (the
 * CRM's, or one generated) and the request as received, for the outcome event.
 */
public final class CallControl {

    private final String tenant;
    private final String agentEmail;
    private final String action;
    private final String function;
    private final String transactionId;
    private final Map<String, Object> request;

    CallControl(String tenant, String agentEmail, String action, String function, String transactionId, Map<String, Object> request) {
        this.tenant = tenant;
        this.agentEmail = agentEmail;
        this.action = action;
        this.function = function;
        this.transactionId = transactionId;
        this.request = request;
    }

    public String getTenant() {
        return tenant;
    }

    public String getAgentEmail() {
        return agentEmail;
    }

    public String getAction() {
        return action;
    }

    /** {@code click2hang}, {@code click2hold} or {@code click2unhold}. */
    public String getFunction() {
        return function;
    }

    public String getTransactionId() {
        return transactionId;
    }

    public Map<String, Object> getRequest() {
        return request;
    }

    /** The parameters of the function, the agent's session aside: none. */
    public Map<String, Object> getParams() {
        return Map.of();
    }

    @Override
    public String toString() {
        return "CallControl[" + action + ", " + tenant + ", transaction " + transactionId + "]";
    }
}
