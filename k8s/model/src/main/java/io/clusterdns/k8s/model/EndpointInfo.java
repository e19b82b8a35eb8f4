package io.clusterdns.k8s.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One endpoint address of an EndpointSlice (a slice endpoint with several addresses becomes
 * several of these, as the API only ever fills one today). Conditions follow
 * {@code discovery.k8s.io/v1}: ready, serving, terminating. hostname, nodeName, zone,
 * targetPodName may be null.
 *
 * <p>{@code zoneHints} and {@code nodeHints} are the endpoint's {@code hints.forZones[].name} and
 * {@code hints.forNodes[].name}: the zones and nodes whose proxies should prefer it (set by the
 * EndpointSlice controller for {@code trafficDistribution} and the topology-mode annotation).
 * Empty when the endpoint has none; sorted and without duplicates.
 */
public record EndpointInfo(
        InetAddress address,
        String hostname,
        String nodeName,
        String zone,
        boolean ready,
        boolean serving,
        boolean terminating,
        String targetPodName,
        List<String> zoneHints,
        List<String> nodeHints) {

    public EndpointInfo {
        Objects.requireNonNull(address, "address");
        nodeName = SharedValues.name(nodeName);
        zone = SharedValues.name(zone);
        zoneHints = sortedUnique(zoneHints);
        nodeHints = sortedUnique(nodeHints);
    }

    /** An endpoint without topology hints. */
    public EndpointInfo(InetAddress address, String hostname, String nodeName, String zone, boolean ready, boolean serving,
                        boolean terminating, String targetPodName) {
        this(address, hostname, nodeName, zone, ready, serving, terminating, targetPodName, List.of(), List.of());
    }

    /** True when the endpoint carries zone or node hints. */
    public boolean hasHints() {
        return !zoneHints.isEmpty() || !nodeHints.isEmpty();
    }

    private static List<String> sortedUnique(List<String> names) {
        if (names == null || names.isEmpty()) {
            return List.of();
        }
        return names.size() == 1 ? List.of(names.get(0)) : List.copyOf(new TreeSet<>(names));
    }

    public IpFamily family() {
        return IpFamily.of(address);
    }
}
