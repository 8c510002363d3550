package ccs.connector;

import java.util.List;

import ccs.connector.cdr.CdrConfiguration;
import ccs.connector.click2call.Click2callConfiguration;
import ccs.connector.config.CrmSinkRouteCheck;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.crm.CrmConfiguration;
import ccs.connector.webhook.WebhookConfiguration;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.main.MainListenerSupport;

/**
 * Runs the connector: {@code java -jar target/ccs-connector.jar} from the project root reads
 * {@code ./application.properties} and the route files under {@code ./routes/}. A wrong setting
 * stops startup with one line naming the key and the fix, and exit status 2.
 */
public final class ConnectorMain {

    /** The configuration classes that bind the beans the routes call, in the order they run: each uses what the ones before bound. */
    public static final List<Class<? extends CamelConfiguration>> CONFIGURATIONS = List.of(ConnectorConfiguration.class,
            CrmConfiguration.class, WebhookConfiguration.class, Click2callConfiguration.class, CdrConfiguration.class);

    private ConnectorMain() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:application.properties");
        configure(main.configure());
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

    /** Names the connector's configuration classes; the tests start the connector through this too. */
    public static void configure(MainConfigurationProperties main) {
        CONFIGURATIONS.forEach(main::addConfiguration);
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
