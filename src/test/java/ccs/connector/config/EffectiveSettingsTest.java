package ccs.connector.config;

import org.junit.jupiter.api.Test;

import static ccs.connector.support.TestSettings.settings;
import static org.assertj.core.api.Assertions.assertThat;

class EffectiveSettingsTest {

    @Test
    void aSettingTheSelectorIgnoresIsNamedWithTheSelector() {
        Settings settings = settings("crm.sink", "file", "crm.lookup", "file", "crm.lookup.url", "https://crm.example.com/c?phone={phone}",
                "crm.rest.url", "https://crm.example.com/events", "crm.rest.auth", "none", "crm.jms.username", "crm", "crm.jms.password", "secret-1");

        assertThat(EffectiveSettings.warnings(settings)).containsExactlyInAnyOrder(
                "setting crm.rest.url has no effect with crm.sink=file: remove it, or change the selector",
                "setting crm.lookup.url has no effect with crm.lookup=file: remove it, or change the selector",
                "setting crm.jms.username has no effect with crm.jms.broker-url naming the outbox's broker (the embedded broker: its "
                        + "connection and connector.outbox.username/password are used): remove it, or change the selector",
                "setting crm.jms.password has no effect with crm.jms.broker-url naming the outbox's broker (the embedded broker: its "
                        + "connection and connector.outbox.username/password are used): remove it, or change the selector");
    }

    /** README: a customer's lookup starts as a copy of crm-lookup-rest, which reads crm.lookup.url (bean crmLookupUrl). */
    @Test
    void aCustomersLookupMayReadTheLookupUrl() {
        assertThat(EffectiveSettings.warnings(settings("crm.lookup", "acme", "crm.lookup.url", "https://crm.example.com/people?mobile={phone}")))
                .isEmpty();
    }

    @Test
    void aRealTenantsCallersLookedUpInTheDemosContactsAreWarnedOf() {
        String warning = "setting crm.lookup=file reads the demo's contacts (contacts/demo-contacts.json) for a real tenant: set crm.lookup=rest"
                + " and crm.lookup.url, or crm.lookup.file to your CRM's contacts";
        String tenant = "https://acme.callcenterstudio.com/api/";
        assertThat(EffectiveSettings.warnings(settings("ccs.api-url", tenant))).containsExactly(warning);
        assertThat(EffectiveSettings.warnings(settings("ccs.api-url", tenant, "crm.lookup.file", "contacts/acme.csv"))).isEmpty();
        assertThat(EffectiveSettings.warnings(settings())).as("the demo's own tenant").isEmpty();
    }

    @Test
    void aBrokerIsNamedByItsHostAloneAsItsUrlMayCarryAPassword() {
        String url = "tcp://broker.example.com:61616?sslEnabled=true&trustStorePassword=tr-secret-1";
        Settings settings = settings("connector.outbox.broker-url", url, "crm.jms.broker-url", url, "crm.jms.username", "crm");

        assertThat(EffectiveSettings.warnings(settings)).containsExactly("setting crm.jms.username has no effect with crm.jms.broker-url "
                + "naming the outbox's broker (the broker at host broker.example.com: its connection and connector.outbox.username/password "
                + "are used): remove it, or change the selector");
        // the outbox's health check names its broker so
        assertThat(EffectiveSettings.broker(url)).isEqualTo("the broker at host broker.example.com");
        assertThat(EffectiveSettings.broker("vm://0")).isEqualTo("the embedded broker");
    }

    @Test
    void settingsInEffectGiveNoWarning() {
        Settings settings = settings("crm.sink", "rest", "crm.rest.url", "https://crm.example.com/events", "crm.rest.auth", "bearer",
                "crm.rest.token", "t", "crm.lookup", "rest", "crm.lookup.url", "https://crm.example.com/c?phone={phone}",
                "crm.jms.broker-url", "tcp://broker.example.com:61616", "crm.jms.username", "crm", "connector.broker.acceptor", "tcp://0.0.0.0:61616");

        assertThat(EffectiveSettings.warnings(settings)).isEmpty();
    }

    @Test
    void theRestSinksAuthenticationIsReadInAnyCaseAsTheSinkReadsIt() {
        Settings settings = settings("crm.sink", "rest", "crm.rest.url", "https://crm.example.com/events", "crm.rest.auth", " Bearer",
                "crm.rest.token", "t");

        assertThat(EffectiveSettings.warnings(settings)).isEmpty();
    }

    @Test
    void theRestSinksCredentialsFollowItsAuthentication() {
        Settings settings = settings("crm.sink", "rest", "crm.rest.url", "https://crm.example.com/events", "crm.rest.auth", "basic",
                "crm.rest.token", "t", "crm.rest.username", "u", "connector.outbox.broker-url", "tcp://broker.example.com:61616",
                "crm.jms.broker-url", "tcp://broker.example.com:61616", "connector.broker.acceptor", "tcp://0.0.0.0:61616");

        assertThat(EffectiveSettings.warnings(settings)).containsExactlyInAnyOrder(
                "setting crm.rest.token has no effect with crm.rest.auth=basic: remove it, or change the selector",
                "setting connector.broker.acceptor has no effect with connector.outbox.broker-url and crm.jms.broker-url naming "
                        + "no embedded broker (vm://0): remove it, or change the selector");
    }

    @Test
    void theSummaryNamesTheSinkAndLookupInEffectAndOnlyTheHostsOfUrls() {
        assertThat(EffectiveSettings.summary(settings("crm.sink", "rest", "crm.rest.url", "https://crm.example.com/events?key=k-123",
                "crm.lookup", "file", "crm.lookup.file", "contacts/demo-contacts.json")))
                .isEqualTo("CRM side: events go to crm.sink=rest (POST to host crm.example.com); "
                        + "screen pop finds callers with crm.lookup=file (contacts/demo-contacts.json)")
                .doesNotContain("k-123");
        assertThat(EffectiveSettings.summary(settings("crm.sink", "call-activity", "crm.lookup", "rest",
                "crm.lookup.url", "https://crm.example.com/c?phone={phone}")))
                .contains("crm.sink=call-activity (route direct:crm-sink-call-activity)", "crm.lookup=rest (GET from host crm.example.com)");
    }
}
