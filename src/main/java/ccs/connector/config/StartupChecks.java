package ccs.connector.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ccs.connector.ccs.Tenants;
import ccs.connector.event.Events;
import ccs.connector.simulator.SimulatorSettings;
import ccs.connector.webhook.WebhookTokens;

/**
 * Settings that must be right before anything starts; each failure names the key and the fix
 * (see {@link InvalidSettingException}). Settings read elsewhere (durations, zones, the API URL)
 * are checked where they are read.
 */
public final class StartupChecks {

    /** The webhook token shipped in application.properties: fine for the demo, never for a tenant. */
    static final String SHIPPED_WEBHOOK_TOKEN = "demo-webhook-token-change-me";
    /** How the shipped Kubernetes Secret's values begin: public text, never a secret. */
    private static final String SECRET_PLACEHOLDER = "REPLACE-WITH-";

    private static final String TENANT_PREFIX = "ccs.tenant.";
    private static final String IVR_PARAM_PREFIX = "ccs.ivr.param.";
    /** The keys a tenant of ccs.tenants may set of its own, as ccs.tenant.<name>.<key>; each is read where it is used. */
    private static final List<String> TENANT_KEYS = Stream.concat(Stream.of("api-url", "app-token", "timezone", "webhook-token",
            "webhook-token.previous", "ivr.end-events", "cdr.recording-details", "agent-performance.time"),
            Events.IVR_FIELDS.stream().map(field -> "ivr.param." + field)).toList();

    private StartupChecks() {
    }

    public static void check(Settings settings) {
        // first: every later check would quote the comment as part of the value, or not see it in a password
        checkLineEndComments(settings);
        // a tenant's setting that does nothing may be why a later check fails (its API URL set under a misspelt name)
        checkTenantKeys(settings, System.getenv());
        checkIvrParamKeys(settings, System.getenv());
        // what the later checks build on first: the tenants' URLs decide demo mode, the port the shipped public URL
        realApiUrls(settings).forEach(Tenants::checkedUrl);
        // read here, not only when the tenants are built last: a missing one must not be hidden behind the secrets' checks
        Tenants.names(settings).forEach(tenant -> Tenants.appTokenKey(settings, tenant));
        checkAppTokens(settings);
        checkEnginePasswords(settings);
        checkPortFree(settings.integer("camel.server.port", 8080, 0, 65535));
        checkRouteSettings(settings);
        checkSink(settings);
        checkQueues(settings);
        checkWebhookToken(settings);
        checkApiKey(settings);
        checkBrokerAcceptor(settings);
        checkPublicUrl(settings);
        checkDataDir(settings.string("connector.data-dir", "data"));
        checkCluster(settings);
    }

    /** A comment at the end of a properties line, which Java reads as part of the value. */
    private static final Pattern LINE_END_COMMENT = Pattern.compile("\\s#");

    /**
     * {@code crm.sink=jms   # a comment} sets crm.sink to all of it: a properties file has comments only on lines of their own.
     * A password so written failed its login with nothing to see, as no line quotes one. The key is named, never its value.
     * Only the values written in the file are read: an environment variable has no comments, and a secret given there may
     * hold " #".
     */
    static void checkLineEndComments(Settings settings) {
        Properties written = settings.written(key -> Stream.of("camel.", "ccs.", "connector.", "crm.").anyMatch(key::startsWith));
        new TreeSet<>(written.stringPropertyNames()).stream()
                .filter(key -> LINE_END_COMMENT.matcher(written.getProperty(key)).find()).findFirst()
                .ifPresent(key -> {
                    throw new InvalidSettingException(key, "has a comment after its value (\" # ...\"), which a properties file "
                            + "reads as part of the value: put the comment on a line of its own");
                });
    }

