package ccs.connector.click2call;

import java.util.Map;

import ccs.connector.ccs.CcsApi;
import ccs.connector.event.CloudEvent;
import ccs.connector.event.Events;
import ccs.connector.event.InvalidFieldException;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/**
 * Checks call controls from the CRM: hang up, hold or resume the active call of an agent, with the
 * JSON of a click2call request's agent fields (the same over REST, JMS and the file inbox):
 * <pre>{"agentEmail", "tenant"?, "transactionId"?}</pre>
 * over REST the action is the path's ({@code /api/v1/calls/hangup|hold|unhold}); queued it is field
 * {@code action} of the request, whose absence (or {@code click2call}) makes it a click2call.
 */
public final class CallControls {

    /** Each action and the Call Center Studio function that does it. */
    public static final Map<String, String> FUNCTIONS = Map.of("hangup", "click2hang", "hold", "click2hold", "unhold", "click2unhold");
    static final String CLICK2CALL = "click2call";

    private final Click2callRequests click2calls;
    private final Events events;

    public CallControls(Click2callRequests click2calls, Events events) {
        this.click2calls = click2calls;
        this.events = events;
    }

    /**
     * A call control asked over REST, the action ({@code hangup}, {@code hold} or {@code unhold}) from the path; a body
     * whose field {@code action} names another (a request meant for the queue, sent to the wrong path) is a bad field.
     */
    public CallControl check(String action, Map<String, Object> request) {
        Object asked = request.get("action");
        if (asked != null && !action.equals(asked)) {
            throw new InvalidFieldException("action", "is '" + asked + "', but the path is /api/v1/calls/" + action
                    + ": leave it out, or post to the path of the action meant");
        }
        return check(action, request, null);
    }

    private CallControl check(String action, Map<String, Object> request, String delivery) {
        Click2callRequests.checkFieldNames(request);
        return new CallControl(click2calls.tenant(request).name(), Click2callRequests.agentEmail(request), action,
                FUNCTIONS.get(action), Click2callRequests.transactionId(request, delivery), request);
    }

    /** Whether a queued request is a call control; false for a click2call; an unknown action is a bad field (400). */
    public boolean isCallControl(Map<String, Object> request) {
        Object action = request.get("action");
        if (action == null || CLICK2CALL.equals(action)) {
            return false;
        }
        if (!(action instanceof String) || !FUNCTIONS.containsKey(action)) {
            throw new InvalidFieldException("action", "is '" + action + "': use click2call (the default), hangup, hold or unhold");
        }
        return true;
    }

    /**
     * A queued call control, the action from the request; one without a transactionId gets one derived from
     * {@code delivery}, as a queued click2call does ({@link Click2callRequests#check(Map, String)}), so that one read
     * again after a crash is carried out once.
     */
    public CallControl checkQueued(Map<String, Object> request, String delivery) {
        return check((String) request.get("action"), request, delivery);
    }

    /** Call Center Studio did it, or this throws with its message (502). */
    public void checkAnswer(Map<String, Object> answer, CallControl control) {
        CcsApi.requireSuccess(control.getTenant(), control.getFunction(), answer);
    }

    public CloudEvent accepted(CallControl control) {
        return events.callControlOutcome(control.getTenant(), control.getTransactionId(), control.getRequest(), null);
    }

    /**
     * The failure of a queued request: a call control's event when it asks for one, else a click2call's
     * (click2calls' {@link Click2callRequests#failed}); either checked may be null. One that could not be checked and
     * names no valid transactionId fails under the transaction id derived from its delivery ({@code delivery}, variable
     * queuedDelivery), the one it would have been dispatched under, so that a request read again after a crash fails under
     * the same transaction id.
     */
    public CloudEvent failed(Map<String, Object> request, Click2call click2call, CallControl control, String error, String delivery) {
        if (control != null) {
            return events.callControlOutcome(control.getTenant(), control.getTransactionId(), request, error);
        }
        if (asksForOne(request)) {
            return events.callControlOutcome(click2calls.tenantOrDefault(request), Click2callRequests.transactionIdOrDerived(request, delivery),
                    request, error);
        }
        return click2calls.failed(request, click2call, error, delivery);
    }

    /**
     * The failure of a queued request refused before its fields could be checked (not JSON, not one object, a field given
     * twice, not UTF-8, too large, empty, a JMS message that is not text), so that the CRM hears of it as of any failure:
     * {@code received} is what came (its text, its bytes, or anything else, which is not read), {@code error} why it was
     * refused. Built from what can be read of it ({@link Click2callRequests#readable}), as {@link #failed} builds a failure:
     * a call control's event when it asks for one, else a click2call's; under its transactionId when it gives a valid one,
     * else the one derived from its delivery; its tenant when it names one served, else the default tenant. Its id is the
     * same when the same delivery comes again (the JMS message delivered again, the file read again).
     */
    public CloudEvent refused(@Body Object received, @Variable("click2callError") String error, @Variable("queuedDelivery") String delivery) {
        Click2callRequests.Refused readable = click2calls.readable(received);
        Map<String, Object> fields = readable.fields();
        return events.refusedOutcome(click2calls.tenantOrDefault(fields), asksForOne(fields) ? Events.CALL_CONTROL_FAILED : Events.CLICK2CALL_FAILED,
                Click2callRequests.transactionIdOrDerived(fields, delivery), fields, readable.body(), click2calls.maxLength(), error, delivery);
    }

    /** Whether a request names one of the actions of a call control in field action. */
    private static boolean asksForOne(Map<String, Object> request) {
        return request.get("action") instanceof String action && FUNCTIONS.containsKey(action);
    }
}
