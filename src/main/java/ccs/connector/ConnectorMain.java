package ccs.connector;

import org.apache.camel.main.Main;

/**
 * Runs the connector: {@code java -jar target/ccs-connector.jar} from the project root reads
 * {@code ./application.properties} and the route files under {@code ./routes/}.
 */
public final class ConnectorMain {

    private ConnectorMain() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:application.properties");
        main.run(args);
    }
}
