package io.clusterdns.k8s.model;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable view of the cluster at one moment, with the indexes every consumer needs. Published
 * through one volatile reference; readers never lock. {@code version} increases with every
 * publish.
 */
public final class ClusterSnapshot {
    public static final ClusterSnapshot EMPTY = new ClusterSnapshot(0, Instant.EPOCH, List.of(), List.of(), List.of(), List.of());

    private final long version;
    private final Instant createdAt;
    private final Map<ServiceKey, ServiceInfo> services;
    private final Map<ServiceKey, List<EndpointSliceInfo>> slicesByService;
    private final Map<String, NamespaceInfo> namespaces;
    private final List<PodInfo> pods;
    private final Map<InetAddress, ServiceKey> serviceByClusterIP;
    private final Map<InetAddress, List<ServiceKey>> servicesByEndpointIP;
    private final Map<InetAddress, List<PodInfo>> podsByIP;

    public ClusterSnapshot(long version, Instant createdAt, Collection<ServiceInfo> services,
                           Collection<EndpointSliceInfo> slices, Collection<PodInfo> pods,
                           Collection<NamespaceInfo> namespaces) {
        this.version = version;
        this.createdAt = createdAt;
        Map<ServiceKey, ServiceInfo> svc = new HashMap<>();
        Map<InetAddress, ServiceKey> byIp = new HashMap<>();
        for (ServiceInfo s : services) {
            svc.put(s.key(), s);
            for (InetAddress ip : s.clusterIPs()) {
                byIp.put(ip, s.key());
            }
        }
        Map<ServiceKey, List<EndpointSliceInfo>> slicesBy = new HashMap<>();
        Map<InetAddress, List<ServiceKey>> byEpIp = new HashMap<>();
        for (EndpointSliceInfo slice : slices) {
            slicesBy.computeIfAbsent(slice.service(), k -> new ArrayList<>()).add(slice);
            for (EndpointInfo ep : slice.endpoints()) {
                List<ServiceKey> keys = byEpIp.computeIfAbsent(ep.address(), k -> new ArrayList<>(1));
                if (!keys.contains(slice.service())) {
                    keys.add(slice.service());
                }
            }
        }
        slicesBy.replaceAll((k, v) -> List.copyOf(v));
        byEpIp.replaceAll((k, v) -> List.copyOf(v));
        Map<InetAddress, List<PodInfo>> byPodIp = new HashMap<>();
        for (PodInfo p : pods) {
            for (InetAddress ip : p.ips()) {
                byPodIp.computeIfAbsent(ip, k -> new ArrayList<>(1)).add(p);
            }
        }
        byPodIp.replaceAll((k, v) -> List.copyOf(v));
        Map<String, NamespaceInfo> ns = new HashMap<>();
        for (NamespaceInfo n : namespaces) {
            ns.put(n.name(), n);
        }
        this.services = Map.copyOf(svc);
        this.slicesByService = Map.copyOf(slicesBy);
        this.namespaces = Map.copyOf(ns);
        this.pods = List.copyOf(pods);
        this.serviceByClusterIP = Map.copyOf(byIp);
        this.servicesByEndpointIP = Map.copyOf(byEpIp);
        this.podsByIP = Map.copyOf(byPodIp);
    }

    public long version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** Services by key. */
    public Map<ServiceKey, ServiceInfo> services() {
        return services;
    }

    public ServiceInfo service(ServiceKey key) {
        return services.get(key);
    }

    /** All slices of a service (several slices are merged by consumers; order is unspecified). */
    public List<EndpointSliceInfo> slices(ServiceKey key) {
        return slicesByService.getOrDefault(key, List.of());
    }

    public Map<ServiceKey, List<EndpointSliceInfo>> slicesByService() {
        return slicesByService;
    }

    public Map<String, NamespaceInfo> namespaces() {
        return namespaces;
    }

    public List<PodInfo> pods() {
        return pods;
    }

    /** The service owning a cluster IP, or null. */
    public ServiceKey serviceByClusterIP(InetAddress ip) {
        return serviceByClusterIP.get(ip);
    }

    /** Services that have {@code ip} as an endpoint address (for PTR), empty when none. */
    public List<ServiceKey> servicesByEndpointIP(InetAddress ip) {
        return servicesByEndpointIP.getOrDefault(ip, List.of());
    }

    /** Pods having {@code ip} (host-network pods share node IPs), empty when none. */
    public List<PodInfo> podsByIP(InetAddress ip) {
        return podsByIP.getOrDefault(ip, List.of());
    }

    @Override
    public String toString() {
        return "ClusterSnapshot{version=" + version + ", services=" + services.size() + ", slices="
                + slicesByService.values().stream().mapToInt(List::size).sum() + ", pods=" + pods.size()
                + ", namespaces=" + namespaces.size() + "}";
    }
}
