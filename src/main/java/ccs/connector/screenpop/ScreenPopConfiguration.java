package ccs.connector.screenpop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import ccs.connector.ccs.CallAnswers;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Settings;
import ccs.connector.config.StartupChecks;
import ccs.connector.http.WholeAnswerLimit;
import ccs.connector.simulator.CcsSimulator;
import org.apache.camel.spi.Registry;

/**
 * The settings of screen pop and the softphone, read and checked once at startup, and the beans
 * their routes call: {@code phoneNumbers}, {@code contactsFile}, {@code crmLookupUrl},
 * {@code contactMatches}, {@code handedBackErrors}, {@code callAnswers} and {@code softphoneUrls}.
 */
public final class ScreenPopConfiguration {

    private static final String DEFAULT_SOFTPHONE_URL = "https://softphone.alo-tech.com/generic/sso/";

    private final PhoneNumbers phoneNumbers;
    private final ContactsFile contactsFile;
    private final LookupUrl lookupUrl;
    private final String softphoneUrl;
    private final boolean tenantAsHost;

    private ScreenPopConfiguration(PhoneNumbers phoneNumbers, ContactsFile contactsFile, LookupUrl lookupUrl,
                                   String softphoneUrl, boolean tenantAsHost) {
        this.phoneNumbers = phoneNumbers;
        this.contactsFile = contactsFile;
        this.lookupUrl = lookupUrl;
        this.softphoneUrl = softphoneUrl;
        this.tenantAsHost = tenantAsHost;
    }

    /** Reads every screen pop setting; a wrong one stops startup with its key. */
    public static ScreenPopConfiguration read(Settings settings) {
        PhoneNumbers phoneNumbers = PhoneNumbers.from(settings);
        String lookup = settings.string("crm.lookup", "file");
        if (!lookup.matches("[A-Za-z0-9_-]+")) {
            throw new InvalidSettingException("crm.lookup", "is '" + lookup
                    + "': use file, rest or the name of your lookup route direct:crm-lookup-<name> (letters, digits, - and _)");
        }
        ContactsFile contactsFile = new ContactsFile(Path.of(settings.string("crm.lookup.file", "contacts/demo-contacts.json")), phoneNumbers);
        String lookupTemplate = settings.string("crm.lookup.url", "");
        if (lookup.equals("file") && !lookupTemplate.isBlank() && !StartupChecks.demoMode(settings)) {
            // the URL set alone (DESIGN's lookup setting) would leave a real tenant's callers looked up in the file
            throw new InvalidSettingException("crm.lookup", "is file, which reads crm.lookup.file, while crm.lookup.url is set: set crm.lookup=rest"
                    + " to look callers up at that URL, or remove crm.lookup.url");
        }
        if (lookup.equals("file")) {
            contactsFile.check("crm.lookup.file");
        } else if (lookup.equals("rest") && !(StartupChecks.isHttpUrl(lookupTemplate.replace(LookupUrl.PLACEHOLDER, "0"))
                && LookupUrl.afterTheHost(lookupTemplate))) {
            // the URL is not repeated: it may carry a key
            throw new InvalidSettingException("crm.lookup.url", "is not an http(s) URL with the placeholder " + LookupUrl.PLACEHOLDER
                    + " in its path or query, such as https://crm.example.com/api/contacts?phone=" + LookupUrl.PLACEHOLDER);
        }
        settings.duration("crm.lookup.timeout", Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMinutes(1));
        String softphoneUrl = settings.string("ccs.softphone-url", DEFAULT_SOFTPHONE_URL);
        if (!StartupChecks.isHttpUrl(softphoneUrl)) {
            throw new InvalidSettingException("ccs.softphone-url", "is '" + softphoneUrl
                    + "': use the softphone's SSO base such as " + DEFAULT_SOFTPHONE_URL);
        }
        String tenantForm = settings.string("ccs.softphone-tenant", "name").toLowerCase(Locale.ROOT);
        if (!tenantForm.equals("name") && !tenantForm.equals("host")) {
            throw new InvalidSettingException("ccs.softphone-tenant", "is '" + tenantForm
                    + "': use name (the tenant's name, e.g. acme) or host (the host of its API URL, e.g. acme.alo-tech.com)");
        }
        return new ScreenPopConfiguration(phoneNumbers, contactsFile, new LookupUrl(lookupTemplate), softphoneUrl, tenantForm.equals("host"));
    }

    /**
     * Binds the beans. A tenant served by the embedded simulator ({@code simulator} is null when
     * there is none) gets the simulator's fake softphone, since the real one knows none of its sessions.
     */
    public void bind(Registry registry, Tenants tenants, CcsSimulator simulator) {
        registry.bind("phoneNumbers", phoneNumbers);
        registry.bind("contactsFile", contactsFile);
        registry.bind("crmLookupUrl", lookupUrl);
        registry.bind("contactMatches", new ContactMatches());
        // no more than 1 MiB of a lookup's answer, and 8 MiB of the lookups' answers being read at once, all of it within
        // camel.component.http.response-timeout: a CRM answering every contact it has would take the heap, and one whose
        // answer dripped in held a lookup consumer and its connection
        registry.bind("crmAnswerLimit", new WholeAnswerLimit("crm-answer-limit", ContactMatches.MAX_ANSWER_BYTES, ContactMatches.TOO_LONG,
                8 * ContactMatches.MAX_ANSWER_BYTES, ContactMatches.TOO_MANY));
        registry.bind("handedBackErrors", new HandedBackErrors());
        registry.bind("callAnswers", new CallAnswers(tenants));
        registry.bind("softphoneUrls", new SoftphoneUrls(tenants,
                tenant -> simulator != null && tenant.apiUrl().equals(simulator.apiUrl()) ? simulator.softphoneUrl() : softphoneUrl,
                tenantAsHost));
    }
}
