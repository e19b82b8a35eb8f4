package io.clusterdns.server.listen;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.model.IpAddresses;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every address, as Go binds CoreDNS's {@code :PORT} listeners: {@code ::} (IPv4 and IPv6, so
 * that clients and kubelet's probes reach the server in IPv6-only clusters too) where the kernel
 * has IPv6, {@code 0.0.0.0} where it does not ({@code ipv6.disable=1}, or a JVM told to use IPv4
 * only), since {@code ::} cannot be bound there.
 */
public final class Wildcard {
    public static final InetAddress ADDRESS = dualStack() ? IpAddresses.parse("::") : IpAddresses.parse("0.0.0.0");

    private Wildcard() {
    }

    /** {@link #ADDRESS} on {@code port}. */
    public static ListenAddress on(int port) {
        return new ListenAddress(ADDRESS, port);
    }

    private static boolean dualStack() {
        if (Boolean.getBoolean("java.net.preferIPv4Stack")) {
            return false;
        }
        // the kernel lists its IPv6 addresses here exactly when it has IPv6; elsewhere assume it has
        return !System.getProperty("os.name", "").startsWith("Linux") || Files.exists(Path.of("/proc/net/if_inet6"));
    }
}