    /**
     * A tenant key whose name ccs.tenants does not list. The keys are read as ccs.tenants spells the names: one spelt in another
     * letter case (the tenant is the same, the key is not read) is told how to spell it.
     */
    private static InvalidSettingException unlisted(String key, List<String> tenants) {
        String named = key.substring(TENANT_PREFIX.length());
        return tenants.stream().filter(t -> Tenants.key(named).startsWith(Tenants.key(t) + ".")).max(Comparator.comparingInt(String::length))
                .map(t -> new InvalidSettingException(key, "names tenant " + named.substring(0, t.length()) + ", which ccs.tenants spells " + t
                        + ", so it is not read: write it " + TENANT_PREFIX + t + named.substring(t.length())))
                .orElseGet(() -> new InvalidSettingException(key, "names tenant " + named.split("\\.")[0] + ", which ccs.tenants ("
                        + String.join(", ", tenants) + ") does not list, so it does nothing: correct the name, add the tenant to ccs.tenants,"
                        + " or remove the setting"));
    }

    /**
     * Each {@code ccs.tenant.<name>.<key>} set must be a key the connector reads of a tenant of {@code ccs.tenants}: any other
     * does nothing, and a tenant thought to have a webhook token or app token of its own would go on with the connector's.
     * An environment variable's name is compared with those of the keys of the tenants served, as its name cannot be read
     * back into one key (dots and dashes are both underscores). No value is quoted.
     */
    static void checkTenantKeys(Settings settings, Map<String, String> environment) {
        List<String> tenants = Tenants.names(settings);
        for (String key : settings.keysStartingWith(TENANT_PREFIX)) {
            // the longest name that fits: a tenant acme.eu's keys also begin as acme's would
            String tenant = tenants.stream().filter(t -> key.startsWith(TENANT_PREFIX + t + ".")).max(Comparator.comparingInt(String::length))
                    .orElseThrow(() -> unlisted(key, tenants));
            if (!TENANT_KEYS.contains(key.substring(TENANT_PREFIX.length() + tenant.length() + 1))) {
                throw new InvalidSettingException(key, "is no setting a tenant has, so it does nothing: a tenant's are " + TENANT_PREFIX + tenant
                        + ".<key> with <key> one of " + String.join(", ", TENANT_KEYS));
            }
        }
        Set<String> known = new HashSet<>();
        tenants.forEach(tenant -> TENANT_KEYS.forEach(key -> known.add(environmentName(TENANT_PREFIX + tenant + "." + key))));
        refuseUnknownVariables(environment, TENANT_PREFIX, known, "is no setting of a tenant of ccs.tenants (" + String.join(", ", tenants)
                + "), so it does nothing: a tenant's are ccs.tenant.<name>.<key> in upper case, dots and dashes as underscores (e.g. "
                + environmentName(TENANT_PREFIX + tenants.get(0) + ".app-token") + "); correct the name, add the tenant to ccs.tenants,"
                + " or remove the variable");
    }

    /**
     * Each {@code ccs.ivr.param.<field>} set must name a field of an IVR notification: another does nothing, and the field
     * it was meant for stays under the vendor guide's name (a notification then comes without it, or is refused).
     */
    static void checkIvrParamKeys(Settings settings, Map<String, String> environment) {
        String fields = String.join(", ", Events.IVR_FIELDS);
        for (String key : settings.keysStartingWith(IVR_PARAM_PREFIX)) {
            if (!Events.IVR_FIELDS.contains(key.substring(IVR_PARAM_PREFIX.length()))) {
                throw new InvalidSettingException(key, "names no field of an IVR notification, so it does nothing: the fields are "
                        + IVR_PARAM_PREFIX + "<field> with <field> one of " + fields);
            }
        }
        Set<String> known = new HashSet<>();
        Events.IVR_FIELDS.forEach(field -> known.add(environmentName(IVR_PARAM_PREFIX + field)));
        refuseUnknownVariables(environment, IVR_PARAM_PREFIX, known, "names no field of an IVR notification, so it does nothing: the fields"
                + " are " + IVR_PARAM_PREFIX + "<field> in upper case, dashes as underscores, with <field> one of " + fields);
    }

