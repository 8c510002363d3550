package ccs.connector.screenpop;

import java.util.Properties;

import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A wrong screen pop setting stops startup with one message naming the key. */
class ScreenPopConfigurationTest {

    static Settings settings(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        CamelContext camel = new DefaultCamelContext();
        camel.getPropertiesComponent().setInitialProperties(properties);
        return Settings.of(camel);
    }

    @Test
    void theShippedDemoSettingsAreGood() {
        assertThat(ScreenPopConfiguration.read(settings("crm.lookup", "file", "crm.lookup.file", "contacts/demo-contacts.json")))
                .isNotNull();
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
        assertThat(ScreenPopConfiguration.read(settings("crm.lookup", "rest", "crm.lookup.url", "https://crm.example.com/c/{phone}")))
                .isNotNull();
    }

    @Test
    void theFileLookupNeedsAReadableJsonOrCsvFile() {
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("crm.lookup.file", "contacts/missing.json")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("crm.lookup.file").hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("crm.lookup.file", "application.properties")))
                .hasMessageContaining("crm.lookup.file").hasMessageContaining(".json or .csv");
        assertThat(ScreenPopConfiguration.read(settings("crm.lookup", "acme", "crm.lookup.file", "contacts/missing.json")))
                .as("a customer lookup does not need the file").isNotNull();
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
        assertThatThrownBy(() -> ScreenPopConfiguration.read(settings("connector.agent-page.enabled", "yes")))
                .hasMessageContaining("connector.agent-page.enabled");
    }
}
