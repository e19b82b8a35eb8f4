package io.clusterdns.k8s.model;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The slim projection of a Pod. {@code ips} is {@code status.podIPs} (empty until scheduled);
 * {@code ready} is the Ready condition; {@code terminating} is set once a deletionTimestamp exists.
 * {@code hostNetwork} and {@code created} ({@code metadata.creationTimestamp}, null when unknown)
 * tell who a client address belongs to: a host-network pod has its node's address, shared with
 * the node and every other host-network pod there, and of two pods with one address the newer
 * is the one the address was last given to. A single IPv4 address is kept as an int
 * ({@link IpAddresses#compactList}).
 */
public record PodInfo(
        String namespace,
        String name,
        List<InetAddress> ips,
        String hostname,
        String subdomain,
        String nodeName,
        Map<String, String> labels,
        String phase,
        boolean ready,
        boolean terminating,
        List<ContainerPort> ports,
        boolean hostNetwork,
        Instant created) {

    public PodInfo {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        namespace = SharedValues.name(namespace);
        nodeName = SharedValues.name(nodeName);
        phase = SharedValues.name(phase);
        ips = IpAddresses.compactList(ips);
        labels = labels == null ? Map.of() : SharedValues.labels(Map.copyOf(labels));
        ports = ports == null ? List.of() : SharedValues.ports(List.copyOf(ports));
    }

    /** A pod network pod whose creation time is not known. */
    public PodInfo(String namespace, String name, List<InetAddress> ips, String hostname, String subdomain, String nodeName,
                   Map<String, String> labels, String phase, boolean ready, boolean terminating, List<ContainerPort> ports) {
        this(namespace, name, ips, hostname, subdomain, nodeName, labels, phase, ready, terminating, ports, false, null);
    }

    public boolean running() {
        return "Running".equals(phase);
    }

    /** Succeeded or Failed: its containers will not run again, and its address may be another pod's already. */
    public boolean terminal() {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }
}