    /** An environment variable set under a prefix's name that is none of the {@code known} ones stops startup. */
    private static void refuseUnknownVariables(Map<String, String> environment, String prefix, Set<String> known, String why) {
        String namePrefix = environmentName(prefix);
        environment.forEach((name, value) -> {
            // Camel looks a key up in upper case, as it is (dots and dashes kept), then with underscores: no lower-case name is read
            String read = name.replace('.', '_').replace('-', '_');
            if (read.startsWith(namePrefix) && !value.isBlank() && !known.contains(read)) {
                throw new InvalidSettingException(name, "(an environment variable) " + why);
            }
        });
    }

    /** Settings that routes read (as placeholders): read here too, first, so that a wrong one stops startup naming it, not a route. */
    private static void checkRouteSettings(Settings settings) {
        for (String count : List.of("crm.delivery.consumers", "crm.click2call.consumers", "crm.dedupe.max-keys", "ccs.cdr.backfill.concurrency")) {
            settings.integer(count, 1, 1);
        }
        settings.integer("crm.retry.max-retries", 0, 0);
        settings.duration("crm.retry.initial-delay", Duration.ofSeconds(1));
        // timers' periods: at 0 a timer runs once and never again (the probes and gauges frozen, held webhook events never
        // released, the dedupe store never cleaned)
        settings.duration("crm.dedupe.cleanup-interval", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(1));
        settings.duration("connector.health.cache", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofHours(1));
    }

    /** Several replicas need state and an outbox they share: the embedded defaults belong to one node. */
    private static void checkCluster(Settings settings) {
        String cluster = settings.string("connector.cluster", "none");
        if (!cluster.matches("none|file|kubernetes")) {
            throw new InvalidSettingException("connector.cluster", "is '" + cluster + "': use none, file or kubernetes");
        }
        if (cluster.equals("none")) {
            return;
        }
        if (!settings.string("connector.database.url", "").startsWith("jdbc:postgresql:")) {
            throw new InvalidSettingException("connector.database.url", "must be a shared jdbc:postgresql: URL when connector.cluster="
                    + cluster + ": the H2 file under the data dir belongs to one node");
        }
        if (settings.string("connector.outbox.broker-url", "vm://0").startsWith("vm:")) {
            throw new InvalidSettingException("connector.outbox.broker-url", "must be a shared broker (tcp://host:61616) when connector.cluster="
                    + cluster + ": vm://0 is the broker inside one node");
        }
        // an event counts as delivered once its message is on the CRM's broker: on a replica's own it would go with the replica
        if (settings.string("crm.sink", "file").equals("jms") && settings.string("crm.jms.broker-url", "vm://0").startsWith("vm:")) {
            throw new InvalidSettingException("crm.jms.broker-url", "must be the CRM's shared broker (tcp://host:61616) when crm.sink=jms and"
                    + " connector.cluster=" + cluster + ": vm://0 is the broker inside one replica, whose events would go with it");
        }
        // an event counts as delivered once its file is written: in a replica's own directory it would go with the replica
        if (settings.string("crm.sink", "file").equals("file")) {
            Path dataDir = Path.of(settings.string("connector.data-dir", "data")).toAbsolutePath().normalize();
            if (Path.of(settings.string("crm.file.dir", dataDir.resolve("crm-out").toString())).toAbsolutePath().normalize().startsWith(dataDir)) {
                throw new InvalidSettingException("crm.file.dir", "lies in connector.data-dir, which each replica keeps to itself when connector.cluster="
                        + cluster + ": the events delivered there would go with the replica; give a directory every replica shares, or another crm.sink");
            }
        }
    }

