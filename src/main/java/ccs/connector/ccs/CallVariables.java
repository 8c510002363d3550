package ccs.connector.ccs;

import java.time.Duration;
import java.util.Map;

import ccs.connector.event.CloudEvent;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/**
 * The {@code customvariables} of live calls (what the IVR collected), read from {@code getactivecall}
 * when a screen pop asks for the call, and remembered so that the call's hangup event carries them
 * too ({@code data.customVariables}). Kept in memory, at most {@code retention} and 100,000 calls.
 */
public final class CallVariables {

    private static final int MAX_CALLS = 100_000;

    private final Cache<String, Map<?, ?>> byCall;

    public CallVariables(Duration retention) {
        this.byCall = Caffeine.newBuilder().expireAfterWrite(retention).maximumSize(MAX_CALLS).build();
    }

    /** The custom variables of a {@code getactivecall} answer, remembered for the call; null when it has none. */
    public Map<?, ?> fromActiveCall(@Body Map<String, Object> answer, @Variable("activecallkey") String callKey) {
        Map<?, ?> call = CallAnswers.activeCall(answer);
        if (call == null || !(call.get("customvariables") instanceof Map<?, ?> variables) || variables.isEmpty()) {
            return null;
        }
        byCall.put(callKey, variables);
        return variables;
    }

    /** The hangup event with {@code data.customVariables} when a screen pop saw its call's. */
    public CloudEvent withCustomVariables(@Body CloudEvent event) {
        Map<?, ?> variables = event.getSubject() == null ? null : byCall.getIfPresent(event.getSubject());
        return variables == null ? event : event.withData("customVariables", variables);
    }
}
