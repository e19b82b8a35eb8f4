package io.clusterdns.server;

import io.clusterdns.k8s.model.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * Where the UDP and TCP listeners bind: an IP literal (never a host name, which would need DNS
 * before the DNS server is up) and a port; port 0 picks a free port, used by tests and scripts.
 */
public record ListenAddress(InetAddress address, int port) {
    public static final String OPTION = "--listen";

    public ListenAddress {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new ConfigException(OPTION, "port must be 0..65535, got " + port);
        }
    }

    /**
     * Parses {@code 127.0.0.1:1053}, {@code 0.0.0.0:53}, {@code :53} (all IPv4 interfaces),
     * {@code [::1]:1053} or {@code [::]:53}.
     */
    public static ListenAddress parse(String text) {
        return parse(OPTION, text);
    }

    /** {@link #parse(String)} for another option ({@code --health}, ...), whose name the errors carry. */
    public static ListenAddress parse(String option, String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw invalid(option, text);
        }
        String host = t.substring(0, colon);
        String portText = t.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (host.indexOf(':') < 0) {
                throw invalid(option, text);
            }
        } else if (host.indexOf(':') >= 0) {
            throw new ConfigException(option, "IPv6 addresses need brackets, like [::1]:1053, got \"" + text + "\"");
        }
        InetAddress address = host.isEmpty() ? anyIPv4() : IpAddresses.tryParse(host);
        if (address == null) {
            throw invalid(option, text);
        }
        return new ListenAddress(address, parsePort(option, portText, text));
    }

    /** The text form accepted by {@link #parse}: {@code 127.0.0.1:53} or {@code [::1]:53}. */
    @Override
    public String toString() {
        String host = IpAddresses.format(address);
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }

    /** The address as the text Vert.x binds to. */
    public String host() {
        return IpAddresses.format(address);
    }

    public boolean isIPv6() {
        return address instanceof Inet6Address;
    }

    /** True for 0.0.0.0 and ::, which receive on every interface. */
    public boolean isWildcard() {
        return address.isAnyLocalAddress();
    }

    public ListenAddress withPort(int newPort) {
        return new ListenAddress(address, newPort);
    }

    private static int parsePort(String option, String portText, String text) {
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(option, text);
        }
        int port = Integer.parseInt(portText);
        if (port > 65535) {
            throw new ConfigException(option, "port must be 0..65535, got " + port);
        }
        return port;
    }

    private static InetAddress anyIPv4() {
        return IpAddresses.parse("0.0.0.0");
    }

    private static ConfigException invalid(String option, String text) {
        return new ConfigException(option, "expected ADDR:PORT like 127.0.0.1:1053, [::1]:1053 or :53, got \"" + text + "\"");
    }
}
