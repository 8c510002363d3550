package ccs.connector.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import ccs.connector.config.InvalidSettingException;

/**
 * An allow-list of source networks written as CIDR blocks or single addresses, IPv4 or IPv6
 * ({@code 10.0.0.0/8, 192.168.1.5, fd00::/8}). An empty list allows every address.
 */
public final class IpNetworks {

    private record Network(byte[] prefix, int bits) {

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }

    private final List<Network> networks;

    private IpNetworks(List<Network> networks) {
        this.networks = networks;
    }

    /** Reads the list; {@code key} names the setting in the error of an entry that cannot be read. */
    public static IpNetworks parse(String key, List<String> entries) {
        List<Network> networks = new ArrayList<>();
        for (String entry : entries) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            byte[] bytes = literal(address);
            int bits = bytes == null ? -1 : bytes.length * 8;
            if (bytes != null && slash >= 0) {
                bits = prefixLength(entry.substring(slash + 1), bytes.length * 8);
            }
            if (bits < 0) {
                throw new InvalidSettingException(key, "names '" + entry
                        + "': use networks such as 10.0.0.0/8 or fd00::/8, or single addresses, comma-separated");
            }
            networks.add(new Network(bytes, bits));
        }
        return new IpNetworks(List.copyOf(networks));
    }

    public boolean allowsAny() {
        return networks.isEmpty();
    }

    /** True when the list is empty or holds the address (a literal IP address; anything else is refused). */
    public boolean allows(String address) {
        if (networks.isEmpty()) {
            return true;
        }
        byte[] bytes = address == null ? null : literal(address);
        return bytes != null && networks.stream().anyMatch(n -> n.contains(bytes));
    }

    /** The address bytes of an IP literal, or null: host names are never looked up. */
    private static byte[] literal(String address) {
        String text = address.trim();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.isEmpty() || !text.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static int prefixLength(String text, int max) {
        try {
            int bits = Integer.parseInt(text.trim());
            return bits >= 0 && bits <= max ? bits : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
