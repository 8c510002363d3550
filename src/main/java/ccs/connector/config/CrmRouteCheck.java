package ccs.connector.config;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;

/**
 * Stops startup when {@code crm.sink} names no route {@code direct:crm-sink-<name>}, or {@code crm.lookup} no route
 * {@code direct:crm-lookup-<name>}: the first would leave every event undelivered, the second every screen pop waiting
 * out its timeout and blaming the CRM.
 */
public final class CrmRouteCheck {

    private CrmRouteCheck() {
    }

    /** Runs once the routes are loaded and before they start. */
    public static void check(CamelContext camel) {
        Settings settings = Settings.of(camel);
        require(camel, "crm.sink", "crm-sink-", settings.string("crm.sink", "file"),
                "use file, rest or jms, or add a route for it under routes/customer/ (see the README, \"Add a customer's CRM\")");
        require(camel, "crm.lookup", "crm-lookup-", settings.string("crm.lookup", "file"),
                "use file or rest, or add a route for it under routes/customer/ (see the README, \"Lookup plug-ins\")");
    }

    private static void require(CamelContext camel, String key, String prefix, String name, String advice) {
        String endpoint = "direct:" + prefix + name;
        boolean found = camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions().stream()
                .map(RouteDefinition::getEndpointUrl)
                .anyMatch(uri -> endpoint.equals(uri) || ("direct://" + prefix + name).equals(uri));
        if (!found) {
            throw new InvalidSettingException(key, "is '" + name + "' but no route consumes " + endpoint + ": " + advice);
        }
    }
}
