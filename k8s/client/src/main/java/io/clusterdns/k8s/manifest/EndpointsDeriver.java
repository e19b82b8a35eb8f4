package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.ContainerPort;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServicePort;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives a selector service's EndpointSlices from the pods of the manifests, following the
 * EndpointSlice controller (kubernetes {@code staging/src/k8s.io/endpointslice}) rule by rule:
 *
 * <ul>
 *   <li>members: pods of the service's namespace whose labels contain the selector, that have an
 *       IP and are not in a terminal phase (Succeeded/Failed). The controller does not require
 *       phase Running: a Pending pod with an IP is a not-ready endpoint.</li>
 *   <li>conditions: serving = pod Ready; terminating = deletionTimestamp set; ready =
 *       publishNotReadyAddresses or (serving and not terminating).</li>
 *   <li>ports: per pod, a named targetPort is looked up among the pod's container ports with the
 *       same protocol; a pod lacking it gets no endpoint port for it. Pods are grouped into slices
 *       by their resolved port list, so two pods exposing a named port on different numbers end up
 *       in two slices.</li>
 *   <li>one group of slices per address type in the service's ipFamilies, at most
 *       {@value #MAX_ENDPOINTS_PER_SLICE} endpoints per slice.</li>
 *   <li>hostname only when the pod's subdomain is the service's name and the pod sets a hostname.</li>
 *   <li>zone: the {@code topology.kubernetes.io/zone} label of the pod's Node, when the manifests
 *       hold that Node.</li>
 *   <li>hints ({@code trafficDistribution}, the controller's {@code trafficdist} package): for
 *       {@code PreferClose}, {@code PreferSameZone} and {@code PreferSameNode}, every ready
 *       endpoint is hinted for its own zone (when it has one), and for {@code PreferSameNode} also
 *       for its own node; not-ready endpoints get none. The {@code topology-mode: Auto}
 *       annotation's proportional heuristic (node CPU per zone) is not derived: write its hints
 *       in an EndpointSlice of the manifests.</li>
 * </ul>
 *
 * Slice names are {@code <service>-<5 chars>} with the suffix hashed from the group, so they are
 * stable across reloads. No placeholder slice is made for a service without members.
 */
final class EndpointsDeriver {
    static final int MAX_ENDPOINTS_PER_SLICE = 100;

    List<EndpointSliceInfo> derive(ServiceInfo service, List<PodInfo> pods) {
        return derive(service, pods, Map.of());
    }

    /** @param nodes the manifests' Nodes by name (the endpoints' zones) */
    List<EndpointSliceInfo> derive(ServiceInfo service, List<PodInfo> pods, Map<String, NodeInfo> nodes) {
        if (service.selector() == null || service.isExternalName()) {
            return List.of();
        }
        List<PodInfo> members = pods.stream()
                .filter(p -> p.namespace().equals(service.namespace()) && matches(service.selector(), p.labels()) && eligible(p))
                .sorted(Comparator.comparing(PodInfo::name))
                .toList();
        List<EndpointSliceInfo> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (IpFamily family : addressTypes(service)) {
            Map<List<EndpointPort>, List<EndpointInfo>> groups = new LinkedHashMap<>();
            for (PodInfo pod : members) {
                InetAddress ip = addressOf(pod, family);
                if (ip != null) {
                    groups.computeIfAbsent(endpointPorts(service, pod), k -> new ArrayList<>()).add(endpoint(service, pod, ip, nodes));
                }
            }
            groups.forEach((ports, endpoints) -> slice(service, family, ports, endpoints, names, out));
        }
        return out;
    }

    private static void slice(ServiceInfo service, IpFamily family, List<EndpointPort> ports, List<EndpointInfo> endpoints,
                              Set<String> names, List<EndpointSliceInfo> out) {
        for (int from = 0, chunk = 0; from < endpoints.size(); from += MAX_ENDPOINTS_PER_SLICE, chunk++) {
            List<EndpointInfo> part = endpoints.subList(from, Math.min(endpoints.size(), from + MAX_ENDPOINTS_PER_SLICE));
            String seed = service.key() + "/" + family + "/" + ports + "/" + chunk;
            String name = service.name() + "-" + StableHash.suffix(seed);
            for (int retry = 1; !names.add(name); retry++) {
                name = service.name() + "-" + StableHash.suffix(seed + "#" + retry);
            }
            out.add(new EndpointSliceInfo(name, service.key(), family, part, ports, null));
        }
    }

    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** {@code ShouldPodBeInEndpoints(pod, includeTerminating=true)}. */
    static boolean eligible(PodInfo pod) {
        return !pod.ips().isEmpty() && !pod.terminal();
    }

    /** The service's ipFamilies; for a service without any (never from the manifest source) the controller's fallback. */
    static List<IpFamily> addressTypes(ServiceInfo service) {
        if (!service.ipFamilies().isEmpty()) {
            return service.ipFamilies();
        }
        if (!service.clusterIPs().isEmpty()) {
            return List.of(IpFamily.of(service.clusterIPs().get(0)));
        }
        return List.of(IpFamily.IPV4, IpFamily.IPV6);
    }

    private static InetAddress addressOf(PodInfo pod, IpFamily family) {
        for (InetAddress ip : pod.ips()) {
            if (IpFamily.of(ip) == family) {
                return ip;
            }
        }
        return null;
    }

    private static EndpointInfo endpoint(ServiceInfo service, PodInfo pod, InetAddress ip, Map<String, NodeInfo> nodes) {
        boolean serving = pod.ready();
        boolean terminating = pod.terminating();
        boolean ready = service.publishNotReadyAddresses() || (serving && !terminating);
        String hostname = pod.hostname() != null && service.name().equals(pod.subdomain()) ? pod.hostname() : null;
        NodeInfo node = pod.nodeName() == null ? null : nodes.get(pod.nodeName());
        String zone = node == null ? null : node.zone();
        List<String> zoneHints = List.of();
        List<String> nodeHints = List.of();
        if (service.trafficDistribution() != null && ready) {
            zoneHints = zone == null ? List.of() : List.of(zone);
            boolean sameNode = "PreferSameNode".equals(service.trafficDistribution());
            nodeHints = sameNode && pod.nodeName() != null ? List.of(pod.nodeName()) : List.of();
        }
        return new EndpointInfo(ip, hostname, pod.nodeName(), zone, ready, serving, terminating, pod.name(), zoneHints, nodeHints);
    }

    /** {@code getEndpointPorts}: service ports in order, each resolved against this pod (FindPort). */
    static List<EndpointPort> endpointPorts(ServiceInfo service, PodInfo pod) {
        List<EndpointPort> out = new ArrayList<>(service.ports().size());
        for (ServicePort sp : service.ports()) {
            int number = sp.targetPort().isNamed() ? findNamed(pod, sp) : sp.targetPort().number();
            if (number != 0) {
                out.add(new EndpointPort(sp.name(), sp.protocol(), number, sp.appProtocol()));
            }
        }
        return List.copyOf(out);
    }

    private static int findNamed(PodInfo pod, ServicePort sp) {
        for (ContainerPort cp : pod.ports()) {
            if (sp.targetPort().name().equals(cp.name()) && cp.protocol() == sp.protocol()) {
                return cp.containerPort();
            }
        }
        return 0;
    }
}
