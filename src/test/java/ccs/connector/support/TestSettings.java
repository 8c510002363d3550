package ccs.connector.support;

import java.util.Properties;

import ccs.connector.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/** Settings made of key-value pairs, read the way the connector reads application.properties. */
public final class TestSettings {

    private TestSettings() {
    }

    public static Settings settings(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        CamelContext camel = new DefaultCamelContext();
        camel.getPropertiesComponent().setInitialProperties(properties);
        return Settings.of(camel);
    }
}
