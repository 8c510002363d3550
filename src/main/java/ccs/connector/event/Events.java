package ccs.connector.event;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ccs.connector.ccs.Tenants;
import ccs.connector.config.Secrets;

/**
 * The one place that builds events: each Call Center Studio record or callback becomes a
 * {@link CloudEvent} with camelCase normalized fields, times in UTC and {@code raw}, the fields
 * as received (a field given more than once with every value, as a list; the normalized fields read its first).
 * Everything received is scrubbed of secrets first ({@link Secrets#scrub}), so no event
 * carries one in any field. Bad input throws {@link InvalidFieldException} naming the field; a
 * callback whose call is known is never refused for its other fields: each one that cannot be read
 * is left empty and named in {@code data.unreadable} (its value stays in {@code raw}).
 */
public final class Events {

    public static final String CDR = "ccs.cdr";
    public static final String HANGUP = "ccs.call.hangup";
    public static final String IVR_NOTIFICATION = "ccs.ivr.notification";
    public static final String CLICK2CALL_ACCEPTED = "ccs.click2call.accepted";
    public static final String CLICK2CALL_FAILED = "ccs.click2call.failed";
    public static final String CALL_CONTROL_ACCEPTED = "ccs.call.control.accepted";
    public static final String CALL_CONTROL_FAILED = "ccs.call.control.failed";
    public static final String AGENT_STATUS = "ccs.agent.status";
    public static final String AGENT_PERFORMANCE = "ccs.agent.performance";
    private static final List<String> TYPES = List.of(CDR, HANGUP, IVR_NOTIFICATION, CLICK2CALL_ACCEPTED, CLICK2CALL_FAILED,
            CALL_CONTROL_ACCEPTED, CALL_CONTROL_FAILED, AGENT_STATUS, AGENT_PERFORMANCE);

    /** Every type the connector builds: the label {@code type} of {@code ccs_crm_deliveries_total} takes these only. */
    public static List<String> types() {
        return TYPES;
    }

    /**
     * The longest call key taken (the platform's are about 24 characters): a key is part of an event's id, which the
     * dedupe store and the dead letters keep in columns of at most 1,000 characters.
     */
    private static final int MAX_CALL_KEY = 200;

    /**
     * Where a row of {@code reportsAgentPerf} may name its agent, best first (the answer's shape is not published):
     * the e-mail, which the connector knows agents by, before the platform's id or a display name.
     */
    static final List<String> AGENT_FIELDS = List.of("email", "agent_email", "agentemail", "agent_username", "username",
            "agent", "agentid", "agent_id", "agentname", "agent_name", "name");
    static final List<String> TEAM_FIELDS = List.of("team", "team_name", "teamname", "group");
    /** Fields of a row that say which period it covers: the event's date says that. */
    private static final Set<String> PERIOD_FIELDS = Set.of("startdate", "finishdate", "date", "day");
    private static final Pattern DURATION = Pattern.compile("(\\d+):([0-5]\\d):([0-5]\\d)");

    /** Fields of an IVR notification; the wire name of each comes from {@code ccs.ivr.param.<field>} (or the tenant's). */
    public static final List<String> IVR_FIELDS =
            List.of("call-key", "event", "caller", "called", "queue-name", "queue-id", "agent-email", "call-date");

    /** The hangup callback's {@code disposition}: Asterisk's dial status, as the vendor documents it. */
    static final Set<String> DISPOSITIONS =
            Set.of("ANSWER", "BUSY", "NOANSWER", "CANCEL", "CONGESTION", "CHANUNAVAIL", "DONTCALL", "TORTURE", "INVALIDARGS");

