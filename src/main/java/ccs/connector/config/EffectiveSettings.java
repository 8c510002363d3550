package ccs.connector.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import ccs.connector.ccs.Tenants;

/**
 * What the chosen selectors make of the settings: settings that would do nothing under them (a
 * {@code crm.lookup.url} with {@code crm.lookup=file}, say) give one WARN line each at startup
 * naming both keys, and one INFO line names the CRM sink and lookup in effect. Values are never
 * printed whole: URLs may carry a key, so only their host is named.
 */
public final class EffectiveSettings {

    private static final String EMBEDDED_BROKER = "vm://0";
    private static final Set<String> BUILT_IN_SINKS = Set.of("file", "rest", "jms");
    private static final String DEMO_CONTACTS = "contacts/demo-contacts.json";

    private final Settings settings;
    private final List<String> warnings = new ArrayList<>();

    private EffectiveSettings(Settings settings) {
        this.settings = settings;
    }

    /** One line for each setting that has no effect, naming it and the selector that makes it so. */
    public static List<String> warnings(Settings settings) {
        return new EffectiveSettings(settings).findIneffective();
    }

    /** The CRM sink and lookup in effect, and where they go. */
    public static String summary(Settings settings) {
        String sink = settings.string("crm.sink", "file");
        String lookup = settings.string("crm.lookup", "file");
        String sinkTarget = switch (sink) {
            case "file" -> "files in " + settings.string("crm.file.dir", "data/crm-out");
            case "rest" -> "POST to host " + host(settings.string("crm.rest.url", ""));
            case "jms" -> "queue " + settings.string("crm.jms.queue", "crm.events") + " of " + broker(settings.string("crm.jms.broker-url", EMBEDDED_BROKER));
            default -> "route direct:crm-sink-" + sink;
        };
        String lookupSource = switch (lookup) {
            case "file" -> settings.string("crm.lookup.file", DEMO_CONTACTS);
            case "rest" -> "GET from host " + host(settings.string("crm.lookup.url", ""));
            default -> "route direct:crm-lookup-" + lookup;
        };
        return "CRM side: events go to crm.sink=" + sink + " (" + sinkTarget + "); screen pop finds callers with crm.lookup="
                + lookup + " (" + lookupSource + ")";
    }

    private List<String> findIneffective() {
        String sink = settings.string("crm.sink", "file");
        String lookup = settings.string("crm.lookup", "file");
        // read as the REST sink reads it (CrmCredentials): Bearer is bearer
        String auth = settings.string("crm.rest.auth", "none").trim().toLowerCase(Locale.ROOT);
        String outboxUrl = settings.string("connector.outbox.broker-url", EMBEDDED_BROKER);
        String crmBrokerUrl = settings.string("crm.jms.broker-url", EMBEDDED_BROKER);

        unless(sink.equals("rest"), "crm.sink=" + sink, "crm.rest.url", "crm.rest.token", "crm.rest.username", "crm.rest.password");
        if (!sink.equals("rest") && !auth.equals("none")) {
            warn("crm.rest.auth", "crm.sink=" + sink);
        }
        if (sink.equals("rest")) {
            unless(auth.equals("bearer"), "crm.rest.auth=" + auth, "crm.rest.token");
            unless(auth.equals("basic"), "crm.rest.auth=" + auth, "crm.rest.username", "crm.rest.password");
        }
        unless(sink.equals("call-activity"), "crm.sink=" + sink, "crm.call-activity.url", "crm.call-activity.token");
        unless(!BUILT_IN_SINKS.contains(sink), "crm.sink=" + sink + " (probed by its own settings)", "crm.health.probe-url");
        // a customer's lookup, a copy of crm-lookup-rest, reads it through bean crmLookupUrl: only the file lookup never does
        unless(!lookup.equals("file"), "crm.lookup=" + lookup, "crm.lookup.url");
        unless(!crmBrokerUrl.equals(outboxUrl), "crm.jms.broker-url naming the outbox's broker (" + broker(crmBrokerUrl)
                + ": its connection and connector.outbox.username/password are used)", "crm.jms.username", "crm.jms.password");
        unless(!outboxUrl.equals(EMBEDDED_BROKER), "connector.outbox.broker-url=" + EMBEDDED_BROKER + " (the embedded broker's login is connector.broker.username/password)",
                "connector.outbox.username", "connector.outbox.password");
        unless(outboxUrl.equals(EMBEDDED_BROKER) || crmBrokerUrl.equals(EMBEDDED_BROKER),
                "connector.outbox.broker-url and crm.jms.broker-url naming no embedded broker (" + EMBEDDED_BROKER + ")", "connector.broker.acceptor",
                "connector.broker.username", "connector.broker.password");
        unless(Tenants.EMBEDDED.equals(settings.string("ccs.api-url", Tenants.EMBEDDED)), "ccs.api-url set to a real tenant",
                "ccs.simulator.app-token");
        // the demo's made-up contacts would pop as cards for a real tenant's callers whose numbers they share
        if (lookup.equals("file") && settings.string("crm.lookup.file", DEMO_CONTACTS).equals(DEMO_CONTACTS) && !StartupChecks.demoMode(settings)) {
            warnings.add("setting crm.lookup=file reads the demo's contacts (" + DEMO_CONTACTS + ") for a real tenant: set crm.lookup=rest and "
                    + "crm.lookup.url, or crm.lookup.file to your CRM's contacts");
        }
        return warnings;
    }

    /** Each key that is set has no effect unless {@code effective}. */
    private void unless(boolean effective, String selector, String... keys) {
        if (!effective) {
            for (String key : keys) {
                if (settings.optional(key).isPresent()) {
                    warn(key, selector);
                }
            }
        }
    }

    private void warn(String key, String selector) {
        warnings.add("setting " + key + " has no effect with " + selector + ": remove it, or change the selector");
    }

    /** A broker named without its URL's parameters, which may carry a password: "the embedded broker" or "the broker at host H". */
    public static String broker(String url) {
        return url.equals(EMBEDDED_BROKER) ? "the embedded broker" : "the broker at host " + host(url);
    }

    private static String host(String url) {
        try {
            String host = URI.create(url.replace("{phone}", "")).getHost();
            return host != null ? host : "(none)";
        } catch (IllegalArgumentException e) {
            return "(unreadable URL)";
        }
    }
}
