package ccs.connector.click2call;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import ccs.connector.api.BadRequestException;
import ccs.connector.api.JsonBodies;
import ccs.connector.ccs.CcsApi;
import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.event.CloudEvent;
import ccs.connector.event.Events;
import ccs.connector.event.InvalidFieldException;
import ccs.connector.screenpop.PhoneNumbers;
import ccs.connector.session.AgentSessions;
import ccs.connector.webhook.WebhookTokens;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and checks click2call requests from the CRM (the same JSON over REST, JMS and the file
 * inbox), builds the parameters of function {@code click2call} and the outcome events.
 * <pre>{"agentEmail", "phoneNumber", "transactionId"?, "masked"?, "selectedQueue"?, "tenant"?, "reference"?}</pre>
 * The number is dialled as the tenant expects it ({@code ccs.click2call.number-format}:
 * {@code as-given}, {@code national} or {@code e164}, read under {@code ccs.click2call.default-region}).
 */
public final class Click2callRequests {

    public static final String AS_GIVEN = "as-given";

    private static final Logger LOG = LoggerFactory.getLogger(Click2callRequests.class);

    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };
    /** What a CRM's transaction id may hold: it travels in a query string and in event ids. */
    private static final Pattern TRANSACTION_ID = Pattern.compile("[A-Za-z0-9._:@+/=-]{1,128}");
    /** The ending of the file beside a failed inbox file that says why it failed. */
    private static final String REASON = ".reason.txt";
    /** What a number to dial may hold besides its digits: the signs people write numbers with. */
    /** The full-width forms of ASCII's '!' to '~', each this far from its ASCII character. */
    private static final int FULL_WIDTH_FIRST = 0xFF01;
    private static final int FULL_WIDTH_LAST = 0xFF5E;
    private static final int FULL_WIDTH_OFFSET = 0xFEE0;
    private static final Pattern DIALLABLE = Pattern.compile("[0-9+\\-.()/\\s]+");

    private final ObjectMapper json = JsonBodies.mapper();
    /** A reader of what can be read of a refused request ({@link #readable}): a nested value may give a field twice. */
    private final ObjectMapper lenient = new ObjectMapper();
    private final Tenants tenants;
    private final Events events;
    private final PhoneNumbers numbers;
    private final String numberFormat;
    private final String hangupUrl;
    private final WebhookTokens webhookTokens;
    private final int maxLength;
    /** Why the file inbox could not keep its files at its last check, null while it can: logged when it changes. */
    private volatile String inboxUnkept;
    /**
     * The inbox files handled already ({@link #inboxKey}): the time their inode last changed then, and whether it was said
     * that one stayed in the inbox, its move to done/ or failed/ failed. Forgotten a day after the file was last seen, so
     * only as long as it stays there.
     */
    private final Cache<String, HandledFile> handledFiles = Caffeine.newBuilder().expireAfterAccess(Duration.ofDays(1)).maximumSize(100_000).build();

    private record HandledFile(Object changedAt, boolean told) {
    }
    /** The inbox files listed by a name this JVM cannot open them by, or not regular files, said once each ({@link #keepsFiles}). */
    private final Cache<String, Boolean> unopenableFiles = Caffeine.newBuilder().expireAfterAccess(Duration.ofDays(1)).maximumSize(10_000).build();

    /**
     * @param numberFormat {@value #AS_GIVEN}, {@link PhoneNumbers#NATIONAL} or {@link PhoneNumbers#E164}
     * @param publicUrl    {@code connector.public-url}, where Call Center Studio reaches the webhook intake
     * @param webhookTokens the webhook tokens, of which the hangup URL carries the click2call's tenant's
     * @param maxLength    the largest request read, in characters ({@code camel.server.maxBodySize}; the HTTP
     *                     server enforces it for REST, this for JMS messages and files)
     */
    public Click2callRequests(Tenants tenants, Events events, PhoneNumbers numbers, String numberFormat, String publicUrl,
                              WebhookTokens webhookTokens, int maxLength) {
        this.tenants = tenants;
        this.events = events;
        this.numbers = numbers;
        this.numberFormat = numberFormat;
        this.hangupUrl = publicUrl.replaceAll("/+$", "") + "/webhooks/ccs/hangup";
        this.webhookTokens = webhookTokens;
        this.maxLength = maxLength;
    }

    /**
     * A queued request's size in bytes, known before its text is read (a file's): one that cannot
     * hold a request (a character takes at most four bytes) is refused unread, so that a stray large file cannot take
     * the connector's memory. Null: not known before reading; {@link #read} checks the text in any case.
     */
    public void checkSize(Long bytes) {
        if (bytes != null && bytes > 4L * maxLength) {
            throw new BadRequestException("the request is larger than " + maxLength + " characters (camel.server.maxBodySize): "
                    + bytes + " bytes, not read");
        }
    }

    /**
     * An inbox file's bytes, no more than {@link #checkSize} takes (it may have grown since it was listed). Neither this nor
     * {@link #contentDigest} follows a symbolic link: one put in the file's place after {@link #keepsFiles} let it through
     * fails the read, and the next poll leaves it.
     */
    public byte[] bytes(File file) throws IOException {
        try (InputStream in = open(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, 4L * maxLength + 1));
            if (bytes.length > 4L * maxLength) {
                throw new BadRequestException("the request grew past " + maxLength + " characters (camel.server.maxBodySize) since it"
                        + " was listed: write it under another name and rename it once written; read no further");
            }
            return bytes;
        }
    }

    /**
     * The SHA-256 of an inbox file's bytes (hex), read in blocks, never held whole. With its name, size and modification
     * time it names the file's delivery (variable queuedDelivery, from which a request without a transactionId gets
     * one): the same file read again (a crash before its move) is the same delivery, and another file of the same name,
     * size and time (a CRM that writes {@code next.json} twice within a second, a copy that keeps whole-second times) is
     * another one, dialled in its turn rather than refused as dispatched already.
     */
    public String contentDigest(File file) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = open(file)) {
            byte[] block = new byte[8192];
            for (int read = in.read(block); read >= 0; read = in.read(block)) {
                sha256.update(block, 0, read);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /**
     * An inbox file opened for reading, without following a symbolic link. One this connector's user may not read (a CRM that
     * writes over SFTP with umask 077, as another user) is a refused request, moved to failed/ with this reason: Camel lists
     * it all the same, and it failed the exchange and was read again at every poll, never answered.
     */
    private static InputStream open(File file) throws IOException {
        try {
            return Files.newInputStream(file.toPath(), LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException e) {
            throw new BadRequestException("the file cannot be read by the connector's user (" + System.getProperty("user.name") + "): "
                    + access(file.toPath()) + "; let that user read it");
        }
    }

    /** Who owns a file and its permissions, as far as they can be read. */
    private static String access(Path file) {
        try {
            PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return "it is owned by " + attributes.owner().getName() + " with permissions " + PosixFilePermissions.toString(attributes.permissions());
        } catch (IOException | UnsupportedOperationException unknown) {
            return "permission denied";
        }
    }

    /**
     * The name under which a handled inbox file is kept in folder {@code outcome} ({@code done} or {@code failed}) of the
     * inbox: its own, or, when a file of that name (or its reason) is kept there already, its own with {@code -2},
     * {@code -3}, ... before the extension, so that a CRM that drops files of one name never has one of them replaced.
     */
    public String keptName(String inbox, String outcome, String name) {
        Path kept = Path.of(inbox, outcome);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        String candidate = name;
        for (int n = 2; Files.exists(kept.resolve(candidate)) || Files.exists(kept.resolve(candidate + REASON)); n++) {
            candidate = stem + "-" + n + extension;
        }
        return candidate;
    }

    /**
     * The inbox file was handled: its outcome is published (or it holds no request). Should its move away fail, it stays in
     * the inbox, where {@link #keepsFiles} leaves it unread: read again, it would be answered by a failed event (409) at every
     * poll, with a copy of it in failed/ each time.
     */
    public void handled(File file) {
        handledFiles.put(inboxKey(file), new HandledFile(attribute(file, "unix:ctime"), false));
    }

    /** Whether the inbox file is a symbolic link, dangling or not; a name the JVM cannot make a path of is none it can tell. */
    private static boolean symbolicLink(File file) {
        try {
            return Files.isSymbolicLink(file.toPath());
        } catch (InvalidPathException notInThisJvmsCharset) {
            return false;
        }
    }

    /**
     * An inbox file by name, size, time and the file system's own key (its inode): the same name written again, or the same
     * file copied back, is another file.
     */
    private static String inboxKey(File file) {
        return file.getName() + "|" + file.length() + "|" + file.lastModified() + "|" + attribute(file, "basic:fileKey");
    }

    /** A file attribute, or null where the file is gone or its file system has no such attribute. */
    private static Object attribute(File file, String name) {
        try {
            return Files.getAttribute(file.toPath(), name);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException none) {
            return null;
        }
    }

    /**
     * Whether the file inbox can keep a file once it is handled: the inbox and its folders {@code done} and {@code failed}
     * take files. A file read from an inbox that cannot move it there stays and is read again at every poll: its request
     * dialled once, then answered by a failed event (409) each time. The inbox's {@code filterFile} leaves every file unread
     * while this is false; why is logged once, and so is the end of it. So it leaves a file {@link #handled} already that its
     * move left in the inbox (a file this connector's user may not delete), with one WARN line.
     */
    public boolean keepsFiles(@Header(Exchange.FILE_PARENT) String inbox, @Body File file) {
        if (symbolicLink(file)) {
            // whoever may write the inbox could name any file this connector may read (its settings, /proc/self/environ, a
            // mounted secret): read, its text went to the CRM in the request's failed event, its fields in an accepted one's
            if (unopenableFiles.asMap().putIfAbsent(file.getName(), true) == null) {
                LOG.warn("click2call file {} in {} is a symbolic link, which is never followed: it stays unread", file.getName(), inbox);
            }
            return false;
        }
        if (!file.exists()) {
            // a name in another charset than this JVM's for file names (one a Windows tool wrote in Windows-1254, or any
            // name but ASCII on a host without a UTF-8 locale) is listed decoded, a name no file has: Camel could not read it
            // and rolled it back at every poll, with a WARN line each time that said nothing of why
            if (unopenableFiles.asMap().putIfAbsent(file.getName(), true) == null) {
                LOG.warn("click2call file {} in {} cannot be opened by the name it is listed with: its name is not in this JVM's "
                        + "charset for file names ({}; run with a UTF-8 locale, e.g. LANG=C.UTF-8), or it went away; it stays unread",
                        file.getName(), inbox, System.getProperty("sun.jnu.encoding"));
            }
            return false;
        }
        if (!Files.isRegularFile(file.toPath())) {
            // a named pipe or a device: its size says 0, and reading it waited for a writer that never
            // came, or filled the heap, and either ended the inbox's polls for good
            if (unopenableFiles.asMap().putIfAbsent(file.getName(), true) == null) {
                LOG.warn("click2call file {} in {} is not a regular file (a named pipe, a device): it stays unread",
                        file.getName(), inbox);
            }
            return false;
        }
        HandledFile handled = handledFiles.getIfPresent(inboxKey(file));
        // seen again as it was handled, its move failed; changed since (mv keeps the rest), it was moved away and back
        // (mv failed/x.json .), and is read as any other: it stayed unread with a WARN line that blamed its permissions.
        // Once said to stay, it stays whatever is done to it (chattr -i, chown, so that it can be removed)
        if (handled != null && (handled.told() || Objects.equals(handled.changedAt(), attribute(file, "unix:ctime")))) {
            if (!handled.told()) {
                LOG.warn("click2call file {} was handled, its outcome published, but could not be moved to done/ or failed/: it "
                        + "is not read again; remove it from the inbox (this connector's user may not delete it: a folder with "
                        + "the sticky bit, a file locked or made immutable)", file.getName());
                handledFiles.put(inboxKey(file), new HandledFile(handled.changedAt(), true));
            }
            return false;
        }
        String unkept = null;
        try {
            for (Path folder : List.of(Path.of(inbox), Files.createDirectories(Path.of(inbox, "done")),
                    Files.createDirectories(Path.of(inbox, "failed")))) {
                if (unkept == null && !Files.isWritable(folder)) {
                    unkept = folder + " is not writable";
                }
            }
        } catch (IOException e) {
            unkept = "a folder of it cannot be made (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
        if (!Objects.equals(unkept, inboxUnkept)) {
            if (unkept != null) {
                LOG.warn("click2call inbox {}: its files stay unread until they can be moved to done/ or failed/ once handled: {}",
                        inbox, unkept);
            } else {
                LOG.info("click2call inbox {} can keep its files again: they are read", inbox);
            }
            inboxUnkept = unkept;
        }
        return unkept == null;
    }

    /** A click2call message's text; empty for a text message sent without text, which is an empty request. */
    public String textOf(@Body TextMessage message) throws JMSException {
        return Objects.requireNonNullElse(message.getText(), "");
    }

    /**
     * The bytes of a click2call message sent as a BytesMessage, which is refused (a request comes as JSON text), for its dead
     * letter: as they came, whatever their charset, so that the CRM can send them again; null when it has none.
     */
    public byte[] keptBytes(BytesMessage message) throws JMSException {
        return message.getBody(byte[].class);
    }

    /**
     * A queued request's bytes (an inbox file's) as text: JSON is UTF-8 (RFC 8259). A file in another charset (Windows-1254,
     * Latin-1) is a malformed request naming its first byte that is no UTF-8 (its file goes to failed/ with that reason), where
     * the file consumer's own reading as UTF-8 failed without a word and left the file to be read again at every poll.
     */
    public String utf8(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer text = CharBuffer.allocate(bytes.length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        if (decoder.decode(in, text, true).isError()) {
            throw new BadRequestException(String.format("the request is not UTF-8 text: byte %d (0x%02X) is no UTF-8; write it in UTF-8",
                    in.position(), bytes[in.position()]));
        }
        decoder.flush(text);
        return text.flip().toString();
    }

    /**
     * The request body as a JSON object; anything else is a malformed request (400). Routes bind the body to it
     * ({@code method: read}): given as a parameter text ({@code read(${bodyAs(String)})}), a body {@code null} would be
     * no body, and a JSON object in quotes, which is no JSON object, would be read without them.
     */
    public Map<String, Object> read(String body) {
        if (body == null || body.isBlank()) {
            throw new BadRequestException("the body is empty: send a JSON object with agentEmail and phoneNumber");
        }
        if (body.length() > maxLength) {
            throw new BadRequestException("the request is larger than " + maxLength + " characters (camel.server.maxBodySize)");
        }
        // a byte order mark, as Windows tools write one, is no part of the JSON (RFC 8259 lets a reader skip it)
        String text = body.startsWith("\uFEFF") ? body.substring(1) : body;
        try {
            Map<String, Object> request = json.readValue(text, JSON_OBJECT);
            if (request == null) {
                throw new BadRequestException("the body is not a JSON object");
            }
            return request;
        } catch (JsonProcessingException e) {
            String twice = JsonBodies.duplicateField(e);
            if (twice != null) {
                throw new BadRequestException("the body gives field " + twice + " twice: give each field once", twice);
            }
            throw new BadRequestException(unreadable(text));
        }
    }

    /** Why a body is no request, when no field is given twice: more after one JSON object, or no JSON object at all. */
    private String unreadable(String text) {
        try {
            return json.readerFor(JSON_OBJECT).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(text) != null
                    ? "the body is not one JSON object: more follows it (one request per body)" : "the body is not a JSON object";
        } catch (JsonProcessingException notAnObject) {
            return "the body is not a JSON object";
        }
    }

    /**
     * What a refused request (one {@link #read}, {@link #utf8} or {@link #checkSize} refused, or a JMS message that is not
     * text) holds as far as it can be read, for its failed event ({@link CallControls#refused}): the fields of the JSON
     * object its first {@code camel.server.maxBodySize} characters start with, up to the first that cannot be read, less
     * any given twice (which of the values was meant is not known); else its text, of which the event keeps as many
     * characters. {@code received} is its text, or its bytes (read as UTF-8, a byte that is none as U+FFFD), or anything
     * else (a file too large, a message that is neither text nor bytes, null), which is not read.
     */
    Refused readable(Object received) {
        String text = received instanceof String given ? given
                : received instanceof byte[] bytes ? new String(bytes, 0, Math.min(bytes.length, 8 * maxLength), StandardCharsets.UTF_8)
                : null;
        if (text == null) {
            return new Refused(Map.of(), null);
        }
        String start = text.startsWith("\uFEFF") ? text.substring(1) : text;
        Map<String, Object> fields = fieldsOf(start.substring(0, Math.min(start.length(), maxLength)));
        // twice what the event keeps: its secrets are masked before it is cut, so none is cut in two and left half shown
        return fields != null ? new Refused(fields, null) : new Refused(Map.of(), start.substring(0, Math.min(start.length(), 2 * maxLength)));
    }

    /** The fields of the JSON object a text starts with, as far as they can be read; null when it starts with none. */
    private Map<String, Object> fieldsOf(String text) {
        Map<String, Object> fields = new LinkedHashMap<>();
        Set<String> named = new HashSet<>();
        try (JsonParser parser = lenient.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                Object value = lenient.readValue(parser, Object.class);
                if (named.add(name)) {
                    fields.put(name, value);
                } else {
                    fields.remove(name);
                }
            }
        } catch (IOException unreadable) {
            // the fields before it stay; with none, its text says more
            return named.isEmpty() ? null : fields;
        }
        return fields;
    }

    /** What can be read of a refused request: its fields, or, where none can be, its text (null when it was not read). */
    record Refused(Map<String, Object> fields, String body) {
    }

    /** The most characters a request may have ({@code camel.server.maxBodySize}). */
    int maxLength() {
        return maxLength;
    }

    /** Checks every field; the first that is missing or wrong is an {@link InvalidFieldException} naming it (400). */
    public Click2call check(Map<String, Object> request) {
        Object action = request.get("action");
        if (action != null && !CallControls.CLICK2CALL.equals(action)) {
            throw new InvalidFieldException("action", "is '" + action + "', but the path is /api/v1/click2call: leave it out, or post a"
                    + " call control to /api/v1/calls/" + action);
        }
        return check(request, null);
    }

    /**
     * Checks a request that came queued, as {@link #check(Map)} does; one without a transactionId gets one derived from
     * {@code delivery} (the JMS message's id; the inbox file's name, size, time and content digest) instead of a random
     * one, so that the request read again after a crash is the same transaction, which is dialled once.
     */
    public Click2call check(Map<String, Object> request, String delivery) {
        checkFieldNames(request);
        Tenant tenant = tenant(request);
        String agentEmail = agentEmail(request);
        String phoneNumber = plain(text(request, "phoneNumber", 64));
        if (phoneNumber == null) {
            throw new InvalidFieldException("phoneNumber", "is missing: the number to call");
        }
        return new Click2call(tenant.name(), agentEmail, phoneNumber, dialled(phoneNumber), transactionId(request, delivery),
                flag(request, "masked"), flag(request, "selectedQueue"), text(request, "reference", 1000), request);
    }

    /** The fields of a click2call or call control request, as they must be spelt. */
    private static final Map<String, String> FIELDS = Stream.of("agentEmail", "phoneNumber", "transactionId", "masked", "selectedQueue",
            "tenant", "reference", "action").collect(Collectors.toMap(Click2callRequests::looseName, field -> field));

    /**
     * A field named as one of the request's but spelt otherwise ({@code transactionid}, as the platform's click2call
     * parameter is, or {@code transaction_id}, as its hangup callback's) is a bad field: read as any other field the
     * CRM adds, it went unread, and the CRM's repeat of the request got a new transaction and was dialled again.
     */
    static void checkFieldNames(Map<String, Object> request) {
        for (String name : request.keySet()) {
            String field = FIELDS.get(looseName(name));
            if (field != null && !field.equals(name)) {
                throw new InvalidFieldException(name, "is no field of the request: write it " + field);
            }
        }
    }

    private static String looseName(String name) {
        return name.replaceAll("[_\\-\\s]", "").toLowerCase(Locale.ROOT);
    }

    /** Field agentEmail, checked, in lower case. */
    static String agentEmail(Map<String, Object> request) {
        return AgentSessions.agentEmail(text(request, "agentEmail", 320));
    }

    /** Field transactionId, checked; when absent, one derived from the request's delivery, or generated when that is null. */
    static String transactionId(Map<String, Object> request, String delivery) {
        String transactionId = text(request, "transactionId", 128);
        if (transactionId != null && !TRANSACTION_ID.matcher(transactionId).matches()) {
            throw new InvalidFieldException("transactionId", "may hold letters, digits and . _ : @ + / = - only");
        }
        return transactionId != null ? transactionId : derived(delivery);
    }

    /** The transaction id derived from a request's delivery (a name-based UUID, the same for the same delivery); random without one. */
    private static String derived(String delivery) {
        return delivery != null ? UUID.nameUUIDFromBytes(delivery.getBytes(StandardCharsets.UTF_8)).toString() : UUID.randomUUID().toString();
    }

    /** The parameters of function {@code click2call}: the hangup URL leads back to this connector's intake, with the tenant's token. */
    public Map<String, Object> params(Click2call click2call) {
        String tenant = click2call.getTenant();
        boolean defaultTenant = tenant.equals(tenants.defaultTenant().name());
        return click2call.params(hangupUrl + "?token=" + encode(webhookTokens.of(tenant).value())
                + (defaultTenant ? "" : "&tenant=" + encode(tenant)));
    }

    /** Call Center Studio accepted the click2call, or this throws with its message (502). */
    public void checkAnswer(Map<String, Object> answer, Click2call click2call) {
        CcsApi.requireSuccess(click2call.getTenant(), "click2call", answer);
    }

    public CloudEvent accepted(Click2call click2call) {
        return events.click2callOutcome(click2call.getTenant(), click2call.getTransactionId(), click2call.getRequest(), null);
    }

    /**
     * The failure of a request from JMS or the file inbox, carrying the request and the error; for a request that could
     * not be checked, under its own transaction id and tenant where these can be read. One that names no valid
     * transactionId fails under the transaction id derived from {@code delivery}, as a checked one would have had
     * ({@link #check(Map, String)}), so that the request read again after a crash fails under the same one.
     */
    public CloudEvent failed(Map<String, Object> request, Click2call checked, String error, String delivery) {
        if (checked != null) {
            return events.click2callOutcome(checked.getTenant(), checked.getTransactionId(), request, error);
        }
        return events.click2callOutcome(tenantOrDefault(request), transactionIdOrDerived(request, delivery), request, error);
    }

    /**
     * The transaction id the request would be dispatched under ({@link #transactionId}: its own, else one derived from
     * {@code delivery}, generated when that is null); one derived from {@code delivery} when its own is not a valid one:
     * for the failure of a request.
     */
    static String transactionIdOrDerived(Map<String, Object> request, String delivery) {
        try {
            return transactionId(request, delivery);
        } catch (InvalidFieldException e) {
            return derived(delivery);
        }
    }

    /** The request's tenant when it names one served, else the default tenant: for the failure of a request. */
    String tenantOrDefault(Map<String, Object> request) {
        try {
            return tenant(request).name();
        } catch (InvalidFieldException e) {
            return tenants.defaultTenant().name();
        }
    }

    Tenant tenant(Map<String, Object> request) {
        String name = text(request, "tenant", 200);
        try {
            return tenants.get(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("tenant", "is '" + name + "', which this connector does not serve (ccs.tenants)");
        }
    }

    /**
     * A number as copied from a spreadsheet or a web page, in plain characters: any space (a no-break one) as a space, a
     * full-width character as its ASCII one, without the spaces around it; null when nothing is left. Not Unicode's whole
     * compatibility mapping: a footnote's superscript digit would become a digit of the number.
     */
    private static String plain(String phoneNumber) {
        StringBuilder plain = new StringBuilder();
        (phoneNumber == null ? "" : phoneNumber).codePoints().forEach(c -> plain.appendCodePoint(
                Character.getType(c) == Character.SPACE_SEPARATOR ? ' ' : c >= FULL_WIDTH_FIRST && c <= FULL_WIDTH_LAST ? c - FULL_WIDTH_OFFSET : c));
        String text = plain.toString().strip();
        return text.isEmpty() ? null : text;
    }

    private String dialled(String phoneNumber) {
        if (phoneNumber.indexOf('*') >= 0) {
            throw new InvalidFieldException("phoneNumber", "is masked: send the number in full");
        }
        // libphonenumber turns letters into keypad digits and reads "ext." as an extension: neither is the number the CRM wrote
        if (!DIALLABLE.matcher(phoneNumber).matches()) {
            throw new InvalidFieldException("phoneNumber", "cannot be dialled: it may hold only digits, spaces and + - . ( ) / "
                    + "(no letters, no extension)");
        }
        String format = numberFormat.equals(AS_GIVEN) ? PhoneNumbers.E164 : numberFormat;
        String written = numbers.writeDiallable(phoneNumber, format).orElseThrow(() -> new InvalidFieldException("phoneNumber",
                "cannot be dialled: it is not a valid phone number (read under region " + numbers.region()
                        + ", ccs.click2call.default-region; a digit too many, such as an extension, would call another number)"));
        return numberFormat.equals(AS_GIVEN) ? phoneNumber : written;
    }

    /** A text field (a JSON number counts as its digits); null when absent or empty. */
    private static String text(Map<String, Object> request, String field, int maxLength) {
        Object value = request.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String) && !(value instanceof Number)) {
            throw new InvalidFieldException(field, "must be a string");
        }
        String text = value.toString().trim();
        if (text.length() > maxLength) {
            throw new InvalidFieldException(field, "is longer than " + maxLength + " characters");
        }
        return text.isEmpty() ? null : text;
    }

    private static boolean flag(Map<String, Object> request, String field) {
        Object value = request.get(field);
        if (value == null || value instanceof Boolean) {
            return Boolean.TRUE.equals(value);
        }
        throw new InvalidFieldException(field, "must be true or false");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
