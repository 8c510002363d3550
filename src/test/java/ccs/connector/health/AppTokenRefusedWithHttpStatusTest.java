package ccs.connector.health;

import java.util.Properties;

/**
 * The same refused app token from a platform behind a gateway that answers it with HTTP 401 instead of "Invalid
 * Application Token": every message reads alike, naming the setting to check, where it read "answered HTTP 401" (a
 * platform down) and click2call answered 503.
 */
class AppTokenRefusedWithHttpStatusTest extends AppTokenRefusedTest {

    @Override
    protected void settings(Properties settings) {
        super.settings(settings);
        settings.setProperty("ccs.simulator.app-token-refusal-status", "401");
    }

    @Override
    protected String refusal() {
        return "HTTP 401";
    }
}
