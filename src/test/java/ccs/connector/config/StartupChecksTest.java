package ccs.connector.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which hosts of connector.public-url Call Center Studio's cloud can never reach (the rest of the checks: ConnectorJarIT). */
class StartupChecksTest {

    @Test
    void localhostAndLoopbackOrWildcardAddressesAreThisMachineOnly() {
        assertThat(new String[] {"localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.1.2.3", "[::1]", "0.0.0.0", "[::]"})
                .allMatch(StartupChecks::localOnly);
        assertThat(new String[] {"connector.acme.example", "10.0.0.5", "203.0.113.7", "[2001:db8::1]", "localhost.acme.example"})
                .noneMatch(StartupChecks::localOnly);
    }
}
