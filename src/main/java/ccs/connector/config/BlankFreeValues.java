package ccs.connector.config;

import org.apache.camel.CamelContext;
import org.apache.camel.component.properties.DefaultPropertiesParser;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.component.properties.PropertiesLookup;

/**
 * Every setting is read without the blanks around its value, by the routes ({@code {{crm.sink}}}) as by {@link Settings}:
 * Java keeps the space at the end of a properties line, and an environment variable may carry one. {@code crm.sink=rest }
 * passed the checks, which trim, while route crm-sink-rest's precondition compared {@code 'rest '} and left the route out:
 * every event waited for a sink that was not there and was dead-lettered.
 */
public final class BlankFreeValues extends DefaultPropertiesParser {

    private BlankFreeValues(PropertiesComponent properties) {
        super(properties);
    }

    /** Runs before the routes are read, whose preconditions and endpoints take their settings' values once. */
    public static void install(CamelContext camel) {
        PropertiesComponent properties = (PropertiesComponent) camel.getPropertiesComponent();
        properties.setPropertiesParser(new BlankFreeValues(properties));
    }

    @Override
    public String parseProperty(String key, String value, PropertiesLookup properties) {
        return value == null ? null : value.trim();
    }
}
