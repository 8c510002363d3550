package ccs.connector.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Masks the secrets that Call Center Studio carries in query strings and answers
 * ({@code app_token}, {@code session}), the webhook {@code token}, a {@code Bearer} credential,
 * an {@code Authorization} header of any scheme (the REST sink's {@code Basic}), a {@code password}
 * and the password of a URL's user info ({@code amqp://user:***@host}), and the credentials a CRM's
 * URLs and headers carry ({@code access_token}, {@code api_key}, a flow URL's {@code sig},
 * {@code X-Api-Key}), wherever a URL, a query, a header or a JSON answer is printed
 * ({@link #mask}, static: the log layout uses it).
 * An instance also knows the secret values of this connector and scrubs them from data that
 * leaves it ({@link #scrub}): what the platform sends back goes into events and dead letters.
 */
public final class Secrets {

    /**
     * Names whose value is a credential, in a query or as a JSON field; {@code sig} signs a CRM's flow URL, an Artemis URL
     * carries its TLS stores' passwords as {@code keyStorePassword} and {@code trustStorePassword}.
     */
    private static final String CREDENTIAL_NAMES = "app_token|session|token|password|access_token|refresh_token|client_secret"
            + "|api_key|apikey|api-key|x-api-key|sig|signature|keystorepassword|truststorepassword";
    /**
     * A credential in a query, also URL-encoded, once or more, inside another parameter ({@code hangup_url=...%3Ftoken%3D...},
     * {@code url=http%253A...%253Ftoken%253D...}), up to the next separator of either kind.
     */
    private static final Pattern IN_QUERY = Pattern.compile(
            "(?i)(^|[^a-z0-9_]|%(?:25)*3F|%(?:25)*26)(" + CREDENTIAL_NAMES + ")(=|%(?:25)*3D)[^&\\s\"']*");
    private static final Pattern IN_JSON = Pattern.compile("(?i)\"(" + CREDENTIAL_NAMES + "|authorization)\"\\s*:\\s*\"[^\"]*\"");
    /**
     * Not a challenge's auth-param ({@code WWW-Authenticate: Bearer realm="crm", error="invalid_token"}, RFC 6750's names):
     * any other word, a token ending in {@code =} before a quote among them, is taken for a credential.
     */
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(Bearer)\\s+(?!(?:realm|scope|error|error_description|error_uri)\\s*=)[^\\s\"',;]+");
    /** A header as HTTP clients log it ({@code Authorization: Basic dXNlcjpwYXNz}): the scheme stays, the credential goes. */
    private static final Pattern AUTHORIZATION_HEADER = Pattern.compile("(?i)\\b(authorization:\\s*)(?:([a-z][a-z0-9-]*)\\s+)?[^\\s\"',;\\[]+");
    /** A key header ({@code X-Api-Key: ...}, the connector's own API key): it has no scheme. */
    private static final Pattern KEY_HEADER = Pattern.compile("(?i)\\b((?:x-)?api-key:\\s*)[^\\s\"',;\\[]+");
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^/\\s:@\"'?#]+:)[^/\\s@\"'?#]+@");
    /** The patterns as bits, for {@link #TRIGGERS}. */
    private static final int QUERY = 1, JSON = 2, BEARER_CREDENTIAL = 4, AUTHORIZATION = 8, KEY = 16, URL_PASSWORD = 32;
    /**
     * The words (in lower case) that the patterns above cannot match without, each with the patterns it lets run: one scan
     * of a text picks the patterns it needs, for most texts (a CDR record's fields) none, for a URL only {@link #USER_INFO}.
     * Every name of {@link #CREDENTIAL_NAMES} holds one of the words that let {@code QUERY} and {@code JSON} run: a name
     * added there needs its word here, or a text holding only that name is not masked.
     */
    private static final List<Trigger> TRIGGERS = List.of(
            new Trigger("token", QUERY | JSON), new Trigger("session", QUERY | JSON), new Trigger("secret", QUERY | JSON),
            new Trigger("sig", QUERY | JSON), new Trigger("password", QUERY | JSON), new Trigger("api_key", QUERY | JSON),
            new Trigger("apikey", QUERY | JSON), new Trigger("api-key", QUERY | JSON | KEY),
            new Trigger("authorization", JSON | AUTHORIZATION), new Trigger("bearer", BEARER_CREDENTIAL),
            new Trigger("://", URL_PASSWORD));
    /** The first characters of {@link #TRIGGERS}' words: the scan compares words only where a text has one of them. */
    private static final String TRIGGER_STARTS = TRIGGERS.stream().map(trigger -> trigger.word.substring(0, 1)).distinct()
            .collect(Collectors.joining());
    private static final Set<String> SECRET_NAMES = Set.of("app_token", "session", "token", "authorization", "password");
    /** Shorter secret values are not scrubbed by value: they would cut ordinary data apart. */
    static final int SHORTEST_SCRUBBED = 8;
    private static final String MASK = "***";

    private final List<String> values;

    /** A scrubber that also knows these secret values (the webhook token, the app tokens); blanks are ignored. */
    public Secrets(Collection<String> secretValues) {
        Set<String> forms = new LinkedHashSet<>();
        for (String value : secretValues) {
            if (value != null && value.length() >= SHORTEST_SCRUBBED) {
                String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
                forms.add(value);
                forms.add(encoded);
                forms.add(URLEncoder.encode(encoded, StandardCharsets.UTF_8));
            }
        }
        // the longest first, so a form that contains another is replaced whole
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort((a, b) -> b.length() - a.length());
        this.values = List.copyOf(sorted);
    }

    public static String mask(String text) {
        int needed = text == null ? 0 : patternsNeeded(text);
        if (needed == 0) {
            return text;
        }
        String masked = text;
        if ((needed & QUERY) != 0) {
            masked = IN_QUERY.matcher(masked).replaceAll("$1$2$3" + MASK);
        }
        if ((needed & BEARER_CREDENTIAL) != 0) {
            masked = BEARER.matcher(masked).replaceAll("$1 " + MASK);
        }
        if ((needed & AUTHORIZATION) != 0) {
            masked = AUTHORIZATION_HEADER.matcher(masked).replaceAll(match -> "$1" + (match.group(2) == null ? "" : "$2 ") + MASK);
        }
        if ((needed & KEY) != 0) {
            masked = KEY_HEADER.matcher(masked).replaceAll("$1" + MASK);
        }
        if ((needed & URL_PASSWORD) != 0) {
            masked = USER_INFO.matcher(masked).replaceAll("$1" + MASK + "@");
        }
        return (needed & JSON) == 0 ? masked : IN_JSON.matcher(masked).replaceAll("\"$1\":\"" + MASK + "\"");
    }

    /** A URL without its query and fragment, which may hold a credential (a flow URL's {@code sig=}, an app token): to quote it. */
    public static String withoutQuery(String url) {
        return url.replaceAll("[?#].*", "");
    }

    /** A URL as a message quotes it: {@link #withoutQuery}, with {@code ?...} where something was left out. */
    public static String quoted(String url) {
        String shown = withoutQuery(url);
        return shown.length() < url.length() ? shown + "?..." : shown;
    }

    /** True for a field that holds a secret by its name ({@code token}, {@code app_token}, {@code session}, {@code authorization}, {@code password}). */
    public static boolean isSecretName(String name) {
        return name != null && SECRET_NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The patterns (bits) whose words of {@link #TRIGGERS} the text holds in any case: a scan that allocates nothing, run on every field of every record. */
    private static int patternsNeeded(String text) {
        int needed = 0;
        for (int at = 0; at < text.length(); at++) {
            // an ASCII letter in lower case: the patterns' (?i) folds ASCII only
            char first = (char) (text.charAt(at) | 0x20);
            if (TRIGGER_STARTS.indexOf(first) >= 0) {
                for (Trigger trigger : TRIGGERS) {
                    if (trigger.word.charAt(0) == first && text.regionMatches(true, at, trigger.word, 0, trigger.word.length())) {
                        needed |= trigger.patterns;
                    }
                }
            }
        }
        return needed;
    }

    /**
     * The fields without any secret: fields named like one are left out, and every text, at any
     * depth, is {@linkplain #mask masked} and has the known secret values, plain or URL-encoded,
     * replaced by {@code ***}. Other values stay as they are.
     */
    public Map<String, Object> scrub(Map<String, ?> fields) {
        Map<String, Object> scrubbed = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            if (!isSecretName(name)) {
                scrubbed.put(scrub(name), scrubValue(value));
            }
        });
        return scrubbed;
    }

    /** A text without any secret (see {@link #scrub(Map)}). */
    public String scrub(String text) {
        String scrubbed = mask(text);
        if (scrubbed != null) {
            for (String value : values) {
                scrubbed = scrubbed.replace(value, MASK);
            }
        }
        return scrubbed;
    }

    /**
     * Any value as received without any secret: a text or, at any depth, a JSON object's or a list's texts (see
     * {@link #scrub(Map)}); other values (numbers, booleans, null) as they are. For what may be any of them, such as an
     * entry of a CDR page that is no JSON object.
     */
    public Object scrubValue(Object value) {
        if (value instanceof String text) {
            return scrub(text);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> named = new LinkedHashMap<>();
            map.forEach((name, inner) -> named.put(String.valueOf(name), inner));
            return scrub(named);
        }
        if (value instanceof Collection<?> list) {
            return list.stream().map(this::scrubValue).toList();
        }
        return value;
    }

    @Override
    public String toString() {
        return "Secrets[" + values.size() + " values]";
    }

    /** A word of {@link #TRIGGERS} and the patterns (bits) it lets run. */
    private record Trigger(String word, int patterns) {
    }
}
