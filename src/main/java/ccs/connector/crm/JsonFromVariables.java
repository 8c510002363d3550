package ccs.connector.crm;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

/**
 * Builds a JSON object from the exchange variables whose names start with a prefix, so that a
 * customer mapping route sets one variable per CRM field in YAML ({@code activity.subject},
 * {@code activity.durationSeconds}, ...) and never assembles JSON text by hand. Values keep their
 * type (numbers, booleans, null); the prefix is dropped from the field names.
 */
public final class JsonFromVariables {

    private final ObjectMapper json = new ObjectMapper();

    public String build(Exchange exchange, String prefix) throws JsonProcessingException {
        Map<String, Object> object = new LinkedHashMap<>();
        exchange.getVariables().forEach((name, value) -> {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                object.put(name.substring(prefix.length()), value);
            }
        });
        return json.writeValueAsString(object);
    }
}
