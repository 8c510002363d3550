package ccs.connector.config;

import java.util.Properties;

import ccs.connector.support.LogCapture;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator who turns the production log (src/main/resources/log4j2.properties) to DEBUG to find a fault reads no
 * setting's value: Camel's properties component logs each value it resolves at DEBUG ("Found property: ccs.app-token with
 * value: ..."), the app token, API key, webhook token, agent page secret and the passwords among them, which the layout's
 * masking, by names in the text, does not catch.
 */
@ExtendWith(LogCapture.PerClass.class)
class DebugLogSecretsTest {

    @Test
    void theDebugLogNamesNoSettingsValue() throws Exception {
        LogCapture.install();
        Level before = LogManager.getRootLogger().getLevel();
        Properties settings = new Properties();
        settings.setProperty("ccs.app-token", "app-token-value-0123456789");
        System.setProperty("connector.api-key", "api-key-value-0123456789");
        Configurator.setRootLevel(Level.DEBUG);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            // the parser the connector installs, which logs under a name of its own
            BlankFreeValues.install(camel);
            camel.getPropertiesComponent().setInitialProperties(settings);
            assertThat(camel.resolvePropertyPlaceholders("{{ccs.app-token}} {{connector.api-key}}"))
                    .isEqualTo("app-token-value-0123456789 api-key-value-0123456789");
        } finally {
            Configurator.setRootLevel(before);
            System.clearProperty("connector.api-key");
        }
        assertThat(LogCapture.text()).doesNotContain("app-token-value-0123456789", "api-key-value-0123456789");
    }
}
