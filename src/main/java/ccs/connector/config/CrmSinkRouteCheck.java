package ccs.connector.config;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;

/** Stops startup when {@code crm.sink} names no route {@code direct:crm-sink-<name>}. */
public final class CrmSinkRouteCheck {

    private CrmSinkRouteCheck() {
    }

    /** Runs once the routes are loaded and before they start. */
    public static void check(CamelContext camel) {
        String sink = Settings.of(camel).string("crm.sink", "file");
        String endpoint = "direct:crm-sink-" + sink;
        boolean found = camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions().stream()
                .map(RouteDefinition::getEndpointUrl)
                .anyMatch(uri -> endpoint.equals(uri) || ("direct://crm-sink-" + sink).equals(uri));
        if (!found) {
            throw new InvalidSettingException("crm.sink", "is '" + sink + "' but no route consumes " + endpoint
                    + ": use file, rest or jms, or add a route for it under routes/customer/ (see the README, \"Add a customer's CRM\")");
        }
    }
}
