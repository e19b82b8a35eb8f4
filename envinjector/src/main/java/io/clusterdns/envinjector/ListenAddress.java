package io.clusterdns.envinjector;

import io.clusterdns.k8s.model.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * Where the HTTPS server binds: an IP literal (never a host name) and a port; port 0 picks a free
 * one (tests).
 */
public record ListenAddress(InetAddress address, int port) {
    static final String OPTION = "--listen";

    public ListenAddress {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new ConfigException(OPTION, "port must be 0..65535, got " + port);
        }
    }

    /** Parses {@code 0.0.0.0:8443}, {@code :8443} (all IPv4 interfaces), {@code [::]:8443} or {@code 127.0.0.1:0}. */
    public static ListenAddress parse(String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        String host = colon < 0 ? "" : t.substring(0, colon);
        String port = colon < 0 ? "" : t.substring(colon + 1);
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress address = host.isEmpty() ? IpAddresses.parse("0.0.0.0") : IpAddresses.tryParse(host);
        boolean v6 = address instanceof Inet6Address;
        if (colon < 0 || address == null || v6 != bracketed || port.isEmpty() || port.length() > 5
                || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ConfigException(OPTION, "expected ADDR:PORT like 0.0.0.0:8443, [::]:8443 or :8443, got \"" + text + "\"");
        }
        return new ListenAddress(address, Integer.parseInt(port));
    }

    /** The address as the text Vert.x binds to. */
    public String host() {
        return IpAddresses.format(address);
    }

    public ListenAddress withPort(int newPort) {
        return new ListenAddress(address, newPort);
    }

    @Override
    public String toString() {
        return (address instanceof Inet6Address ? "[" + host() + "]" : host()) + ":" + port;
    }
}