    /**
     * A date on the wire, the tenant's wall clock, as the connector writes it. Strict: a day the month lacks (2026-02-29) or
     * 24:00:00 cannot be read, where the default resolving moved it to another day without a word.
     */
    public static final DateTimeFormatter WIRE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);
    /** How {@link #wireTime} reads one, as strictly, once its space is a 'T'. No offset: the wire is the tenant's wall clock. */
    private static final DateTimeFormatter WIRE_TIME_READ = new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
    /** How a yes/no field may be written, any letter case. */
    private static final List<String> YES = List.of("true", "1", "yes", "y", "on", "evet");
    private static final List<String> NO = List.of("false", "0", "no", "n", "off", "hayır");

    /**
     * How IVR notifications name their fields, and which of their {@code event} values say the call ended: what a
     * tenant's administrator typed into the flow's notification step.
     *
     * @param names     the wire name of each of {@link #IVR_FIELDS}
     * @param endEvents the values of {@code event} that say the call ended (any letter case): only such a notification,
     *                  or one without {@code event}, has an {@code outcome}
     */
    public record IvrWire(Map<String, String> names, Set<String> endEvents) {
        public IvrWire {
            names = Map.copyOf(names);
            endEvents = Set.copyOf(endEvents);
        }

        /**
         * Whether the step is one of the end events, in any letter case, letter by letter: lowering whole words does not
         * match Turkish ones ({@code BİTTİ} lowers to a dotted {@code i} and a combining dot, {@code ı} stays {@code ı}).
         */
        boolean ends(String step) {
            return endEvents.stream().anyMatch(step::equalsIgnoreCase);
        }
    }

    private final Tenants tenants;
    private final IvrWire ivrWire;
    private final Map<String, IvrWire> tenantIvrWire;
    private final Secrets secrets;
    /** When a callback arrives: it tells the two passes of an autumn clock change's repeated hour apart ({@link #asReceived}). */
    private final Clock clock;

    /**
     * How far the platform's clock may run ahead of the connector's: a callback's call may seem to end that much after it
     * arrived.
     */
    private static final Duration CALLBACK_CLOCK_TOLERANCE = Duration.ofMinutes(5);

    public Events(Tenants tenants, IvrWire ivrWire, Map<String, IvrWire> tenantIvrWire, Secrets secrets) {
        this(tenants, ivrWire, tenantIvrWire, secrets, Clock.systemUTC());
    }

    /**
     * @param ivrWire       how IVR notifications come ({@code ccs.ivr.*})
     * @param tenantIvrWire how those of a tenant come where its administrator typed other names ({@code ccs.tenant.<name>.ivr.*})
     * @param clock         the time a callback arrives at
     */
    public Events(Tenants tenants, IvrWire ivrWire, Map<String, IvrWire> tenantIvrWire, Secrets secrets, Clock clock) {
        this.tenants = tenants;
        this.ivrWire = ivrWire;
        this.tenantIvrWire = Map.copyOf(tenantIvrWire);
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * A record of {@code reportsCDRLogs}. {@code agent} is the platform's id of the agent and
     * {@code agentUsername} the agent's e-mail; a click2call's row carries the CRM's transaction id
     * (the click2call's {@code transactionid}) as {@code uniqueid}. Without a {@code callid} or a
     * {@code calldate} that can be read no event can be built; any other field that cannot be read
     * is left empty and named in {@code data.unreadable}, as for a hangup callback.
     */
    @SuppressWarnings("unchecked") // a JSON object's names are texts
    public CloudEvent cdr(String tenant, Object received) {
        if (!(received instanceof Map<?, ?> fields)) {
            throw new InvalidFieldException("record", "is not a JSON object but " + abbreviate(String.valueOf(received)));
        }
        Map<String, Object> record = secrets.scrub((Map<String, ?>) fields);
        ZoneId zone = zone(tenant);
        String callKey = required(record, "callid");
        String startedAt = recordStart(zone, record);
        Map<String, String> unreadable = new LinkedHashMap<>();
        String endedAt = readable(unreadable, () -> utcAfter(startedAt, zone, "hangupdate", record.get("hangupdate")));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("callKey", callKey);
        data.put("direction", CallDirection.of(record));
        data.put("callerNumber", text(record.get("callerid")));
        data.put("calledNumber", text(record.get("called_num")));
        data.put("agent", text(record.get("agent")));
        data.put("queue", text(record.get("queue")));
        data.put("startedAt", startedAt);
        data.put("answeredAt", readable(unreadable, () -> utcAfter(startedAt, zone, "talkdate", record.get("talkdate"))));
        data.put("endedAt", endedAt);
        data.put("durationSeconds", readable(unreadable, () -> seconds("duration", record.get("duration"))));
        data.put("answered", flag(unreadable, record, "answered"));
        data.put("abandoned", flag(unreadable, record, "abandon"));
        data.put("recordingUrl", text(record.get("recordingurl")));
        // the CRM's, once the correlation finds the click2call the record belongs to (CallCorrelations): a record's own ids are not
        data.put("transactionId", null);
        data.put("agentUsername", agentEmailOf(record));
        // the direction (CallDirection) and the correlation take one that cannot be read for none: it is named all the same
        Stream.of("inbound", "click2call").forEach(field -> readable(unreadable, () -> yesNo(field, record.get(field))));
        putUnreadable(data, unreadable);
        data.put("raw", record);
        return new CloudEvent(name(tenant), CDR, callKey, Instant.parse(endedAt != null ? endedAt : startedAt), data);
    }

    /**
     * The dead letter id of a CDR record that cannot become an event, the same each time a window
     * reads it again: {@code <tenant>:ccs.cdr.invalid:<callid>:<calldate>}, or, for a record without
     * a call key (or one no id can hold), a digest of the record instead, so that two such records keep two letters.
     */
    @SuppressWarnings("unchecked") // a JSON object's names are texts
    public static String invalidCdrLetterId(String tenant, Object record) {
        String prefix = tenant + ":" + CDR + ".invalid:";
        if (record instanceof Map<?, ?> fields) {
            String callKey = text(fields.get("callid"));
            String named = callKey + ":" + fields.get("calldate");
            return callKey != null && named.length() <= MAX_CALL_KEY && named.chars().noneMatch(Character::isISOControl)
                    ? prefix + named : prefix + CloudEvent.digest((Map<String, ?>) fields);
        }
        return prefix + CloudEvent.digest(Map.of("record", String.valueOf(record)));
    }

    /** The hangup callback that follows a click2call (form fields of the vendor guide). */
    public CloudEvent hangup(String tenant, Map<String, ?> received) {
        Map<String, Object> fields = secrets.scrub(received);
        ZoneId zone = zone(tenant);
        String callKey = required(fields, "call_id");
        Map<String, String> unreadable = new LinkedHashMap<>();
        Integer duration = readable(unreadable, () -> seconds("duration", fields.get("duration")));
        // the callback comes as the call ends
        String startedAt = readable(unreadable, () -> asReceived(zoned(zone, "call_date", fields.get("call_date"), true),
                duration == null ? 0 : duration));
        String disposition = readable(unreadable, () -> disposition(fields.get("disposition")));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("callKey", callKey);
        data.put("transactionId", text(fields.get("transaction_id")));
        data.put("agentUsername", text(fields.get("agent_username")));
        data.put("callerNumber", text(fields.get("caller_id")));
        data.put("calledNumber", text(fields.get("called_num")));
        data.put("startedAt", startedAt);
        data.put("durationSeconds", duration);
        data.put("disposition", disposition);
        putUnreadable(data, unreadable);
        data.put("raw", fields);
        Instant endedAt = startedAt == null ? clock.instant() : Instant.parse(startedAt).plusSeconds(duration == null ? 0 : duration);
        return new CloudEvent(name(tenant), HANGUP, callKey, endedAt, data);
    }

    /**
     * A call notification from an IVR step; parameters are read under their configured wire names.
     * The platform may notify several steps of one call: the id ends with a digest of all the
     * notification's fields (its event, queue, agent, times, any other parameter; each value of one given more than once),
     * so each step is an event of its own and only an exact repeat of one notification has the same id.
     */
    public CloudEvent ivrNotification(String tenant, Map<String, ?> received) {
        Map<String, Object> params = secrets.scrub(received);
        ZoneId zone = zone(tenant);
        IvrWire wire = tenantIvrWire.getOrDefault(name(tenant), ivrWire);
        Map<String, String> names = wire.names();
        String callKey = required(params, names.get("call-key"));
        Map<String, String> unreadable = new LinkedHashMap<>();
        // a step of the call notifies while it lasts
        String startedAt = readable(unreadable, () -> asReceived(zoned(zone, names.get("call-date"), params.get(names.get("call-date")), false), 0));
        String queueName = text(params.get(names.get("queue-name")));
        String queueId = text(params.get(names.get("queue-id")));
        String agentEmail = text(params.get(names.get("agent-email")));
        String step = text(params.get(names.get("event")));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("callKey", callKey);
        data.put("event", step);
        // a step before the call's end (entered the queue, ...) says nothing yet of how the call ends
        boolean ended = step == null || wire.ends(step);
        // an agent's e-mail says the call was talked, though the step may not name the queue (an administrator's choice,
        // or an IVR that routes to an agent directly)
        data.put("outcome", !ended ? null : agentEmail != null ? "answered"
                : queueName == null && queueId == null ? "ended-before-queue" : "abandoned-in-queue");
        data.put("queueName", queueName);
        data.put("queueId", queueId);
        data.put("callerNumber", text(params.get(names.get("caller"))));
        data.put("calledNumber", text(params.get(names.get("called"))));
        data.put("agentEmail", agentEmail);
        data.put("startedAt", startedAt);
        putUnreadable(data, unreadable);
        // every value of a repeated parameter, in order: the digest tells apart steps that differ only in a later one
        data.put("raw", params);
        // not of the tenant parameter: named in any letter case (or left out for the default tenant), the same notification
        // had ids of its own, and reached the CRM once for each
        Map<String, Object> ofNotification = new LinkedHashMap<>(params);
        ofNotification.remove("tenant");
        return new CloudEvent(name(tenant), IVR_NOTIFICATION, callKey, CloudEvent.digest(ofNotification),
                startedAt == null ? clock.instant() : Instant.parse(startedAt), data);
    }

    /** The event of a webhook request of the given type ({@link #HANGUP} or {@link #IVR_NOTIFICATION}), e.g. one kept in the dead letters. */
    public CloudEvent webhook(String type, String tenant, Map<String, ?> fields) {
        return switch (type) {
            case HANGUP -> hangup(tenant, fields);
            case IVR_NOTIFICATION -> ivrNotification(tenant, fields);
            default -> throw new IllegalArgumentException("'" + type + "' is not the type of a webhook event");
        };
    }

    /** The outcome of a click2call that came over JMS or a file: the request, and the error when it failed. */
    public CloudEvent click2callOutcome(String tenant, String transactionId, Map<String, ?> received, String error) {
        return outcome(tenant, error == null ? CLICK2CALL_ACCEPTED : CLICK2CALL_FAILED, transactionId, received, error);
    }

    /**
     * The outcome of a call control (hang up, hold, resume) that came over JMS or a file: the request,
     * and the error when it failed; {@code transactionId} is the CRM's, or one generated.
     */
    public CloudEvent callControlOutcome(String tenant, String transactionId, Map<String, ?> received, String error) {
        return outcome(tenant, error == null ? CALL_CONTROL_ACCEPTED : CALL_CONTROL_FAILED, transactionId, received, error);
    }

    /** The event id as the REST sink's {@code Idempotency-Key} header carries it ({@link CloudEvent#headerValue}). */
    public String idempotencyKey(String eventId) {
        return CloudEvent.headerValue(eventId);
    }

    /**
     * The file name of an event in a file sink ({@link CloudEvent#fileName}): on this registered bean, because a
     * route's call of a static method by its type searches the registry by type on every event.
     */
    public String fileName(String eventId) {
        return CloudEvent.fileName(eventId);
    }

    /**
     * A change of an agent's status that the softphone reported to the agent page, which forwarded it:
     * the agent (the page's, never one its request names), the status as the softphone names it and its
     * time. The id {@code <tenant>:ccs.agent.status:<agent>:<time>:<digest of the status>} (milliseconds) makes a repeated
     * forward of one change one event; the subject is the agent. No {@code raw}: the page forwards nothing else.
     */
    public CloudEvent agentStatus(String tenant, String agent, String status, Instant time) {
        Map<String, Object> data = new LinkedHashMap<>();
        String scrubbed = secrets.scrub(status);
        data.put("agent", agent);
        data.put("status", scrubbed);
        data.put("time", time.toString());
        // the status too (as a digest: an id is ASCII, for the REST sink's Idempotency-Key header): two changes that
        // the softphone stamps with one time (whole seconds) are two events
        return new CloudEvent(name(tenant), AGENT_STATUS, agent, time + ":" + CloudEvent.digest(Map.of("status", scrubbed)), time, data);
    }

    /**
     * One agent's figures of one day, a row of {@code reportsAgentPerf} asked for that day alone. The answer's shape is
     * not published (README, "Agent performance"), so the row is read tolerantly: the agent is its first field of
     * {@link #AGENT_FIELDS} with a value, its team the first of {@link #TEAM_FIELDS}, and {@code figures} holds every
     * other field (but ids) whose value is a number (also written as text) or a duration {@code H:mm:ss} (as seconds), by its
     * camelCase name; everything, figures or not, stays in {@code raw}. The id is {@code <tenant>:ccs.agent.performance:<agent>:<day>},
     * the time the end of the day in the tenant's zone. A row that names no agent throws {@link InvalidFieldException}.
     */
    public CloudEvent agentPerformance(String tenant, LocalDate day, Map<String, ?> row) {
        Map<String, Object> fields = secrets.scrub(row);
        String agent = first(fields, AGENT_FIELDS);
        if (agent == null) {
            throw new InvalidFieldException("email", "is missing: the row names its agent under none of " + AGENT_FIELDS);
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            Object figure = figure(value);
            // ids (agentcustomid, teamid) are no figures, even when they are numbers
            if (figure != null && !lower.endsWith("id") && !AGENT_FIELDS.contains(lower) && !TEAM_FIELDS.contains(lower)
                    && !PERIOD_FIELDS.contains(lower)) {
                figures.put(camelCase(name), figure);
            }
        });
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("agent", agent);
        data.put("date", day.toString());
        data.put("team", first(fields, TEAM_FIELDS));
        data.put("figures", figures);
        data.put("raw", fields);
        return new CloudEvent(name(tenant), AGENT_PERFORMANCE, agent, day.toString(), day.plusDays(1).atStartOfDay(zone(tenant)).toInstant(), data);
    }

    /** The first of the fields (any case) with a value, as text. */
    private static String first(Map<String, Object> fields, List<String> names) {
        for (String wanted : names) {
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                if (field.getKey().equalsIgnoreCase(wanted) && text(field.getValue()) != null) {
                    return text(field.getValue());
                }
            }
        }
        return null;
    }

    /** A figure: a number as it is, a number written as text as that number, {@code H:mm:ss} as seconds; else null. */
    static Number figure(Object value) {
        if (value instanceof Number number) {
            return number;
        }
        String text = value instanceof String ? text(value) : null;
        if (text == null) {
            return null;
        }
        Matcher duration = DURATION.matcher(text);
        if (duration.matches()) {
            return Long.parseLong(duration.group(1)) * 3600 + Integer.parseInt(duration.group(2)) * 60 + Integer.parseInt(duration.group(3));
        }
        try {
            return text.matches("-?\\d{1,18}") ? (Number) Long.parseLong(text) : (Number) new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code inbound_calls}, {@code Inbound-Calls} or {@code InboundCalls} as {@code inboundCalls}. */
    static String camelCase(String name) {
        StringBuilder camel = new StringBuilder(name.length());
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '_' || c == '-' || c == ' ' || c == '.') {
                upper = camel.length() > 0;
            } else {
                camel.append(upper ? Character.toUpperCase(c) : camel.length() == 0 ? Character.toLowerCase(c) : c);
                upper = false;
            }
        }
        return camel.toString();
    }

    private CloudEvent outcome(String tenant, String type, String transactionId, Map<String, ?> received, String error) {
        Map<String, Object> data = outcomeData(transactionId, received, null, error);
        Instant now = clock.instant();
        // a transaction may fail more than once (a failure that placed no call frees its id for the CRM to send again):
        // each failure is an event of its own, told apart by its time
        return new CloudEvent(name(tenant), type, transactionId, error == null ? null : now.toString(), now, data);
    }

    /**
     * The failure ({@code type}: {@link #CLICK2CALL_FAILED} or {@link #CALL_CONTROL_FAILED}) of a request that came over
     * JMS or a file and was refused before its fields could be checked: not JSON, not one object, a field given twice, not
     * UTF-8, too large, empty. {@code fields} are its fields as far as they could be read (none when it was not read);
     * {@code body}, when not null, its text where no field could be read, kept as {@code data.body} up to {@code limit}
     * characters once scrubbed. Its id ends with {@code refused-<digest of its data and delivery>} where another failure's
     * ends with its time: the same message delivered again, or the same file read again ({@code delivery}: the JMS message's
     * id, the file's name, size, time and digest), is the same event; the same text sent again in another is another.
     */
    public CloudEvent refusedOutcome(String tenant, String type, String transactionId, Map<String, ?> fields, String body, int limit,
                                     String error, String delivery) {
        Map<String, Object> data = outcomeData(transactionId, fields, body == null ? null : upTo(secrets.scrub(body), limit), error);
        String step = "refused-" + CloudEvent.digest(Map.of("data", data, "delivery", String.valueOf(delivery)));
        return new CloudEvent(name(tenant), type, transactionId, step, clock.instant(), data);
    }

    /**
     * The data of a click2call's or call control's outcome: the request's fields, the transaction id, the error, the body,
     * raw. The request is a JSON object: a list in it is the CRM's value, kept whole (not a form field given twice).
     */
    private Map<String, Object> outcomeData(String transactionId, Map<String, ?> received, String body, String error) {
        Map<String, Object> request = secrets.scrub(received);
        Map<String, Object> data = new LinkedHashMap<>(request);
        data.put("transactionId", transactionId);
        if (error != null) {
            // it may quote what Call Center Studio answered
            data.put("error", secrets.scrub(error));
        }
        if (body != null) {
            data.put("body", body);
        }
        data.put("raw", request);
        return data;
    }

    /** A text cut to its first {@code limit} characters, never between the two halves of a character beyond U+FFFF. */
    private static String upTo(String text, int limit) {
        if (text.length() <= limit) {
            return text;
        }
        return text.substring(0, Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit);
    }

    private ZoneId zone(String tenant) {
        return tenants.get(tenant).zone();
    }

    private String name(String tenant) {
        return tenants.get(tenant).name();
    }

    /** A field read with {@code read}; when it cannot be read, null, and the reason goes to {@code unreadable} under the field's name. */
    private static <T> T readable(Map<String, String> unreadable, Supplier<T> read) {
        try {
            return read.get();
        } catch (InvalidFieldException e) {
            unreadable.put(e.getField(), e.getMessage());
            return null;
        }
    }

    private static void putUnreadable(Map<String, Object> data, Map<String, String> unreadable) {
        if (!unreadable.isEmpty()) {
            data.put("unreadable", unreadable);
        }
    }

    private static String disposition(Object value) {
        String text = text(value);
        if (text == null) {
            return null;
        }
        String disposition = text.toUpperCase(Locale.ROOT);
        if (!DISPOSITIONS.contains(disposition)) {
            throw new InvalidFieldException("disposition", "is '" + abbreviate(text) + "': not a dial status the platform documents");
        }
        return disposition;
    }

    private static String required(Map<String, ?> fields, String name) {
        Object single = single(fields.get(name));
        // a JSON object or array would become an id such as {a=1}
        if (single instanceof Map<?, ?> || single instanceof List<?>) {
            throw new InvalidFieldException(name, "is not a text or a number");
        }
        String value = text(single);
        if (value == null) {
            throw new InvalidFieldException(name, "is missing");
        }
        if (value.length() > MAX_CALL_KEY) {
            throw new InvalidFieldException(name, "is longer than " + MAX_CALL_KEY + " characters: not a call key");
        }
        // a line break in an id would forge lines in the log, and no header could carry it
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidFieldException(name, "holds a control character: not a call key");
        }
        return value;
    }

    /** A form field may arrive as a list when repeated: the first value counts. */
    private static Object single(Object value) {
        return value instanceof List<?> list ? (list.isEmpty() ? null : list.get(0)) : value;
    }

    /**
     * The e-mail of the agent a CDR record names: its {@code agent_username} (not among the record fields the vendor lists,
     * but a filter of reportsCDRLogs and a hangup callback's field), else an {@code agent} or {@code answeredby} given as an
     * e-mail (the listed ones, which may hold the platform's own id of the agent instead); null when none does.
     */
    public static String agentEmailOf(Map<?, ?> record) {
        String username = text(record.get("agent_username"));
        if (username != null) {
            return username;
        }
        return Stream.of("agent", "answeredby").map(field -> text(record.get(field))).filter(named -> named != null && named.contains("@"))
                .findFirst().orElse(null);
    }

    /** A field as text: null for none, blank or the text null; a repeated form field's first value. */
    public static String text(Object value) {
        Object single = single(value);
        if (single == null) {
            return null;
        }
        String text = String.valueOf(single).trim();
        return text.isEmpty() || text.equalsIgnoreCase("null") ? null : text;
    }

    /**
     * A yes/no field: a JSON boolean, the number 1 or 0, or a text of {@link #YES} or {@link #NO} in any letter case; null
     * for none and for anything else, which no caller may take for a no.
     */
    public static Boolean bool(Object value) {
        Object single = single(value);
        if (single instanceof Boolean b) {
            return b;
        }
        if (single instanceof Number number) {
            double exact = number.doubleValue();
            return exact == 1 ? Boolean.TRUE : exact == 0 ? Boolean.FALSE : null;
        }
        String text = text(single);
        // letter by letter, as IvrWire.ends: HAYIR lowered whole is hayir, never hayır
        return text == null ? null : YES.stream().anyMatch(text::equalsIgnoreCase) ? Boolean.TRUE
                : NO.stream().anyMatch(text::equalsIgnoreCase) ? Boolean.FALSE : null;
    }

    /** {@link #bool}, null when absent; one that holds anything else throws {@link InvalidFieldException} naming the field. */
    private static Boolean yesNo(String field, Object value) {
        Boolean read = bool(value);
        String text = text(value);
        if (read == null && text != null) {
            throw new InvalidFieldException(field, "is '" + abbreviate(text) + "': it must be true or false");
        }
        return read;
    }

    /** A yes/no field of a record: false when absent, as the events always had it; null when it cannot be read. */
    private static Boolean flag(Map<String, String> unreadable, Map<String, Object> record, String field) {
        return readable(unreadable, () -> Boolean.TRUE.equals(yesNo(field, record.get(field))));
    }

    private static Integer seconds(String field, Object value) {
        Object single = single(value);
        if (single instanceof Number number) {
            // a JSON number: whole, not negative and within an int, never truncated or wrapped into one
            double exact = number.doubleValue();
            if (exact >= 0 && exact <= Integer.MAX_VALUE && exact == Math.rint(exact)) {
                return (int) exact;
            }
            throw new InvalidFieldException(field, "is '" + number + "': it must be a whole number of seconds");
        }
        String text = text(single);
        if (text == null) {
            return null;
        }
        try {
            int seconds = Integer.parseInt(text);
            if (seconds < 0) {
                throw new NumberFormatException();
            }
            return seconds;
        } catch (NumberFormatException e) {
            throw new InvalidFieldException(field, "is '" + abbreviate(text) + "': it must be a whole number of seconds");
        }
    }

    /**
     * The start of a call that a callback or a record tells of soon after it happens, {@code secondsLater} before the moment
     * it tells of, as UTC ISO-8601. In the hour that an autumn clock change repeats, its later instant once that moment has
     * come by the connector's clock (give or take {@link #CALLBACK_CLOCK_TOLERANCE}), else the earlier: a call of the
     * repeated hour's second pass is told of an hour after the same wall clock's first pass. A record read an hour or more
     * after its call ended (a backfill) is taken at the second pass.
     */
    private String asReceived(ZonedDateTime start, long secondsLater) {
        if (start == null) {
            return null;
        }
        ZonedDateTime later = start.withLaterOffsetAtOverlap();
        boolean come = !later.toInstant().plusSeconds(secondsLater).isAfter(clock.instant().plus(CALLBACK_CLOCK_TOLERANCE));
        return (come ? later : start).toInstant().toString();
    }

    /**
     * A record's {@code calldate} as UTC: a record is written once its call ended and read soon after by the polls and
     * settle sweeps, so in the repeated hour it is taken as a callback is ({@link #asReceived}), its call ending at its
     * {@code hangupdate}'s wall clock (else after its {@code duration}); a call whose hang-up's wall clock lies before its
     * start's began before the clocks went back.
     */
    private String recordStart(ZoneId zone, Map<String, Object> record) {
        ZonedDateTime start = zoned(zone, "calldate", record.get("calldate"), true);
        // a field that cannot be read is named in data.unreadable where the event reads it
        Map<String, String> unreadable = new LinkedHashMap<>();
        ZonedDateTime hangup = readable(unreadable, () -> zoned(zone, "hangupdate", record.get("hangupdate"), false));
        LocalDateTime end = hangup == null ? null : hangup.toLocalDateTime();
        Integer duration = readable(unreadable, () -> seconds("duration", record.get("duration")));
        if (end != null && end.isBefore(start.toLocalDateTime())) {
            return start.toInstant().toString();
        }
        long toEnd = end != null ? Duration.between(start.toLocalDateTime(), end).toSeconds() : duration != null ? duration : 0;
        return asReceived(start, toEnd);
    }

    /**
     * A time of the call after its start: in the hour that an autumn clock change repeats, the later of its two
     * instants where the earlier would lie before the start (a call that began before the clocks went back).
     */
    private static String utcAfter(String startedAt, ZoneId zone, String field, Object value) {
        ZonedDateTime at = zoned(zone, field, value, false);
        if (at == null) {
            return null;
        }
        if (at.toInstant().isBefore(Instant.parse(startedAt))) {
            at = at.withLaterOffsetAtOverlap();
        }
        return at.toInstant().toString();
    }

    /** A wall-clock time of the tenant; in an hour the clocks repeat, its earlier instant. */
    private static ZonedDateTime zoned(ZoneId zone, String field, Object value, boolean required) {
        String text = text(value);
        if (text == null) {
            if (required) {
                throw new InvalidFieldException(field, "is missing");
            }
            return null;
        }
        try {
            return wireTime(text).atZone(zone);
        } catch (DateTimeParseException e) {
            throw new InvalidFieldException(field, "is '" + abbreviate(text) + "': it must be a date like 2020-02-24 19:07:34");
        }
    }

    /**
     * A date on the wire: {@link #WIRE_TIME}, or with a 'T' for its space, either with a fraction of a second, which is
     * dropped: events carry whole seconds, and a window cut short at the record goes on from its second, reading it again.
     */
    public static LocalDateTime wireTime(String text) {
        return LocalDateTime.parse(text.replace(' ', 'T'), WIRE_TIME_READ).truncatedTo(ChronoUnit.SECONDS);
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
