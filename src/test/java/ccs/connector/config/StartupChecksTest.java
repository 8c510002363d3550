package ccs.connector.config;

import java.util.Map;

import ccs.connector.ccs.Tenants;
import ccs.connector.simulator.SimulatorSettings;
import org.junit.jupiter.api.Test;

import static ccs.connector.support.TestSettings.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Demo mode, and which hosts of connector.public-url Call Center Studio's cloud can never reach (the rest of the checks: StartupRefusedIT). */
class StartupChecksTest {

    @Test
    void localhostAndLoopbackOrWildcardAddressesAreThisMachineOnly() {
        assertThat(new String[] {"localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.1.2.3", "[::1]", "0.0.0.0", "[::]"})
                .allMatch(StartupChecks::localOnly);
        assertThat(new String[] {"connector.acme.example", "10.0.0.5", "203.0.113.7", "[2001:db8::1]", "localhost.acme.example"})
                .noneMatch(StartupChecks::localOnly);
    }

    /** The one line a wrong crm.rest.auth stops startup with reads as written once the log layout has masked it (no "bearer ***"). */
    @Test
    void aWrongRestAuthenticationIsNamedWithTheValuesToUseInALineTheLogLeavesReadable() {
        assertThatThrownBy(() -> StartupChecks.check(settings("crm.rest.auth", "digest", "connector.data-dir", "target/test-data/StartupChecksTest")))
                .isInstanceOf(InvalidSettingException.class)
                .satisfies(refused -> assertThat(Secrets.mask(refused.getMessage()))
                        .isEqualTo("setting crm.rest.auth is 'digest': use none, basic or bearer"));
    }

    @Test
    void demoModeIsEveryTenantOnTheSimulatorNotOnlyTheDefaultOne() {
        assertThat(StartupChecks.demoMode(settings("ccs.tenant", "demo", "ccs.api-url", "embedded", "ccs.tenants", "demo,other"))).isTrue();
        assertThat(StartupChecks.demoMode(settings("ccs.tenant", "demo", "ccs.api-url", "embedded", "ccs.tenants", "demo,acme",
                "ccs.tenant.acme.api-url", "https://acme.callcenterstudio.com/api/"))).isFalse();
        assertThat(StartupChecks.demoMode(settings("ccs.tenant", "acme", "ccs.api-url", "https://acme.callcenterstudio.com/api/"))).isFalse();
    }

    @Test
    void tenantsOnTheSimulatorShareItsUrlAndTokenButATenantOnAPlatformOfItsOwnHasItsOwn() {
        Settings demo = settings("ccs.tenant", "demo", "ccs.api-url", "embedded", "ccs.tenants", "demo,other,acme",
                "ccs.tenant.acme.api-url", "https://acme.callcenterstudio.com/api/", "ccs.tenant.acme.app-token", "acme-app-token");
        assertThat(Tenants.apiUrlKey(demo, "other")).isEqualTo("ccs.api-url");
        assertThat(Tenants.appTokenKey(demo, "other")).isEqualTo("ccs.app-token");
        assertThat(Tenants.apiUrlKey(demo, "acme")).isEqualTo("ccs.tenant.acme.api-url");
        assertThat(Tenants.appTokenKey(demo, "acme")).isEqualTo("ccs.tenant.acme.app-token");
        Settings real = settings("ccs.tenant", "acme", "ccs.api-url", "https://acme.callcenterstudio.com/api/", "ccs.tenants", "acme,globex");
        assertThat(Tenants.appTokenKey(real, "acme")).isEqualTo("ccs.app-token");
        assertThatThrownBy(() -> Tenants.apiUrlKey(real, "globex")).isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("setting ccs.tenant.globex.api-url ");
    }