    private static void checkSink(Settings settings) {
        String sink = settings.string("crm.sink", "file");
        if (!sink.matches("[A-Za-z0-9_-]+")) {
            throw new InvalidSettingException("crm.sink", "is '" + sink + "': use file, rest, jms or the name of a route direct:crm-sink-<name>");
        }
        // read whatever the sink: the REST sink's credentials are built at every start
        String auth = settings.string("crm.rest.auth", "none").trim().toLowerCase(Locale.ROOT);
        if (!auth.matches("|none|bearer|basic")) {
            throw new InvalidSettingException("crm.rest.auth", "is '" + auth + "': use none, basic or bearer");
        }
        if (sink.equals("rest")) {
            String url = settings.required("crm.rest.url");
            if (!isHttpUrl(url)) {
                throw new InvalidSettingException("crm.rest.url", "is '" + Secrets.quoted(url) + "': use the http(s) URL the CRM takes events at");
            }
            // else every event would be refused (401) and dead-lettered: the token comes from the environment (CRM_REST_TOKEN)
            if (auth.equals("bearer")) {
                settings.required("crm.rest.token");
            } else if (auth.equals("basic")) {
                settings.required("crm.rest.username");
            }
        }
        // read only for a customer's sink: one with no host (crm.example.com:443) left the health check crm-sink unprobed for good
        String probeUrl = settings.string("crm.health.probe-url", "");
        if (!sink.matches("file|rest|jms") && !probeUrl.isBlank() && !isProbeUrl(probeUrl)) {
            throw new InvalidSettingException("crm.health.probe-url", "is '" + Secrets.quoted(probeUrl) + "': use the URL of the host the"
                    + " sink's route talks to, with its scheme, e.g. https://crm.example.com (and its port for a scheme other than"
                    + " http or https), or leave it empty");
        }
    }

    /** A URL the health check crm-sink can connect to: a host, and a port it gives or that http(s) implies (else it probed port 80). */
    static boolean isProbeUrl(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || uri.getHost() == null || uri.getPort() > 65535) {
                return false;
            }
            return uri.getPort() > 0 || uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Each queue a name of its own on its broker. The JMS sink's queue named as the click2call queue made each event a request
     * whose failed event went to that queue again, without end; named as the outbox's, the events went back into the
     * outbox, where the dedupe dropped them, and the CRM got none.
     */
    private static void checkQueues(Settings settings) {
        Map<String, String> crmBroker = new LinkedHashMap<>();
        if (settings.string("crm.sink", "file").equals("jms")) {
            crmBroker.put("crm.jms.queue", settings.string("crm.jms.queue", "crm.events"));
        }
        crmBroker.put("crm.click2call.queue", settings.string("crm.click2call.queue", "ccs.click2call"));
        crmBroker.put("crm.click2call.dead-letter-queue", settings.string("crm.click2call.dead-letter-queue", "ccs.click2call.dead-letters"));
        Map<String, String> outboxBroker = new LinkedHashMap<>();
        outboxBroker.put("connector.outbox.queue", settings.string("connector.outbox.queue", "ccs.outbox"));
        outboxBroker.put("connector.outbox.bulk-queue", settings.string("connector.outbox.bulk-queue", "ccs.outbox.bulk"));
        outboxBroker.put("connector.outbox.dead-letter-queue", settings.string("connector.outbox.dead-letter-queue", "DLQ"));
        outboxBroker.put("connector.webhook.enrich-queue", settings.string("connector.webhook.enrich-queue", "ccs.webhook.enrich"));
        outboxBroker.put("ccs.cdr.backfill.queue", settings.string("ccs.cdr.backfill.queue", "ccs.cdr.backfill"));
        if (settings.string("crm.jms.broker-url", "vm://0").equals(settings.string("connector.outbox.broker-url", "vm://0"))) {
            outboxBroker.putAll(crmBroker);
            checkQueuesApart(outboxBroker);
        } else {
            checkQueuesApart(crmBroker);
            checkQueuesApart(outboxBroker);
        }
    }

