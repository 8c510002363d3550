package ccs.connector.agentpage;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import ccs.connector.ConnectorConfiguration;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Settings;
import ccs.connector.config.StartupChecks;
import ccs.connector.screenpop.SoftphoneUrls;
import ccs.connector.state.Database;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent page's settings, checked at startup, and its beans {@code agentLinks}, {@code agentPage} and
 * {@code agentStatuses}.
 * The page is served only with a key to sign its links ({@code connector.agent-page.secret}): with a
 * real tenant and no key it is off (startup says so in one line); the demo makes a key up at startup.
 * Off, {@code connector.agent-page.enabled} reads false, so the page's routes do not start; so does
 * {@code connector.agent-page.agent-status} (the door that forwards agent statuses), which can also be off alone.
 */
public final class AgentPageConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(AgentPageConfiguration.class);
    static final String ENABLED = "connector.agent-page.enabled";
    static final String AGENT_STATUS = "connector.agent-page.agent-status";
    private static final String SECRET = "connector.agent-page.secret";
    private static final int SECRET_MIN_LENGTH = 32;

    private AgentPageConfiguration() {
    }

    /** Reads and checks the settings and binds the beans; call it once the tenants and {@code softphoneUrls} exist. */
    public static void configure(CamelContext camel, Settings settings, Tenants tenants, SoftphoneUrls softphoneUrls, String demoAgent) {
        String secret = settings.string(SECRET, "");
        // the shipped Secret's placeholder is fine for the demo, as the shipped webhook token is
        boolean placeholder = StartupChecks.shipped(secret) && !StartupChecks.demoMode(settings);
        if (!secret.isEmpty() && (secret.length() < SECRET_MIN_LENGTH || placeholder)) {
            throw new InvalidSettingException(SECRET, (placeholder ? "is the shipped Secret's placeholder, which anyone can read"
                    : "is shorter than " + SECRET_MIN_LENGTH + " characters") + ": generate one, e.g. openssl rand -hex 32, and set CONNECTOR_AGENT_PAGE_SECRET");
        }
        String pageUrl = settings.string("connector.agent-page.url", settings.string("connector.public-url", "http://localhost:8080") + "/agent");
        if (!StartupChecks.isHttpUrl(pageUrl)) {
            throw new InvalidSettingException("connector.agent-page.url", "is '" + pageUrl
                    + "': use the URL at which agents' browsers open the page, such as https://agents.acme.example/agent");
        }
        Duration linkTtl = settings.duration("connector.agent-page.link-ttl", Duration.ofMinutes(2), Duration.ofSeconds(10), Duration.ofHours(1));
        Duration cookieTtl = settings.duration("connector.agent-page.cookie-ttl", Duration.ofHours(8), Duration.ofMinutes(1), Duration.ofHours(12));
        settings.integer("connector.agent-page.softphone-urls-per-minute", 20, 1);
        settings.integer("connector.agent-page.screen-pops-per-minute", 60, 1);
        settings.integer("connector.agent-page.statuses-per-minute", 60, 1);
        List<String> frameAncestors = settings.list("connector.agent-page.frame-ancestors", List.of());
        frameAncestors.forEach(AgentPageConfiguration::checkOrigin);

        boolean agentStatus = settings.bool(AGENT_STATUS, true);
        boolean enabled = settings.bool(ENABLED, true);
        if (enabled && secret.isEmpty()) {
            if (StartupChecks.demoMode(settings)) {
                secret = randomKey();
                // never "X-Api-Key: <key>" in the line: the log masks the word after such a header
                String withKey = settings.string("connector.api-key", "").isEmpty() ? "" : " with header X-Api-Key set to connector.api-key";
                LOG.info("DEMO MODE: agent page links are signed with a key made up at startup; ask for one with curl -X POST {}/api/v1/agent-links "
                        + "-H 'Content-Type: application/json' -d '{\"agentEmail\": \"{}\"}'{} and open its url",
                        settings.string("connector.public-url", "http://localhost:8080"), demoAgent, withKey);
            } else {
                LOG.warn("The agent page /agent is off: set {} ({}+ characters, e.g. openssl rand -hex 32) to serve it through signed links",
                        SECRET, SECRET_MIN_LENGTH);
                enabled = false;
            }
        }
        camel.getPropertiesComponent().addOverrideProperty(ENABLED, Boolean.toString(enabled));
        // the door that forwards the softphone's agent statuses is one of the page's: off with it
        camel.getPropertiesComponent().addOverrideProperty(AGENT_STATUS, Boolean.toString(agentStatus && enabled));
        // off, the page's routes do not start and POST /api/v1/agent-links answers 404: a made-up key signs nothing
        Database database = camel.getRegistry().lookupByNameAndType(ConnectorConfiguration.STATE_STORE, Database.class);
        AgentPageRevocations revocations = new AgentPageRevocations(database, linkTtl.compareTo(cookieTtl) > 0 ? linkTtl : cookieTtl);
        camel.getRegistry().bind("agentLinks", new AgentLinks(secret.isEmpty() ? randomKey() : secret, tenants, pageUrl, linkTtl, cookieTtl,
                revocations, new AgentLinkOpenings(database), Clock.systemUTC()));
        camel.getRegistry().bind("agentPage", new AgentPage(softphoneUrls.origins(), frameAncestors));
        camel.getRegistry().bind("agentStatuses", new AgentStatuses(Clock.systemUTC()));
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    private static void checkOrigin(String origin) {
        if (origin.equals("'self'")) {
            return;
        }
        if (!StartupChecks.isHttpUrl(origin) || !(URI.create(origin).getPath() == null || URI.create(origin).getPath().isEmpty())) {
            throw new InvalidSettingException("connector.agent-page.frame-ancestors", "has '" + origin
                    + "': list the CRM's origins (scheme, host and port, no path) separated by commas, e.g. https://crm.acme.example");
        }
    }
}
