package io.clusterdns.agent;

import io.clusterdns.k8s.model.IpAddresses;

/** A listen address such as {@code 0.0.0.0:10256} or {@code [::]:10249}. */
public record HostPort(String host, int port) {
    public HostPort {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (IpAddresses.tryParse(host) == null) {
            throw new IllegalArgumentException("\"" + host + "\" is not an IP address");
        }
    }

    /**
     * Parses {@code IP:PORT}, {@code [IPv6]:PORT} or {@code :PORT} (all IPv4 addresses); an empty
     * string means "disabled" and gives null, as kube-proxy's bind address flags.
     */
    public static HostPort parseOrDisabled(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not HOST:PORT");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("\"" + text + "\": write IPv6 addresses in brackets, [::]:PORT");
        }
        String port = t.substring(colon + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("\"" + text + "\" has no valid port");
        }
        return new HostPort(host.isEmpty() ? "0.0.0.0" : host, Integer.parseInt(port));
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
