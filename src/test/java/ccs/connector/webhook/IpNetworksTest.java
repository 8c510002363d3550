package ccs.connector.webhook;

import java.util.List;

import ccs.connector.config.InvalidSettingException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpNetworksTest {

    @Test
    void networksAndSingleAddressesOfBothFamilies() {
        IpNetworks networks = IpNetworks.parse("key", List.of("10.0.0.0/8", "192.168.1.5", "172.16.0.0/12", "fd00::/8", "::1"));

        assertThat(networks.allows("10.200.3.4")).isTrue();
        assertThat(networks.allows("11.0.0.1")).isFalse();
        assertThat(networks.allows("192.168.1.5")).isTrue();
        assertThat(networks.allows("192.168.1.6")).isFalse();
        assertThat(networks.allows("172.31.255.255")).isTrue();
        assertThat(networks.allows("172.32.0.0")).isFalse();
        assertThat(networks.allows("fd12:3456::1")).isTrue();
        assertThat(networks.allows("fe80::1")).isFalse();
        assertThat(networks.allows("::1")).isTrue();
        assertThat(networks.allows("::ffff:10.1.1.1")).as("IPv4-mapped").isTrue();
        assertThat(networks.allows("localhost")).as("names are never looked up").isFalse();
        assertThat(networks.allows(null)).isFalse();
    }

    @Test
    void anEmptyListAllowsAny() {
        IpNetworks any = IpNetworks.parse("key", List.of());

        assertThat(any.allowsAny()).isTrue();
        assertThat(any.allows("203.0.113.9")).isTrue();
    }

    @Test
    void anEntryThatIsNoNetworkStopsStartupNamingTheSetting() {
        for (String wrong : List.of("10.0.0.0/33", "example.com", "10.0.0.0/x", "fd00::/129")) {
            assertThatThrownBy(() -> IpNetworks.parse("connector.webhook.allowed-networks", List.of(wrong)))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("connector.webhook.allowed-networks").hasMessageContaining(wrong);
        }
    }
}