    @Test
    void aCrmUrlThatIsNoUrlIsQuotedWithoutItsQueryWhichMayHoldTheFlowsSignature() {
        assertThatThrownBy(() -> StartupChecks.check(settings("camel.server.port", "0", "crm.sink", "rest",
                "crm.rest.url", "htps://prod-00.logic.azure.example/workflows/x/invoke?api-version=2016-06-01&sig=SiGnAtUrEoFtHeFlOw")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("setting crm.rest.url is 'htps://prod-00.logic.azure.example/workflows/x/invoke?...': use the http(s) URL the CRM takes events at")
                .hasMessageNotContaining("SiGnAtUrE");
    }

    /** A customer sink's probe URL the health check cannot connect to: without a scheme it had no host, and crm-sink stayed "not probed yet". */
    @Test
    void aCustomSinksProbeUrlWithoutAHostOrPortStopsStartupNamingIt() {
        String[] settings = {"camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest", "crm.sink", "call-activity"};
        for (String url : new String[] {"crm.example.com:443", "crm.example.com", "https:///api", "https://crm.example.com:99999/api",
                "amqp://broker.example.com"}) {
            assertRefused(with(settings, "crm.health.probe-url", url), "crm.health.probe-url is '" + url + "': use the URL of the host", null);
        }
        assertRefused(with(settings, "crm.health.probe-url", "crm.example.com:443/api?sig=S1gnatur3"),
                "crm.health.probe-url is 'crm.example.com:443/api?...': ", null);
        StartupChecks.check(settings(with(settings, "crm.health.probe-url", "https://crm.example.com/api")));
        StartupChecks.check(settings(with(settings, "crm.health.probe-url", "amqp://broker.example.com:5672")));
        // a built-in sink does not read it (one WARN line says so: EffectiveSettings)
        StartupChecks.check(settings("camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest",
                "crm.health.probe-url", "crm.example.com:443"));
    }

    /**
     * Before, crm.jms.queue named as the click2call queue made each event a request whose failed event was delivered there
     * again, without end; named as the outbox's, the events went back into the outbox and the CRM got none.
     */
    @Test
    void eachQueueOfABrokerHasANameOfItsOwn() {
        String[] demo = {"camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest"};
        assertThatThrownBy(() -> StartupChecks.check(settings(with(demo, "crm.sink", "jms", "crm.jms.queue", "ccs.click2call"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("setting crm.click2call.queue is 'ccs.click2call', the queue of crm.jms.queue on the same broker: give each queue a name of its own");
        assertThatThrownBy(() -> StartupChecks.check(settings(with(demo, "crm.sink", "jms", "crm.jms.queue", "ccs.outbox"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("setting crm.jms.queue is 'ccs.outbox', the queue of connector.outbox.queue on the same broker: give each queue a name of its own");
        // on a broker of its own the CRM's queue may have any name, and another sink leaves it unused
        StartupChecks.check(settings(with(demo, "crm.sink", "jms", "crm.jms.queue", "ccs.outbox", "crm.jms.broker-url", "tcp://crm.acme.example:61616")));
        StartupChecks.check(settings(with(demo, "crm.jms.queue", "ccs.click2call")));
    }

    /** The shipped Secret applied unchanged: its app token placeholder stops startup naming the key, as its other placeholders do. */
    @Test
    void theShippedSecretsAppTokenPlaceholderStopsARealTenantNamingTheKey() {
        String[] real = {"camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest",
                "ccs.tenant", "acme", "ccs.api-url", "https://acme.callcenterstudio.com/api/",
                "connector.webhook-token", "0123456789abcdef0123", "connector.api-key", "0123456789abcdef0123",
                "connector.public-url", "https://connector.acme.example"};
        assertThatThrownBy(() -> StartupChecks.check(settings(with(real, "ccs.app-token", "REPLACE-WITH-THE-TENANT-APP-TOKEN"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("setting ccs.app-token is the shipped Secret's placeholder").hasMessageContaining("CCS_APP_TOKEN");
        assertThatThrownBy(() -> StartupChecks.check(settings(with(real, "ccs.app-token", "acme-app-token", "ccs.tenants", "acme,globex",
                "ccs.tenant.globex.api-url", "https://globex.callcenterstudio.com/api/",
                "ccs.tenant.globex.app-token", "REPLACE-WITH-THE-TENANT-APP-TOKEN"))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("setting ccs.tenant.globex.app-token is the shipped Secret's placeholder")
                .hasMessageContaining("CCS_TENANT_GLOBEX_APP_TOKEN");
        StartupChecks.check(settings(with(real, "ccs.app-token", "acme-app-token")));
        // the token application.properties ships is the simulator's: refused for a tenant's API elsewhere, kept for a
        // simulator on this machine
        assertThatThrownBy(() -> StartupChecks.check(settings(with(real, "ccs.app-token", SimulatorSettings.DEFAULT_APP_TOKEN))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("setting ccs.app-token is the built-in simulator's token").hasMessageContaining("CCS_APP_TOKEN");
        StartupChecks.check(settings(with(real, "ccs.api-url", "http://127.0.0.1:8081/api/", "ccs.app-token", SimulatorSettings.DEFAULT_APP_TOKEN)));
        // the demo runs on the shipped Secret: every tenant on the simulator
        StartupChecks.check(settings("camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest",
                "ccs.tenant", "demo", "ccs.api-url", "embedded", "ccs.app-token", "REPLACE-WITH-THE-TENANT-APP-TOKEN"));
    }

    /**
     * The clustered Secret applied unchanged: its placeholder as the shared broker's password left every replica ready and
     * delivering nothing. Each engine password's placeholder stops startup naming the key.
     */
    @Test
    void theShippedSecretsPasswordPlaceholdersStopStartupNamingTheKey() {
        String[] demo = {"camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest", "ccs.tenant", "demo",
                "ccs.api-url", "embedded"};
        assertRefused(with(demo, "connector.outbox.password", "REPLACE-WITH-THE-BROKER-PASSWORD"),
                "connector.outbox.password is the shipped Secret's placeholder", "CONNECTOR_OUTBOX_PASSWORD");
        assertRefused(with(demo, "connector.database.password", "REPLACE-WITH-THE-DATABASE-PASSWORD"),
                "connector.database.password is the shipped Secret's placeholder", "CONNECTOR_DATABASE_PASSWORD");
        assertRefused(with(demo, "crm.jms.password", "REPLACE-WITH-THE-BROKER-PASSWORD"), "crm.jms.password is the shipped Secret's placeholder",
                "CRM_JMS_PASSWORD");
        StartupChecks.check(settings(with(demo, "connector.outbox.password", "the-brokers-own-password")));
    }

    /**
     * A real tenant at the default tenant's API URL without a token of its own, or with another tenant's token, is that tenant
     * under another name: its calls and CDR records reached the CRM as both tenants'.
     */
    @Test
    void aRealTenantAtTheDefaultTenantsApiOrWithAnotherTenantsTokenStopsStartup() {
        String[] real = {"camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest",
                "ccs.tenant", "acme", "ccs.api-url", "https://acme.callcenterstudio.com/api/", "ccs.app-token", "acme-app-token",
                "ccs.tenants", "acme,globex", "connector.webhook-token", "connector-webhook-token-0123",
                "connector.api-key", "0123456789abcdef0123", "connector.public-url", "https://connector.acme.example"};

        assertRefused(with(real, "ccs.tenant.globex.api-url", "https://acme.callcenterstudio.com/api/"),
                "ccs.tenant.globex.app-token is missing: tenant globex is at the default tenant's API", null);
        assertRefused(with(real, "ccs.tenant.globex.api-url", "https://globex.callcenterstudio.com/api/", "ccs.tenant.globex.app-token", "acme-app-token"),
                "ccs.tenant.globex.app-token is tenant acme's application token too", "CCS_TENANT_GLOBEX_APP_TOKEN");
        StartupChecks.check(settings(with(real, "ccs.tenant.globex.api-url", "https://globex.callcenterstudio.com/api/",
                "ccs.tenant.globex.app-token", "globex-app-token")));
    }

    /** A tenant's own webhook token is a secret as the connector's is, and its alone: another tenant's would admit both. */
    @Test
    void aTenantsOwnWebhookTokenIsCheckedAsTheConnectorsAndMustBeNoOtherTenantsToken() {
        String[] real = {"camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest",
                "ccs.tenant", "acme", "ccs.api-url", "https://acme.callcenterstudio.com/api/", "ccs.app-token", "acme-app-token",
                "ccs.tenants", "acme,globex", "ccs.tenant.globex.api-url", "https://globex.callcenterstudio.com/api/",
                "ccs.tenant.globex.app-token", "globex-app-token", "connector.webhook-token", "connector-webhook-token-0123",
                "connector.api-key", "0123456789abcdef0123", "connector.public-url", "https://connector.acme.example"};
        String acme = "acme-webhook-token-0123";
        String globex = "globex-webhook-token-0123";
        StartupChecks.check(settings(with(real, "ccs.tenant.acme.webhook-token", acme, "ccs.tenant.globex.webhook-token", globex,
                "ccs.tenant.globex.webhook-token.previous", "connector-webhook-token-0123")));

        assertRefused(with(real, "ccs.tenant.globex.webhook-token", "short"), "ccs.tenant.globex.webhook-token must be a secret of your own",
                "CCS_TENANT_GLOBEX_WEBHOOK_TOKEN");
        assertRefused(with(real, "ccs.tenant.globex.webhook-token", "REPLACE-WITH-A-RANDOM-SECRET"),
                "ccs.tenant.globex.webhook-token must be a secret of your own", "CCS_TENANT_GLOBEX_WEBHOOK_TOKEN");
        assertRefused(with(real, "ccs.tenant.globex.webhook-token", globex, "ccs.tenant.globex.webhook-token.previous", "demo-webhook-token-change-me"),
                "ccs.tenant.globex.webhook-token.previous must be empty or the token of your own that ccs.tenant.globex.webhook-token replaces", null);
        assertRefused(with(real, "ccs.tenant.globex.webhook-token", "connector-webhook-token-0123"),
                "ccs.tenant.globex.webhook-token is the same as connector.webhook-token", null);
        assertRefused(with(real, "ccs.tenant.acme.webhook-token", acme, "ccs.tenant.globex.webhook-token", acme),
                "ccs.tenant.acme.webhook-token is the same as ccs.tenant.globex.webhook-token", null);
        assertRefused(with(real, "ccs.tenant.acme.webhook-token", acme, "ccs.tenant.globex.webhook-token", globex,
                "ccs.tenant.globex.webhook-token.previous", acme), "ccs.tenant.globex.webhook-token.previous is the same as ccs.tenant.acme.webhook-token", null);
        // in demo mode too, where the tokens' length is not checked: a previous token without the one that replaces it does nothing
        String[] demo = {"camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest", "ccs.tenant", "demo",
                "ccs.api-url", "embedded", "ccs.tenants", "demo,beta"};
        StartupChecks.check(settings(with(demo, "ccs.tenant.beta.webhook-token", "beta")));
        assertRefused(with(demo, "ccs.tenant.beta.webhook-token.previous", "beta-webhook-token-0123"),
                "ccs.tenant.beta.webhook-token.previous is set without ccs.tenant.beta.webhook-token", null);
    }

    /**
     * A ccs.tenant.<name>.<key> for a name ccs.tenants does not list (a typo, a tenant taken off the list), or with a key no
     * tenant has, does nothing: the tenant would be admitted by connector.webhook-token, or use ccs.app-token, unbeknown to
     * whoever set it. Startup stops naming the key, never its value; an empty one does nothing and is let be.
     */
    @Test
    void aTenantSettingForATenantNotServedOrWithAKeyNoTenantHasStopsStartupNamingIt() {
        String[] demo = {"camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest", "ccs.tenant", "demo",
                "ccs.api-url", "embedded", "ccs.tenants", "demo,globex,acme-eu"};
        StartupChecks.check(settings(with(demo, "ccs.tenant.globex.api-url", "embedded", "ccs.tenant.globex.app-token", "globex-app-token",
                "ccs.tenant.globex.timezone", "Europe/London", "ccs.tenant.globex.webhook-token", "globex-webhook-token-0123",
                "ccs.tenant.globex.webhook-token.previous", "globex-old-webhook-token-0123", "ccs.tenant.globex.ivr.param.caller", "arayan",
                "ccs.tenant.globex.ivr.end-events", "bitti", "ccs.tenant.globex.cdr.recording-details", "true",
                "ccs.tenant.globex.agent-performance.time", "01:30", "ccs.tenant.acme-eu.webhook-token", "acme-eu-webhook-token-0123",
                "ccs.tenant.glbex.webhook-token", "")));

        assertRefused(with(demo, "ccs.tenant.glbex.webhook-token", "glbex-webhook-token-0123"),
                "ccs.tenant.glbex.webhook-token names tenant glbex, which ccs.tenants (demo, globex, acme-eu) does not list", null);
        assertRefused(with(demo, "ccs.tenants", "demo,globex", "ccs.tenant.acme-eu.webhook-token", "acme-eu-webhook-token-0123"),
                "ccs.tenant.acme-eu.webhook-token names tenant acme-eu, which ccs.tenants (demo, globex) does not list", null);
        assertRefused(with(demo, "ccs.tenant.globex.webhook_token", "globex-webhook-token-0123"),
                "ccs.tenant.globex.webhook_token is no setting a tenant has", null);
        assertRefused(with(demo, "ccs.tenant.globex.apiurl", "https://globex.callcenterstudio.com/api/"),
                "ccs.tenant.globex.apiurl is no setting a tenant has", null);
        assertRefused(with(demo, "ccs.tenant.globex.ivr.param.callerid", "arayan"), "ccs.tenant.globex.ivr.param.callerid is no setting a tenant has", null);
        assertRefused(with(demo, "ccs.tenant.acme.app-token", "REPLACE-WITH-THE-TENANT-APP-TOKEN"),
                "ccs.tenant.acme.app-token names tenant acme, which ccs.tenants", null);
        // a tenant is found in any letter case, but its keys are read as ccs.tenants spells it
        assertRefused(with(demo, "ccs.tenant.GloBex.webhook-token", "globex-webhook-token-0123"), "ccs.tenant.GloBex.webhook-token names "
                + "tenant GloBex, which ccs.tenants spells globex, so it is not read: write it ccs.tenant.globex.webhook-token", null);
        assertRefused(with(demo, "ccs.tenants", "demo,globex,Globex"),
                "ccs.tenants lists tenant globex more than once (tenant names have no letter case): list each tenant once", null);
        // a system property (-D) is a setting as much as a line of application.properties is
        System.setProperty("ccs.tenant.glbex.app-token", "glbex-webhook-token-0123");
        try {
            assertRefused(demo, "ccs.tenant.glbex.app-token names tenant glbex", null);
        } finally {
            System.clearProperty("ccs.tenant.glbex.app-token");
        }
    }

    /**
     * An environment variable's name cannot be read back into a key (dashes and dots are both underscores), so it is compared
     * with the names of the keys each tenant served has: one that matches none does nothing and stops startup.
     */
    @Test
    void anEnvironmentVariableOfNoTenantServedOrOfNoKeyATenantHasStopsStartupNamingIt() {
        Settings served = settings("ccs.tenant", "demo", "ccs.tenants", "demo,globex,acme-eu");
        StartupChecks.checkTenantKeys(served, Map.of("CCS_TENANT_GLOBEX_APP_TOKEN", "globex-app-token",
                "CCS_TENANT_ACME_EU_WEBHOOK_TOKEN_PREVIOUS", "acme-eu-webhook-token-0123", "CCS.TENANT.GLOBEX.IVR.PARAM.CALL-KEY", "cagri",
                "CCS_TENANT_DEMO_IVR_END_EVENTS", "bitti", "CCS_TENANTS", "demo", "CCS_TENANT", "demo", "CCS_TENANT_GLBEX_APP_TOKEN", "",
                "ccs_tenant_glbex_app_token", "not read: Camel looks variables up in upper case"));

        assertThatThrownBy(() -> StartupChecks.checkTenantKeys(served, Map.of("CCS_TENANT_GLBEX_APP_TOKEN", "glbex-app-token")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("setting CCS_TENANT_GLBEX_APP_TOKEN (an environment variable) is no setting of a tenant of ccs.tenants (demo, globex, acme-eu)")
                .hasMessageNotContaining("glbex-app-token")
                .satisfies(refused -> assertThat(Secrets.mask(refused.getMessage())).as("left readable by the log layout").isEqualTo(refused.getMessage()));
        assertThatThrownBy(() -> StartupChecks.checkTenantKeys(served, Map.of("CCS_TENANT_GLOBEX_APITOKEN", "globex-app-token")))
                .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("setting CCS_TENANT_GLOBEX_APITOKEN (an environment variable) is no setting");
        // acme-eu taken off the list: its variables begin as acme's do, yet are none of acme's
        assertThatThrownBy(() -> StartupChecks.checkTenantKeys(settings("ccs.tenant", "acme", "ccs.tenants", "acme"),
                Map.of("CCS_TENANT_ACME_EU_APP_TOKEN", "acme-eu-app-token")))
                .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("setting CCS_TENANT_ACME_EU_APP_TOKEN (an environment variable)");
    }

    /** A misspelt IVR parameter mapping did nothing: the field kept the guide's name, and its notifications came without it. */
    @Test
    void anIvrParameterMappingOfNoFieldStopsStartupNamingIt() {
        StartupChecks.checkIvrParamKeys(settings("ccs.ivr.param.agent-email", "temsilci", "ccs.ivr.param.call-key", "cagri"),
                Map.of("CCS_IVR_PARAM_QUEUE_NAME", "kuyruk"));

        assertThatThrownBy(() -> StartupChecks.checkIvrParamKeys(settings("ccs.ivr.param.agent_email", "temsilci"), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("setting ccs.ivr.param.agent_email names no field of an IVR notification, so it does nothing")
                .hasMessageContaining("agent-email");
        assertThatThrownBy(() -> StartupChecks.checkIvrParamKeys(settings(), Map.of("CCS_IVR_PARAM_AGENT", "temsilci")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("setting CCS_IVR_PARAM_AGENT (an environment variable) names no field of an IVR notification");
    }

    /** Startup stops naming the setting (and the environment variable to set, when given), and quotes no token. */
    /** The API key a rotation replaces is a secret of your own too, and means nothing without a key (which turns the check off). */
    @Test
    void theApiKeyThatARotationReplacesIsASecretOfYourOwnAndNeverWithoutTheKey() {
        String[] real = {"camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest",
                "ccs.tenant", "acme", "ccs.api-url", "https://acme.callcenterstudio.com/api/", "ccs.app-token", "acme-app-token",
                "connector.webhook-token", "connector-webhook-token-0123", "connector.api-key", "acme-api-key-new-0123",
                "connector.public-url", "https://connector.acme.example"};
        StartupChecks.check(settings(with(real, "connector.api-key.previous", "acme-api-key-old-0123")));

        assertRefused(with(real, "connector.api-key.previous", "short"), "connector.api-key.previous must be empty or the key of your own", null);
        assertRefused(with(real, "connector.api-key.previous", "REPLACE-WITH-A-RANDOM-SECRET"), "connector.api-key.previous", null);
        // the demo takes no key at all: a .previous left over would read as if the old key were still taken
        assertThatThrownBy(() -> StartupChecks.check(settings("camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest",
                "ccs.tenant", "demo", "ccs.api-url", "embedded", "connector.api-key.previous", "acme-api-key-old-0123")))
                .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("setting connector.api-key.previous is set without connector.api-key")
                .hasMessageNotContaining("acme-api-key-old-0123");
    }

    /** With a real tenant, an acceptor of the embedded broker for other machines is never open without a login of its own. */
    @Test
    void theEmbeddedBrokersAcceptorNeedsAPasswordOfYourOwnOutsideDemoMode() {
        String[] real = {"camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest",
                "ccs.tenant", "acme", "ccs.api-url", "https://acme.callcenterstudio.com/api/", "ccs.app-token", "acme-app-token",
                "connector.webhook-token", "connector-webhook-token-0123", "connector.api-key", "acme-api-key-new-0123",
                "connector.public-url", "https://connector.acme.example", "connector.broker.acceptor", "tcp://0.0.0.0:61616"};
        assertRefused(real, "connector.broker.password must be a secret of your own (16 characters or more) outside demo mode while "
                + "connector.broker.acceptor opens the embedded broker", "CONNECTOR_BROKER_PASSWORD");
        assertRefused(with(real, "connector.broker.password", "short"), "connector.broker.password must be a secret of your own", null);
        assertRefused(with(real, "connector.broker.password", "REPLACE-WITH-THE-BROKER-PASSWORD"), "connector.broker.password", null);
        StartupChecks.check(settings(with(real, "connector.broker.password", "the-brokers-own-password")));
        // no acceptor, or no embedded broker to open: nothing to log in to from outside
        StartupChecks.check(settings(with(real, "connector.broker.acceptor", "")));
        StartupChecks.check(settings(with(real, "connector.outbox.broker-url", "tcp://broker.acme.example:61616",
                "crm.jms.broker-url", "tcp://broker.acme.example:61616")));
        // the demo stays open, as its API is
        StartupChecks.check(settings("camel.server.port", "0", "connector.data-dir", "target/test-data/StartupChecksTest",
                "ccs.tenant", "demo", "ccs.api-url", "embedded", "connector.broker.acceptor", "tcp://127.0.0.1:61616"));
    }

    private static void assertRefused(String[] settings, String message, String environmentName) {
        assertThatThrownBy(() -> StartupChecks.check(settings(settings))).isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("setting " + message)
                .satisfies(refused -> {
                    assertThat(refused.getMessage()).doesNotContain("-webhook-token-0123", "REPLACE-WITH", "demo-webhook-token");
                    if (environmentName != null) {
                        assertThat(refused.getMessage()).contains(environmentName);
                    }
                });
    }

    private static String[] with(String[] settings, String... more) {
        String[] all = java.util.Arrays.copyOf(settings, settings.length + more.length);
        System.arraycopy(more, 0, all, settings.length, more.length);
        return all;
    }
}
