package ccs.connector.screenpop;

import ccs.connector.config.InvalidSettingException;
import org.junit.jupiter.api.Test;

import static ccs.connector.support.TestSettings.settings;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A wrong screen pop setting stops startup with one message naming the key. */
class ScreenPopConfigurationTest {

    @Test
    void theShippedDemoSettingsAreGood() {
        assertThatCode(() -> ScreenPopConfiguration.read(settings("crm.lookup", "file", "crm.lookup.file", "contacts/demo-contacts.json")))
                .doesNotThrowAnyException();
    }

    @Test
    void theRestLookupNeedsAnHttpUrlWithThePhonePlaceholderAndDoesNotRepeatIt() {
        String withKey = "https://crm.example.com/api/contacts?key=secret-crm-key";
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("crm.lookup", "rest", "crm.lookup.url", withKey)))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("crm.lookup.url").hasMessageContaining("{phone}")
                .hasMessageNotContaining("secret-crm-key");
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("crm.lookup", "rest", "crm.lookup.url", "ftp://crm/{phone}")))
                .hasMessageContaining("crm.lookup.url");
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("crm.lookup", "rest")))
                .hasMessageContaining("crm.lookup.url");
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("crm.lookup", "rest", "crm.lookup.url", "https://{phone}.crm.example.com/c")))
                .as("one endpoint serves every number: the number cannot name the host")
                .hasMessageContaining("crm.lookup.url").hasMessageContaining("in its path or query");
        for (String elsewhere : new String[] {"https://crm{phone}.example.com?q=1", "https://{phone}.crm.example.com/c?phone={phone}",
                "https://u:{phone}@crm.example.com/c?p={phone}", "https://crm.example.com/c?p={phone}#{phone}"}) {
            assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("crm.lookup", "rest", "crm.lookup.url", elsewhere)))
                    .as(elsewhere).hasMessageContaining("in its path or query");
        }
        assertThatCode(() -> ScreenPopConfiguration.read(settings("crm.lookup", "rest", "crm.lookup.url", "https://crm.example.com/c/{phone}")))
                .doesNotThrowAnyException();
        assertThatCode(() -> ScreenPopConfiguration.read(settings("crm.lookup", "rest", "crm.lookup.url", "https://crm.example.com?phone={phone}")))
                .doesNotThrowAnyException();
    }

    @Test
    void aLookupUrlSetForARealTenantWhileTheFileLookupIsChosenStopsStartup() {
        String url = "https://crm.example.com/api/contacts?phone={phone}";
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("ccs.api-url", "https://acme.callcenterstudio.com/api/",
                "crm.lookup", "file", "crm.lookup.url", url)))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("crm.lookup is file").hasMessageContaining("set crm.lookup=rest")
                .hasMessageNotContaining(url);
        assertThatCode(() -> ScreenPopConfiguration.read(settings("crm.lookup", "file", "crm.lookup.url", url)))
                .as("the demo: one WARN line (EffectiveSettings)").doesNotThrowAnyException();
    }

    @Test
    void theFileLookupNeedsAReadableJsonOrCsvFile() {
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("crm.lookup.file", "contacts/missing.json")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("crm.lookup.file").hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("crm.lookup.file", "application.properties")))
                .hasMessageContaining("crm.lookup.file").hasMessageContaining(".json or .csv");
        assertThatCode(() -> ScreenPopConfiguration.read(settings("crm.lookup", "acme", "crm.lookup.file", "contacts/missing.json")))
                .as("a customer lookup does not need the file").doesNotThrowAnyException();
    }

    @Test
    void otherValuesNameTheirKey() {
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("crm.lookup", "my lookup")))
                .hasMessageContaining("crm.lookup is 'my lookup'");
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("crm.lookup.timeout", "2 seconds")))
                .hasMessageContaining("crm.lookup.timeout");
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("ccs.softphone-tenant", "domain")))
                .hasMessageContaining("ccs.softphone-tenant").hasMessageContaining("host");
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("ccs.softphone-url", "softphone.alo-tech.com/generic/sso/")))
                .hasMessageContaining("ccs.softphone-url");
    }
}
