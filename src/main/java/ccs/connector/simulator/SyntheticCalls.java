package ccs.connector.simulator;

import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Makes realistic call detail records: Turkish numbers, queues, agents, the three endings of
 * an inbound call (before a queue, abandoned in a queue, answered) and click2calls. {@code agent} is the platform's id of
 * the agent; beyond the record fields the vendor lists, {@code agent_username} is its e-mail (a filter of reportsCDRLogs)
 * and a click2call's {@code uniqueid} the transaction id the CRM gave it. The connector does not rely on either
 * ({@code CorrelationTest} reads records without them).
 */
final class SyntheticCalls {

    static final DateTimeFormatter WIRE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** How an inbound call ends, as in the vendor guide's IVR notification examples. */
    enum Ending { BEFORE_QUEUE, ABANDONED_IN_QUEUE, ANSWERED }

    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final List<String> QUEUES = List.of("sales", "support", "billing");
    private static final List<String> MOBILE_PREFIXES = List.of("532", "533", "535", "542", "505", "555");

    private final Random random;
    /**
     * Call keys come from a source of their own, new at every start: the platform never gives two calls one key, and a
     * simulator started again (the demo after a restart) must not either, or its new calls' events would carry the ids of
     * the earlier calls' events that the CRM has (taken as repeats, written over). The rest stays seeded.
     */
    private final Random keys = new SecureRandom();
    private final List<String> agents;
    private final String recordingBase;

    SyntheticCalls(long seed, List<String> agents, String recordingBase) {
        this.random = new Random(seed);
        this.agents = agents;
        this.recordingBase = recordingBase;
    }

    synchronized String callKey() {
        StringBuilder key = new StringBuilder("ahRzfm");
        for (int i = 0; i < 18; i++) {
            key.append(KEY_ALPHABET.charAt(keys.nextInt(KEY_ALPHABET.length())));
        }
        return key.toString();
    }

    /** A caller's number as the platform shows it: national format with a leading 0. */
    synchronized String mobileNumber() {
        return "0" + MOBILE_PREFIXES.get(random.nextInt(MOBILE_PREFIXES.size()))
                + String.format(Locale.ROOT, "%07d", random.nextInt(10_000_000));
    }

    synchronized String agent() {
        return agents.get(random.nextInt(agents.size()));
    }

    synchronized String queue() {
        return QUEUES.get(random.nextInt(QUEUES.size()));
    }

    synchronized Ending ending() {
        int roll = random.nextInt(10);
        return roll < 2 ? Ending.BEFORE_QUEUE : roll < 4 ? Ending.ABANDONED_IN_QUEUE : Ending.ANSWERED;
    }

    synchronized int seconds(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    /** An inbound call that started at {@code start} and ended as {@code ending}. */
    Map<String, Object> inbound(String callKey, LocalDateTime start, String caller, String called, Ending ending,
                                String queue, String agent) {
        int ivr = seconds(5, 40);
        int wait = ending == Ending.BEFORE_QUEUE ? 0 : seconds(3, 90);
        int talk = ending == Ending.ANSWERED ? seconds(20, 600) : 0;
        LocalDateTime queued = ending == Ending.BEFORE_QUEUE ? null : start.plusSeconds(ivr);
        LocalDateTime talked = ending == Ending.ANSWERED ? queued.plusSeconds(wait) : null;
        LocalDateTime hangup = start.plusSeconds(ivr + wait + talk);
        boolean inQueue = ending != Ending.BEFORE_QUEUE;
        boolean answered = ending == Ending.ANSWERED;
        Map<String, Object> cdr = base(callKey, start, queued, talked, hangup);
        cdr.put("waitduration", wait);
        cdr.put("duration", answered ? talk : null);
        cdr.put("callerid", caller);
        cdr.put("called_num", called);
        cdr.put("queue", inQueue ? queue : "");
        cdr.put("queuekey", inQueue ? queueKey(queue) : "");
        cdr.put("agent", answered ? agentId(agent) : "");
        cdr.put("agentid", answered ? agentId(agent) : "");
        cdr.put("agent_username", answered ? agent : "");
        cdr.put("answered", answered);
        cdr.put("answeredby", answered ? agent : "");
        cdr.put("queued", inQueue);
        cdr.put("assigned", answered);
        cdr.put("abandon", ending == Ending.ABANDONED_IN_QUEUE);
        cdr.put("inbound", true);
        cdr.put("status", answered ? "ANSWER" : ending == Ending.ABANDONED_IN_QUEUE ? "ABANDON" : "IVR_HANGUP");
        cdr.put("hangupcause", "16");
        finish(cdr, answered, callKey);
        cdr.put("click2call", false);
        return cdr;
    }

    /** An outbound click2call made by {@code agent} to {@code number}; its row names the CRM's transaction id as {@code uniqueid}. */
    Map<String, Object> click2call(String callKey, LocalDateTime start, String agent, String extension, String number,
                                   String disposition, int talkSeconds, String transactionId) {
        boolean answered = "ANSWER".equals(disposition);
        int ring = seconds(3, 15);
        LocalDateTime talked = answered ? start.plusSeconds(ring) : null;
        LocalDateTime hangup = start.plusSeconds(ring + (answered ? talkSeconds : 0));
        Map<String, Object> cdr = base(callKey, start, null, talked, hangup);
        cdr.put("waitduration", 0);
        cdr.put("duration", answered ? talkSeconds : null);
        cdr.put("callerid", extension);
        cdr.put("called_num", number);
        cdr.put("queue", "");
        cdr.put("queuekey", "");
        cdr.put("agent", agentId(agent));
        cdr.put("agentid", agentId(agent));
        cdr.put("agent_username", agent);
        cdr.put("answered", answered);
        cdr.put("answeredby", answered ? number : "");
        cdr.put("queued", false);
        cdr.put("assigned", true);
        cdr.put("abandon", false);
        cdr.put("inbound", false);
        cdr.put("status", disposition);
        cdr.put("hangupcause", answered ? "16" : "17");
        finish(cdr, answered, callKey);
        cdr.put("click2call", true);
        cdr.put("uniqueid", transactionId);
        return cdr;
    }

    private Map<String, Object> base(String callKey, LocalDateTime start, LocalDateTime queued, LocalDateTime talked,
                                     LocalDateTime hangup) {
        Map<String, Object> cdr = new LinkedHashMap<>();
        cdr.put("callid", callKey);
        cdr.put("calldate", WIRE_TIME.format(start));
        cdr.put("queuedate", queued == null ? null : WIRE_TIME.format(queued));
        cdr.put("talkdate", talked == null ? null : WIRE_TIME.format(talked));
        cdr.put("hangupdate", WIRE_TIME.format(hangup));
        return cdr;
    }

    private void finish(Map<String, Object> cdr, boolean answered, String callKey) {
        int hold = answered && seconds(0, 4) == 0 ? seconds(5, 60) : 0;
        cdr.put("hold", hold > 0);
        cdr.put("holdduration", hold);
        cdr.put("voicemail", false);
        cdr.put("recordingurl", answered ? recordingBase + callKey + ".mp3" : "");
        cdr.put("transferred", false);
    }

    private static String queueKey(String queue) {
        return "ahRzfm11q" + Integer.toHexString(queue.hashCode());
    }

    static String agentId(String agent) {
        return "ahRzfm11a" + Integer.toHexString(agent.toLowerCase(Locale.ROOT).hashCode());
    }
}
