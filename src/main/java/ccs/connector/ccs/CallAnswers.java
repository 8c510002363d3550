package ccs.connector.ccs;

import java.util.List;
import java.util.Map;

import ccs.connector.event.CallDirection;
import ccs.connector.event.Events;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the customer's number out of Call Center Studio's answers about one call: the other party
 * of the agent, so the caller on an inbound call and the called number on an outbound one (direction
 * by {@link CallDirection}, the rule the events follow too).
 */
public final class CallAnswers {

    /** Where a live call may name its agent. */
    private static final List<String> AGENT_OF_LIVE_CALL = List.of("agent_username", "agent");

    private static final Logger LOG = LoggerFactory.getLogger(CallAnswers.class);

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
     * The record of call {@code callKey} in a {@code reportsCDRLogs} answer by {@code activecallkey}; null when it holds
     * none. Of the call's legs (a transferred call has one per agent), the asking agent's when it has one, else the first:
     * the first record alone was the newest leg, and the agent whose leg came second had a 404 for its own call. An answer
     * whose records name other callids gives its first, with a WARN line: which field is the call's key is not published.
     * A failure envelope throws {@link UpstreamException} (a refused app token was thrown by {@link CcsApi} already).
     */
    public Map<?, ?> cdrRecord(@Body Map<String, Object> answer, @Variable(CcsApi.TENANT) String tenant,
                               @Variable("activecallkey") String callKey, @Variable("agentEmail") String agentEmail) {
        if (Boolean.FALSE.equals(answer.get("success")) || !(answer.get("CallList") instanceof List<?> records)) {
            throw UpstreamException.refused(tenants.get(tenant).name(), Boolean.FALSE.equals(answer.get("success"))
                    ? "refused the CDR lookup: " + answer.get("message") : "answered the CDR lookup without a CallList");
        }
        List<Map<?, ?>> all = records.stream().filter(Map.class::isInstance).<Map<?, ?>>map(record -> (Map<?, ?>) record).toList();
        List<Map<?, ?>> legs = all.stream().filter(record -> callKey != null && callKey.trim().equals(Events.text(record.get("callid")))).toList();
        if (legs.isEmpty() && !all.isEmpty()) {
            // which field of a record is the call's key is not published: the platform's answer for the key is taken, and said
            LOG.warn("The CDR lookup of call {} of tenant {} answered {} records, none with that callid (the first has {}): the first is "
                    + "taken as the call's", callKey, tenants.get(tenant).name(), all.size(), Events.text(all.get(0).get("callid")));
            legs = all.subList(0, 1);
        }
        return legs.stream().filter(leg -> agentEmail != null && agentEmail.trim().equalsIgnoreCase(Events.agentEmailOf(leg))).findFirst()
                .orElse(legs.isEmpty() ? null : legs.get(0));
    }

    /**
     * The {@code getactivecall} answer when its call may be the asking agent's, else an empty answer: a platform
     * may answer for any call of the tenant, and an agent is told of its own calls only. A call that names another
     * agent (its {@code agent_username}, or an {@code agent} given as an e-mail) is not the agent's; one that names
     * none is taken as the session's own.
     */
    public Map<String, Object> activeCallOfAgent(@Body Map<String, Object> answer, @Variable("agentEmail") String agentEmail) {
        Map<?, ?> call = activeCall(answer);
        boolean another = call != null && AGENT_OF_LIVE_CALL.stream().map(call::get)
                .anyMatch(named -> named instanceof String email && email.contains("@") && !email.trim().equalsIgnoreCase(agentEmail));
        return another ? Map.of() : answer;
    }

    /**
     * From a CDR record ({@link #cdrRecord}); null without one, and null when an agent asks about a call that
     * the record says another agent (or none) answered ({@link Events#agentEmailOf}).
     */
    public String customerOfRecord(@Body Map<?, ?> record, @Variable("agentEmail") String agentEmail) {
        boolean agentsOwn = agentEmail == null || agentEmail.isBlank()
                || record != null && agentEmail.trim().equalsIgnoreCase(Events.agentEmailOf(record));
        return record == null || !agentsOwn ? null : customerOf(record);
    }

    /** The called number of an outbound call; otherwise the caller (a call of unknown direction is asked about as it rings at the agent). */
    private static String customerOf(Map<?, ?> call) {
        Object number = CallDirection.OUTBOUND.equals(CallDirection.of(call)) ? call.get("called_num") : call.get("callerid");
        return number == null || number.toString().isBlank() ? null : number.toString();
    }
}
