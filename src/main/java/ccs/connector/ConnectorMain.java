package ccs.connector;

import ccs.connector.config.CrmSinkRouteCheck;
import ccs.connector.config.InvalidSettingException;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * Runs the connector: {@code java -jar target/ccs-connector.jar} from the project root reads
 * {@code ./application.properties} and the route files under {@code ./routes/}. A wrong setting
 * stops startup with one line naming the key and the fix, and exit status 2.
 */
public final class ConnectorMain {

    private ConnectorMain() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:application.properties");
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                CrmSinkRouteCheck.check(configured.getCamelContext());
            }
        });
        try {
            main.run(args);
        } catch (Exception e) {
            InvalidSettingException invalid = invalidSetting(e);
            if (invalid == null) {
                throw e;
            }
            System.err.println("ccs-connector cannot start: " + invalid.getMessage());
            System.exit(2);
        }
    }

    private static InvalidSettingException invalidSetting(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidSettingException invalid) {
                return invalid;
            }
        }
        return null;
    }
}
