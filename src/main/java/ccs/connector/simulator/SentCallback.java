package ccs.connector.simulator;

import java.util.Map;

/**
 * One callback the simulator sent (a hangup or an IVR notification): its method, its fields by
 * wire name (never the token) and the connector's answer (status -1: no answer).
 */
public record SentCallback(String method, Map<String, String> fields, int status, String answer) {
}
