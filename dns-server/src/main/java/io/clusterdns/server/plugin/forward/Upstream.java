package io.clusterdns.server.plugin.forward;

import io.clusterdns.k8s.model.IpAddresses;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream of a {@code forward} line (CoreDNS's proxy): its address, its health (consecutive
 * failed health checks, shared by every event loop) and its meters. Connections to it are kept
 * per event loop ({@link ConnectionPool}).
 */
final class Upstream {
    final int index;
    final InetSocketAddress address;
    /** {@code 10.0.0.10:53}, {@code [fd00::10]:53}: the {@code to} label and error texts. */
    final String label;
    /** The IP as Vert.x reports a packet's sender, to compare without parsing. */
    final String hostAddress;
    final int port;
    final boolean ipv6;
    final UpstreamMeters meters;
    private final AtomicInteger fails = new AtomicInteger();
    private HealthCheck health;

    Upstream(int index, InetSocketAddress address, ForwardMetrics metrics) {
        this.index = index;
        this.address = address;
        this.ipv6 = address.getAddress() instanceof Inet6Address;
        String ip = IpAddresses.format(address.getAddress());
        this.label = ipv6 ? "[" + ip + "]:" + address.getPort() : ip + ":" + address.getPort();
        this.hostAddress = address.getAddress().getHostAddress();
        this.port = address.getPort();
        this.meters = metrics.upstream(label);
    }

    void health(HealthCheck check) {
        this.health = check;
    }

    /** Down: more consecutive failed health checks than {@code maxFails}; never when that is 0. */
    boolean down(int maxFails) {
        return maxFails != 0 && fails.get() > maxFails;
    }

    /** Starts health checks of this upstream unless they are running (after a failed exchange). */
    void suspect() {
        if (health != null) {
            health.start();
        }
    }

    int fails() {
        return fails.get();
    }

    void checkFailed() {
        fails.incrementAndGet();
        meters.healthcheckFailed();
    }

    void checkSucceeded() {
        fails.set(0);
    }

    /** True when a datagram from {@code host}:{@code port} comes from this upstream. */
    boolean sent(String host, int fromPort) {
        if (fromPort != port || host == null) {
            return false;
        }
        if (hostAddress.equals(host)) {
            return true;
        }
        // another spelling of the same IPv6 address (compressed, with a scope): rare, so parse only then
        int scope = host.indexOf('%');
        java.net.InetAddress a = IpAddresses.tryParse(scope < 0 ? host : host.substring(0, scope));
        return a != null && a.equals(address.getAddress());
    }

    @Override
    public String toString() {
        return label;
    }
}