    private static void checkQueuesApart(Map<String, String> queuesByKey) {
        Map<String, String> keyByQueue = new LinkedHashMap<>();
        queuesByKey.forEach((key, queue) -> {
            String other = keyByQueue.putIfAbsent(queue, key);
            if (other != null) {
                throw new InvalidSettingException(key, "is '" + queue + "', the queue of " + other
                        + " on the same broker: give each queue a name of its own");
            }
        });
    }

    /** A secret left as a shipped file has it: the demo's webhook token, or a placeholder of the shipped Kubernetes Secret. */
    public static boolean shipped(String secret) {
        return secret.equals(SHIPPED_WEBHOOK_TOKEN) || secret.startsWith(SECRET_PLACEHOLDER);
    }

    /**
     * Demo mode: every tenant served is on the built-in simulator ({@code ccs.api-url=embedded}). One real tenant, the
     * default or one more of {@code ccs.tenants} with an {@code api-url} of its own, and the secrets must be real.
     */
    public static boolean demoMode(Settings settings) {
        return realApiUrls(settings).isEmpty();
    }

    /** The API URLs of the tenants not on the simulator, by the setting that holds each. */
    private static Map<String, String> realApiUrls(Settings settings) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (String tenant : Tenants.names(settings)) {
            String key = Tenants.apiUrlKey(settings, tenant);
            String url = settings.string(key, Tenants.EMBEDDED);
            if (!Tenants.EMBEDDED.equals(url)) {
                urls.put(key, url);
            }
        }
        return urls;
    }

    /**
     * The shipped Secret's placeholder as a real tenant's app token (the Secret applied unchanged), or the simulator's
     * token that application.properties ships (the token left unset) for a tenant whose API is on another machine than a
     * simulator's: public text, which the platform refuses on every call while the connector looks ready. Stops startup
     * naming the key, as the other placeholders of the Secret do. A simulator run on this machine (tests, the bench) keeps
     * its token.
     */
    private static void checkAppTokens(Settings settings) {
        Map<String, String> tenantsByToken = new HashMap<>();
        for (String tenant : Tenants.names(settings)) {
            String apiUrl = settings.string(Tenants.apiUrlKey(settings, tenant), Tenants.EMBEDDED);
            if (Tenants.EMBEDDED.equals(apiUrl)) {
                continue;
            }
            String key = Tenants.appTokenKey(settings, tenant);
            String token = settings.string(key, "");
            if (token.startsWith(SECRET_PLACEHOLDER)) {
                throw new InvalidSettingException(key, "is the shipped Secret's placeholder, not tenant " + tenant
                        + "'s application token: set " + environmentName(key) + " in the Secret to the token Call Center Studio gave the tenant");
            }
            if (token.equals(SimulatorSettings.DEFAULT_APP_TOKEN) && !localOnly(URI.create(apiUrl).getHost())) {
                throw new InvalidSettingException(key, "is the built-in simulator's token that application.properties ships, not tenant "
                        + tenant + "'s application token: set " + environmentName(key) + " to the token Call Center Studio gave the tenant");
            }
            // one token is one tenant of Call Center Studio: its calls and CDR records would reach the CRM as both tenants'
            String other = token.isEmpty() ? null : tenantsByToken.putIfAbsent(token, tenant);
            if (other != null) {
                throw new InvalidSettingException(key, "is tenant " + other + "'s application token too: each tenant has its own; set "
                        + environmentName(key) + " to the token Call Center Studio gave tenant " + tenant);
            }
        }
    }

    /**
     * The shipped Secret's placeholder as the password of an engine the connector logs in to (the shared broker and
     * database, the CRM's broker): public text, which the engine refuses. A database refusing stops startup by itself;
     * a broker refusing does not, and the replicas would look ready while every event waits in the state store. Stops
     * startup naming the key, as the other placeholders of the Secrets do.
     */
    private static void checkEnginePasswords(Settings settings) {
        for (String key : List.of("connector.outbox.password", "connector.database.password", "crm.jms.password", "connector.broker.password")) {
            if (settings.string(key, "").startsWith(SECRET_PLACEHOLDER)) {
                throw new InvalidSettingException(key, "is the shipped Secret's placeholder, not a password: set "
                        + environmentName(key) + " (in the Secret that holds it) to the password of the engine it logs in to");
            }
        }
    }

    /** The environment variable that overrides a setting: upper case, dots and dashes as underscores. */
    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The connector's webhook token and each tenant's own: secrets of their own outside demo mode. A tenant's own token is
     * checked in every mode: one another tenant holds too (or the connector's) would admit that tenant's webhooks as well.
     */
    private static void checkWebhookToken(Settings settings) {
        // the tenants' own tokens, by their keys
        Map<String, String> own = new LinkedHashMap<>();
        for (String tenant : Tenants.names(settings)) {
            String key = WebhookTokens.key(tenant);
            settings.optional(key).ifPresent(token -> own.put(key, token));
            if (!own.containsKey(key) && settings.optional(key + ".previous").isPresent()) {
                throw new InvalidSettingException(key + ".previous", "is set without " + key + ", the token that replaces it:"
                        + " set that too, or empty this one");
            }
        }
        String connectorToken = settings.string(WebhookTokens.CONNECTOR_KEY, "");
        own.forEach((key, token) -> {
            if (token.equals(connectorToken)) {
                throw new InvalidSettingException(key, "is the same as " + WebhookTokens.CONNECTOR_KEY + ", which admits the tenants"
                        + " without a token of their own: generate one, e.g. openssl rand -hex 24");
            }
            String previous = settings.string(key + ".previous", "");
            own.forEach((other, its) -> {
                if (!other.equals(key) && (its.equals(token) || its.equals(previous))) {
                    throw new InvalidSettingException(its.equals(token) ? key : key + ".previous", "is the same as " + other
                            + ", which would admit the other tenant's webhooks too: generate one, e.g. openssl rand -hex 24");
                }
            });
        });
        if (demoMode(settings)) {
            return;
        }
        checkOwnSecret(settings, WebhookTokens.CONNECTOR_KEY);
        own.keySet().forEach(key -> checkOwnSecret(settings, key));
    }

    /** A webhook token, and the one it replaces, outside demo mode: 16 characters or more, never a shipped value. */
    private static void checkOwnSecret(Settings settings, String key) {
        String token = settings.string(key, "");
        if (token.length() < 16 || shipped(token)) {
            throw new InvalidSettingException(key, "must be a secret of your own (16 characters or more) "
                    + "outside demo mode: generate one, e.g. openssl rand -hex 24, and set " + environmentName(key));
        }
        String previous = settings.string(key + ".previous", "");
        if (!previous.isEmpty() && (previous.length() < 16 || shipped(previous))) {
            throw new InvalidSettingException(key + ".previous", "must be empty or the token of your own that"
                    + " " + key + " replaces (16 characters or more), never the shipped demo value");
        }
    }

    /**
     * With a real tenant, /api hands out agents' sessions and starts calls: never without a key. The key a rotation
     * replaces is one of your own too, and never set without a key (an empty key turns the check off, so the setting
     * would read as if a key were asked for).
     */
    private static void checkApiKey(Settings settings) {
        String key = settings.string("connector.api-key", "");
        if (!demoMode(settings) && (key.length() < 16 || shipped(key))) {
            throw new InvalidSettingException("connector.api-key", "must be a secret of your own (16 characters or more) "
                    // no "X-Api-Key:" in the line: printed through the masking, the word after it would read ***
                    + "outside demo mode, which the CRM sends in header X-Api-Key; generate one, e.g. openssl rand -hex 24, and set CONNECTOR_API_KEY");
        }
        String previous = settings.string("connector.api-key.previous", "");
        if (!previous.isEmpty() && key.isEmpty()) {
            throw new InvalidSettingException("connector.api-key.previous", "is set without connector.api-key, the key that replaces it: "
                    + "without connector.api-key no key is asked for at all");
        }
        if (!demoMode(settings) && !previous.isEmpty() && (previous.length() < 16 || shipped(previous))) {
            throw new InvalidSettingException("connector.api-key.previous", "must be empty or the key of your own that "
                    + "connector.api-key replaces while it is rotated (16 characters or more), never a shipped value");
        }
    }

    /**
     * With a real tenant, {@code connector.broker.acceptor} opens the embedded broker to other machines: without a login of its
     * own anyone who reached the port could dial calls on the click2call queue as any agent and take the outbox's events.
     */
    private static void checkBrokerAcceptor(Settings settings) {
        boolean embedded = Stream.of("connector.outbox.broker-url", "crm.jms.broker-url").anyMatch(key -> settings.string(key, "vm://0").equals("vm://0"));
        String password = settings.string("connector.broker.password", "");
        if (!demoMode(settings) && embedded && !settings.string("connector.broker.acceptor", "").isBlank()
                && (password.length() < 16 || shipped(password))) {
            throw new InvalidSettingException("connector.broker.password", "must be a secret of your own (16 characters or more) outside demo "
                    + "mode while connector.broker.acceptor opens the embedded broker to other machines: generate one, e.g. openssl rand -hex 24, "
                    + "set CONNECTOR_BROKER_PASSWORD, and give it with connector.broker.username to the clients of the acceptor");
        }
    }

    /**
     * Call Center Studio posts each hangup callback to the {@code hangup_url} built from this URL, from its own
     * network: one on this machine only (the shipped {@code http://localhost:8080}) would lose every callback
     * without a trace, unless the upstream is on this machine too (a simulator).
     */
    private static void checkPublicUrl(Settings settings) {
        String publicUrl = settings.string("connector.public-url", "http://localhost:8080");
        if (!isHttpUrl(publicUrl)) {
            throw new InvalidSettingException("connector.public-url", "is '" + publicUrl
                    + "': use the http(s) URL at which Call Center Studio reaches this connector's /webhooks/, e.g. https://connector.acme.example");
        }
        if (!localOnly(URI.create(publicUrl).getHost())) {
            return;
        }
        for (String apiUrl : realApiUrls(settings).values()) {
            if (!localOnly(URI.create(apiUrl).getHost())) {
                throw new InvalidSettingException("connector.public-url", "is '" + publicUrl + "', which Call Center Studio at "
                        + URI.create(apiUrl).getHost() + " cannot reach, so every hangup callback would be lost: set CONNECTOR_PUBLIC_URL "
                        + "to the address at which the platform reaches /webhooks/, e.g. https://connector.acme.example");
            }
        }
    }

    /** A host that only this machine reaches: localhost, a loopback or wildcard address (no name is looked up). */
    static boolean localOnly(String host) {
        String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("localhost") || lower.endsWith(".localhost")) {
            return true;
        }
        if (!lower.matches("[0-9.]+|[0-9a-f:.]*:[0-9a-f:.]*")) {
            return false;
        }
        try {
            InetAddress address = InetAddress.getByName(name);
            return address.isLoopbackAddress() || address.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * A port another process listens on would leave the connector running without serving (the HTTP server only logs that
     * it could not listen): polling, delivering, leading, while no probe, webhook or API call reaches it.
     */
    private static void checkPortFree(int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new InvalidSettingException("camel.server.port", "is " + port + ", which another process listens on (" + e.getMessage()
                    + "): stop it or choose another port");
        }
    }

    private static void checkDataDir(String dataDir) {
        Path dir = Path.of(dataDir).toAbsolutePath();
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new InvalidSettingException("connector.data-dir", "is '" + dir + "', which cannot be written: "
                    + "point it at a writable directory (checkpoints, dedupe store, dead letters and the broker journal live there)");
        }
    }

    /** An absolute http or https URL with a host. */
    public static boolean isHttpUrl(String url) {
        try {
            URI uri = URI.create(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
