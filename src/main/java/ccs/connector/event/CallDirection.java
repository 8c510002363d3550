package ccs.connector.event;

import java.util.Map;

/**
 * The one rule for the direction of a call as Call Center Studio describes it (a CDR record, a live
 * call): its {@code inbound} field when it says yes or no in a form {@link Events#bool} reads; without one that does, a
 * click2call ({@code click2call} true) is a call the agent dialled, so outbound; otherwise the direction is unknown, and
 * nothing guesses it.
 */
public final class CallDirection {

    public static final String INBOUND = "inbound";
    public static final String OUTBOUND = "outbound";

    private CallDirection() {
    }

    /** {@value #INBOUND}, {@value #OUTBOUND}, or null when the call does not say. */
    public static String of(Map<?, ?> call) {
        Boolean inbound = Events.bool(call.get("inbound"));
        if (inbound != null) {
            return inbound ? INBOUND : OUTBOUND;
        }
        return Boolean.TRUE.equals(Events.bool(call.get("click2call"))) ? OUTBOUND : null;
    }
}
