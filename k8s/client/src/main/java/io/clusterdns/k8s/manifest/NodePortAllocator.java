package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Gives NodePort and LoadBalancer ports the node ports their manifest left empty, and
 * LoadBalancer services with {@code externalTrafficPolicy: Local} a health-check node port.
 * Deterministic like {@link ClusterIpAllocator}: a hash of service and port into the range,
 * probing on collision, services visited in sorted order. Node ports written in a manifest are
 * kept and must be unique across services. As the API server does, ports of one service with the
 * same number but different protocols (dns 53/UDP + dns-tcp 53/TCP) share one node port, and
 * automatic allocation avoids the lowest {@value #STATIC_BAND} ports (KEP-3668's static band).
 */
final class NodePortAllocator {
    static final int FIRST = 30000;
    static final int LAST = 32767;
    static final int STATIC_BAND = 86;

    /** Returns the services (same order) with node ports filled in. */
    List<ManifestService> allocate(List<ManifestService> services) {
        return allocate(services, s -> false);
    }

    /** Services whose written node ports (and health-check node port) are all theirs in {@code serving}. */
    static Predicate<ManifestService> holding(ClusterSnapshot serving) {
        return s -> {
            ServiceInfo before = serving.service(s.info().key());
            if (before == null) {
                return false;
            }
            Set<Integer> held = new HashSet<>();
            before.ports().forEach(p -> held.add(p.nodePort()));
            held.add(before.healthCheckNodePort());
            return s.info().ports().stream().allMatch(p -> p.nodePort() == 0 || held.contains(p.nodePort()))
                    && (s.info().healthCheckNodePort() == 0 || held.contains(s.info().healthCheckNodePort()));
        };
    }

    /** As {@link #allocate(List)}; {@code established} services claim their written values first. */
    List<ManifestService> allocate(List<ManifestService> services, Predicate<ManifestService> established) {
        Map<Integer, ManifestService> owners = new HashMap<>();
        for (ManifestService s : AllocationOrder.forClaims(services, established)) {
            reserveWritten(s, owners);
        }
        return AllocationOrder.byKey(services, s -> wantsNodePorts(s) || wantsHealthCheck(s.info()), s -> complete(s, owners));
    }

    private static boolean wantsNodePorts(ManifestService s) {
        ServiceType type = s.info().type();
        return type == ServiceType.NODE_PORT || (type == ServiceType.LOAD_BALANCER && s.allocateLoadBalancerNodePorts());
    }

    private static boolean wantsHealthCheck(ServiceInfo info) {
        return info.type() == ServiceType.LOAD_BALANCER && info.externalTrafficPolicy() == TrafficPolicy.LOCAL;
    }

    private static void reserveWritten(ManifestService s, Map<Integer, ManifestService> owners) {
        List<ServicePort> ports = s.info().ports();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            ServicePort p = ports.get(i);
            if (p.nodePort() == 0) {
                continue;
            }
            String path = "spec.ports[" + i + "].nodePort";
            Integer twin = seen.putIfAbsent(p.nodePort() + "/" + p.protocol(), i);
            if (twin != null) {
                throw s.origin().error(path, "duplicate node port " + p.nodePort() + "/" + p.protocol() + " (also spec.ports[" + twin + "])");
            }
            reserve(s, path, p.nodePort(), owners);
        }
        if (s.info().healthCheckNodePort() != 0) {
            reserve(s, "spec.healthCheckNodePort", s.info().healthCheckNodePort(), owners);
        }
    }

    private static void reserve(ManifestService s, String path, int port, Map<Integer, ManifestService> owners) {
        if (port < FIRST || port > LAST) {
            throw s.origin().error(path, "must be in the node port range " + FIRST + "-" + LAST + ", got " + port);
        }
        ManifestService owner = owners.putIfAbsent(port, s);
        if (owner != null && owner != s) {
            throw s.origin().error(path, port + " is already allocated to " + owner.info().key() + " (" + owner.origin().describe() + ")");
        }
    }

    private static ManifestService complete(ManifestService s, Map<Integer, ManifestService> owners) {
        ServiceInfo info = wantsNodePorts(s) ? withNodePorts(s, owners) : s.info();
        if (wantsHealthCheck(info) && info.healthCheckNodePort() == 0) {
            info = info.withHealthCheckNodePort(allocateOne(s, info.key() + "/healthCheckNodePort", owners));
        }
        return info == s.info() ? s : s.with(info);
    }

    private static ServiceInfo withNodePorts(ManifestService s, Map<Integer, ManifestService> owners) {
        ServiceInfo info = s.info();
        Map<Integer, Integer> byServicePort = new HashMap<>();
        info.ports().stream().filter(p -> p.nodePort() != 0).forEach(p -> byServicePort.putIfAbsent(p.port(), p.nodePort()));
        List<ServicePort> ports = new ArrayList<>(info.ports().size());
        for (ServicePort p : info.ports()) {
            if (p.nodePort() != 0) {
                ports.add(p);
                continue;
            }
            int nodePort = byServicePort.computeIfAbsent(p.port(),
                    n -> allocateOne(s, info.key() + "/" + p.port() + "/" + p.protocol(), owners));
            ports.add(p.withNodePort(nodePort));
        }
        return info.withPorts(ports);
    }

    private static int allocateOne(ManifestService s, String seed, Map<Integer, ManifestService> owners) {
        Integer port = probe(FIRST + STATIC_BAND, LAST, seed, s, owners);
        if (port == null) {
            port = probe(FIRST, FIRST + STATIC_BAND - 1, seed, s, owners);
        }
        if (port == null) {
            throw s.origin().error("spec.ports", "no free node port left in " + FIRST + "-" + LAST);
        }
        return port;
    }

    private static Integer probe(int first, int last, String seed, ManifestService s, Map<Integer, ManifestService> owners) {
        int span = last - first + 1;
        int start = (int) StableHash.bounded(seed, span);
        for (int k = 0; k < span; k++) {
            int candidate = first + (start + k) % span;
            if (owners.putIfAbsent(candidate, s) == null) {
                return candidate;
            }
        }
        return null;
    }
}
