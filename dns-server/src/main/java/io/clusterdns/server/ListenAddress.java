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
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw invalid(text);
        }
        String host = t.substring(0, colon);
        String portText = t.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (host.indexOf(':') < 0) {
                throw invalid(text);
            }
        } else if (host.indexOf(':') >= 0) {
            throw new ConfigException(OPTION, "IPv6 addresses need brackets, like [::1]:1053, got \"" + text + "\"");
        }
        InetAddress address = host.isEmpty() ? anyIPv4() : IpAddresses.tryParse(host);
        if (address == null) {
            throw invalid(text);
        }
        return new ListenAddress(address, parsePort(portText, text));
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

    public ListenAddress withPort(int newPort) {
        return new ListenAddress(address, newPort);
    }

    private static int parsePort(String portText, String text) {
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(text);
        }
        int port = Integer.parseInt(portText);
        if (port > 65535) {
            throw new ConfigException(OPTION, "port must be 0..65535, got " + port);
        }
        return port;
    }

    private static InetAddress anyIPv4() {
        return IpAddresses.parse("0.0.0.0");
    }

    private static ConfigException invalid(String text) {
        return new ConfigException(OPTION, "expected ADDR:PORT like 127.0.0.1:1053, [::1]:1053 or :53, got \"" + text + "\"");
    }
}
