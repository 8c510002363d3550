package ccs.connector.webhook;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The vendor guide's three IVR call notifications ("Call and Incoming Call Notifications"), by
 * field name ({@code ccs.ivr.param.<field>}), and the guide's hangup callback sample.
 */
final class IvrGuideExamples {

    private IvrGuideExamples() {
    }

    /** Ended before reaching a queue: no queue fields. */
    static Map<String, String> endedBeforeQueue() {
        return example("ahRzfm13tz3CAy", null, "2020-02-24 20:15:37", null, "", "90");
    }

    /** Ended in a queue without an agent: queue fields, the agent's e-mail empty. */
    static Map<String, String> abandonedInQueue() {
        return example("ahRzfm6NOMCw", "emre_test_kuyruk", "2020-02-24 20:15:11", "ahRzfm11cogEhc21hcr", "", "96");
    }

    /** Ended after talking to an agent: queue fields and the agent's e-mail. */
    static Map<String, String> answered() {
        return example("ahRzfmi3tzPCQy", "emre_test_kuyruk", "2020-02-24 20:17:55", "ahRzfm11ogEhc21hc", "fatih.keser@alo-tech.com", "908");
    }

    private static Map<String, String> example(String callKey, String queueName, String callDate, String queueId,
                                               String agentEmail, String called) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (queueName != null) {
            fields.put("queue-name", queueName);
        }
        fields.put("call-date", callDate);
        if (queueId != null) {
            fields.put("queue-id", queueId);
        }
        fields.put("caller", "05071303066");
        fields.put("agent-email", agentEmail);
        fields.put("called", called);
        fields.put("event", "call_hangup");
        fields.put("call-key", callKey);
        return fields;
    }

    /** The guide's hangup callback sample (POST body to hangup_url) with another call_id. */
    /** The guide's hangup callback sample of a call ending now (the platform's wall clock in Istanbul). */
    static Map<String, String> hangupNow(String callId) {
        Map<String, String> fields = hangup(callId);
        fields.put("call_date", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(LocalDateTime.now(ZoneId.of("Europe/Istanbul"))));
        return fields;
    }

    static Map<String, String> hangup(String callId) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("project", "alotech");
        fields.put("action", "webhook");
        fields.put("tenant", "");
        fields.put("url", "https%3A//webhook.site/cc98e3cc-a6a0-4e54-b782-591ab5763bd");
        fields.put("call_date", "2020-02-24 19:07:34");
        fields.put("agent_username", "");
        fields.put("transaction_id", "d748197");
        fields.put("disposition", "ANSWER");
        fields.put("duration", "9");
        fields.put("called_num", "05071303066");
        fields.put("caller_id", "901");
        fields.put("call_id", callId);
        return fields;
    }

    /** The fields under the wire names given by field name; in form (and query string) encoding. */
    static String encode(Map<String, String> fields, Map<String, String> wireNames) {
        StringJoiner joined = new StringJoiner("&");
        fields.forEach((field, value) -> joined.add(URLEncoder.encode(wireNames.getOrDefault(field, field), StandardCharsets.UTF_8)
                + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return joined.toString();
    }

    static String encode(Map<String, String> fields) {
        return encode(fields, Map.of());
    }
}
