package io.clusterdns.k8s.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The slim projection of a Pod. {@code ips} is {@code status.podIPs} (empty until scheduled);
 * {@code ready} is the Ready condition; {@code terminating} is set once a deletionTimestamp exists.
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
        List<ContainerPort> ports) {

    public PodInfo {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        ips = List.copyOf(ips);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    public boolean running() {
        return "Running".equals(phase);
    }
}
