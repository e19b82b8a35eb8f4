package io.clusterdns.k8s.config;

import io.clusterdns.k8s.model.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a server binds, the one address type of every listener and endpoint flag: an IP literal
 * (never a host name, which would need DNS before the DNS server is up) and a port; port 0 picks
 * a free one (tests, scripts).
 */
public record ListenAddress(InetAddress address, int port) {
    /** The value that turns an optional endpoint off. */
    public static final String OFF = "off";

    public ListenAddress {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
    }

    /** An address written in code ({@code "127.0.0.1:0"}), known to be valid. */
    public static ListenAddress of(String text) {
        return parse("address", text, 0);
    }

    /** All IPv4 interfaces ({@code 0.0.0.0}) on {@code port}. */
    public static ListenAddress anyIPv4(int port) {
        return new ListenAddress(IpAddresses.parse("0.0.0.0"), port);
    }

    /**
     * Parses {@code 127.0.0.1:1053}, {@code 0.0.0.0:53}, {@code :53} (all IPv4 interfaces),
     * {@code [::1]:1053} or {@code [::]:53}; errors name {@code option} and give examples on
     * {@code examplePort} (the option's usual port).
     */
    public static ListenAddress parse(String option, String text, int examplePort) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw invalid(option, text, examplePort);
        }
        String host = t.substring(0, colon);
        String portText = t.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (host.indexOf(':') < 0) {
                throw invalid(option, text, examplePort);
            }
        } else if (host.indexOf(':') >= 0) {
            throw new ConfigException(option, "IPv6 addresses need brackets, like [::1]:" + examplePort + ", got \"" + text + "\"");
        }
        InetAddress address = host.isEmpty() ? IpAddresses.parse("0.0.0.0") : IpAddresses.tryParse(host);
        if (address == null) {
            throw invalid(option, text, examplePort);
        }
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(option, text, examplePort);
        }
        int port = Integer.parseInt(portText);
        if (port > 65535) {
            throw new ConfigException(option, "port must be 0..65535, got \"" + text + "\"");
        }
        return new ListenAddress(address, port);
    }

    /**
     * For endpoints that can be turned off: {@code off} (or, as kube-proxy's bind-address flags, an
     * empty value) gives empty; null (the option not given) gives {@code fallback}.
     */
    public static Optional<ListenAddress> parseOrOff(String option, String text, Optional<ListenAddress> fallback, int examplePort) {
        if (text == null) {
            return fallback;
        }
        if (text.isBlank() || text.trim().equalsIgnoreCase(OFF)) {
            return Optional.empty();
        }
        return Optional.of(parse(option, text, examplePort));
    }

    /** The text form accepted by {@link #parse}: {@code 127.0.0.1:53} or {@code [::1]:53}. */
    @Override
    public String toString() {
        return (address instanceof Inet6Address ? "[" + host() + "]" : host()) + ":" + port;
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

    private static ConfigException invalid(String option, String text, int port) {
        return new ConfigException(option, "expected ADDR:PORT like 127.0.0.1:" + port + ", [::1]:" + port + " or :" + port
                + ", got \"" + text + "\"");
    }
}
