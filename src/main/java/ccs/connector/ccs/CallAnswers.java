package ccs.connector.ccs;

import java.util.List;
import java.util.Map;

import ccs.connector.event.CallDirection;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/**
 * Reads the customer's number out of Call Center Studio's answers about one call: the other party
 * of the agent, so the caller on an inbound call and the called number on an outbound one (direction
 * by {@link CallDirection}, the rule the events follow too).
 */
public final class CallAnswers {

    private final Tenants tenants;

    public CallAnswers(Tenants tenants) {
        this.tenants = tenants;
    }

    /** From a {@code getactivecall} answer; null when the call is not live (the platform answers a failure envelope). */
    public String customerOfActiveCall(@Body Map<String, Object> answer) {
        Map<?, ?> call = activeCall(answer);
        return call == null ? null : customerOf(call);
    }

    /**
     * The call of a {@code getactivecall} answer: under {@code ActiveCall}, or at the top level of the answer as some
     * tenants send it; null for a failure envelope or an answer that holds no call.
     */
    static Map<?, ?> activeCall(Map<String, Object> answer) {
        if (answer.get("ActiveCall") instanceof Map<?, ?> call) {
            return call;
        }
        boolean holdsCall = answer.containsKey("key") || answer.containsKey("activecallkey") || answer.containsKey("callerid");
        return Boolean.FALSE.equals(answer.get("success")) || !holdsCall ? null : answer;
    }

    /**
     * The record of a {@code reportsCDRLogs} answer by {@code activecallkey}; null when it holds none. A failure
     * envelope throws {@link UpstreamException} (a refused app token was thrown by {@link CcsApi} already).
     */
    public Map<?, ?> cdrRecord(@Body Map<String, Object> answer, @Variable(CcsApi.TENANT) String tenant) {
        if (Boolean.FALSE.equals(answer.get("success")) || !(answer.get("CallList") instanceof List<?> records)) {
            throw UpstreamException.refused(tenants.get(tenant).name(), Boolean.FALSE.equals(answer.get("success"))
                    ? "refused the CDR lookup: " + answer.get("message") : "answered the CDR lookup without a CallList");
        }
        return !records.isEmpty() && records.get(0) instanceof Map<?, ?> record ? record : null;
    }

    /** From a CDR record ({@link #cdrRecord}); null without one. */
    public String customerOfRecord(@Body Map<?, ?> record) {
        return record == null ? null : customerOf(record);
    }

    /** The called number of an outbound call; otherwise the caller (a call of unknown direction is asked about as it rings at the agent). */
    private static String customerOf(Map<?, ?> call) {
        Object number = CallDirection.OUTBOUND.equals(CallDirection.of(call)) ? call.get("called_num") : call.get("callerid");
        return number == null || number.toString().isBlank() ? null : number.toString();
    }
}
