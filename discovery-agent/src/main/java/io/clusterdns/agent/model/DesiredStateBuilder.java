package io.clusterdns.agent.model;

import io.clusterdns.agent.lb.LoadBalancing;
import io.clusterdns.agent.lb.ServiceLoadBalancing;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.LoadBalancerIngress;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.TrafficPolicy;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one Service and its EndpointSlices into the {@link ServicePortState}s of one IP family, the
 * way kube-proxy's service and endpoint change trackers see them. Pure: the same input always
 * gives equal output, which the incremental sync relies on.
 *
 * <ul>
 *   <li>No states for services labelled {@code service.kubernetes.io/service-proxy-name}: another
 *       proxy owns them (kube-proxy's informers filter them out the same way).</li>
 *   <li>No states for ExternalName and headless services, nor for a family the service has no
 *       cluster IP in (its external and load balancer IPs of that family are ignored too, as in
 *       kube-proxy's per-family proxiers).</li>
 *   <li>Load balancer IPs only for type LoadBalancer, and never those with {@code ipMode: Proxy}:
 *       such a load balancer sends traffic to the node, not to the VIP.</li>
 *   <li>Endpoints come from slices of this address type whose port has the service port's name
 *       and protocol; the slice port number is the resolved targetPort for the endpoints of that
 *       slice, which is how a named targetPort resolves per pod.</li>
 *   <li>Each endpoint's topology hints are resolved against this node (its name, and the zone
 *       given to {@link #build}); {@link EndpointCategories} decides what they narrow.</li>
 *   <li>The {@code clusterdns.io/load-balancing} annotation chooses the service's load balancing
 *       mode; an unknown value is a warning, and the node's mode applies.</li>
 * </ul>
 */
public final class DesiredStateBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredStateBuilder.class);

    /** Services carrying this label are implemented by another proxy. */
    public static final String SERVICE_PROXY_NAME_LABEL = "service.kubernetes.io/service-proxy-name";

    private final String nodeName;

    public DesiredStateBuilder(String nodeName) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    }

    /**
     * This node's zone: the {@code topology.kubernetes.io/zone} label of its Node in the snapshot,
     * null when the Node is not there or has no such label.
     */
    public String zone(ClusterSnapshot snapshot) {
        NodeInfo node = snapshot.node(nodeName);
        return node == null ? null : node.zone();
    }

    /**
     * Whether this node's own Node object is in the snapshot: only then is the agent's node name
     * known to be the one EndpointSlices use, so that an endpoint naming another node is really
     * elsewhere ({@link Endpoint#remote}). A wrong {@code --node-name} (the host name by default)
     * must not make every endpoint look remote.
     */
    public boolean knowsNode(ClusterSnapshot snapshot) {
        return snapshot.node(nodeName) != null;
    }

    /** {@link #build(ServiceInfo, List, IpFamily, String)} for a node without a known zone. */
    public List<ServicePortState> build(ServiceInfo svc, List<EndpointSliceInfo> slices, IpFamily family) {
        return build(svc, slices, family, null);
    }

    /** {@link #build(ServiceInfo, List, IpFamily, String, boolean)} for a node whose Node is not known: no endpoint is remote. */
    public List<ServicePortState> build(ServiceInfo svc, List<EndpointSliceInfo> slices, IpFamily family, String zone) {
        return build(svc, slices, family, zone, false);
    }

    /**
     * @param zone      this node's {@code topology.kubernetes.io/zone}, null when it has none
     * @param nodeKnown {@link #knowsNode}: endpoints naming another node are then {@link Endpoint#remote}
     */
    public List<ServicePortState> build(ServiceInfo svc, List<EndpointSliceInfo> slices, IpFamily family, String zone,
                                        boolean nodeKnown) {
        if (svc == null || svc.isExternalName() || svc.headless() || svc.labels().containsKey(SERVICE_PROXY_NAME_LABEL)) {
            return List.of();
        }
        InetAddress clusterIP = first(svc.clusterIPs(), family);
        if (clusterIP == null) {
            return List.of();
        }
        List<InetAddress> externalIPs = ofFamily(svc.externalIPs(), family);
        List<InetAddress> lbIPs = svc.type() == ServiceType.LOAD_BALANCER ? loadBalancerIPs(svc, family) : List.of();
        List<Cidr> ranges = sourceRanges(svc, family);
        boolean externalLocal = svc.externalTrafficPolicy() == TrafficPolicy.LOCAL
                && (svc.type() == ServiceType.NODE_PORT || svc.type() == ServiceType.LOAD_BALANCER);
        ServiceLoadBalancing.Choice loadBalancing = loadBalancing(svc, family);
        List<ServicePortState> out = new ArrayList<>(svc.ports().size());
        for (ServicePort p : svc.ports()) {
            ServicePortName name = new ServicePortName(svc.key(), p.name(), p.protocol());
            out.add(new ServicePortState(name, family, clusterIP, p.port(), p.nodePort(), externalIPs, lbIPs, ranges,
                    !svc.loadBalancerSourceRanges().isEmpty(), svc.sessionAffinity(),
                    svc.internalTrafficPolicy() == TrafficPolicy.LOCAL, externalLocal,
                    externalLocal ? svc.healthCheckNodePort() : 0, endpoints(name, slices, family, zone, nodeKnown),
                    loadBalancing.mode(), loadBalancing.tableSize()));
        }
        return out;
    }

    /** The Service's own mode and table size; an invalid value is logged (and counted by the sync gauges) and the node's used. */
    private static ServiceLoadBalancing.Choice loadBalancing(ServiceInfo svc, IpFamily family) {
        ServiceLoadBalancing.Choice choice = ServiceLoadBalancing.of(svc);
        // logged for the service's first family only: once per change of the service, not once per family
        boolean log = svc.ipFamilies().isEmpty() || svc.ipFamilies().get(0) == family;
        if (log && choice.invalid() != null) {
            LOG.warn("Service {}: annotation {}: \"{}\" is not one of {}; using the node's load balancing mode",
                    svc.key(), ServiceLoadBalancing.ANNOTATION, choice.invalid(), LoadBalancing.labels());
        }
        if (log && choice.invalidTableSize() != null) {
            LOG.warn("Service {}: annotation {}: {}; using the node's table size",
                    svc.key(), ServiceLoadBalancing.TABLE_SIZE_ANNOTATION, choice.invalidTableSize());
        }
        return choice;
    }

    private List<Endpoint> endpoints(ServicePortName name, List<EndpointSliceInfo> slices, IpFamily family, String zone,
                                     boolean nodeKnown) {
        List<Endpoint> out = new ArrayList<>();
        for (EndpointSliceInfo slice : slices) {
            if (slice.addressType() != family) {
                continue;
            }
            EndpointPort port = matchingPort(slice, name);
            if (port == null) {
                continue;
            }
            for (EndpointInfo e : slice.endpoints()) {
                boolean local = nodeName.equals(e.nodeName());
                boolean remote = nodeKnown && !local && e.nodeName() != null && !e.nodeName().isEmpty();
                out.add(new Endpoint(e.address(), port.port(), e.ready(), e.serving(), e.terminating(), local,
                        Endpoint.Hint.of(e.zoneHints(), zone), Endpoint.Hint.of(e.nodeHints(), nodeName), remote));
            }
        }
        // the same address in two slices (a slice being replaced): keep one, the most usable
        out.sort(Comparator.<Endpoint>naturalOrder().thenComparing(Endpoint::ready, Comparator.reverseOrder())
                .thenComparing(Endpoint::serving, Comparator.reverseOrder()));
        List<Endpoint> unique = new ArrayList<>(out.size());
        for (Endpoint ep : out) {
            if (unique.isEmpty() || !unique.get(unique.size() - 1).sameTarget(ep)) {
                unique.add(ep);
            }
        }
        return unique;
    }

    private static EndpointPort matchingPort(EndpointSliceInfo slice, ServicePortName name) {
        for (EndpointPort p : slice.ports()) {
            String pn = p.name() == null ? "" : p.name();
            if (pn.equals(name.portName()) && p.protocol() == name.protocol()) {
                return p;
            }
        }
        return null;
    }

    private static List<InetAddress> loadBalancerIPs(ServiceInfo svc, IpFamily family) {
        List<InetAddress> out = new ArrayList<>();
        for (LoadBalancerIngress ing : svc.loadBalancerIngress()) {
            if (ing.ip() != null && !ing.proxyMode() && IpFamily.of(ing.ip()) == family && !out.contains(ing.ip())) {
                out.add(ing.ip());
            }
        }
        return out;
    }

    private static List<Cidr> sourceRanges(ServiceInfo svc, IpFamily family) {
        List<Cidr> out = new ArrayList<>();
        for (String r : svc.loadBalancerSourceRanges()) {
            try {
                Cidr c = Cidr.parse(r);
                if (c.family() == family && !out.contains(c)) {
                    out.add(c);
                }
            } catch (IllegalArgumentException e) {
                // the API server validates these; a hand-written endpoint of ours must not break the sync
                LOG.warn("Service {}: ignoring loadBalancerSourceRanges entry: {}", svc.key(), e.getMessage());
            }
        }
        return out;
    }

    private static InetAddress first(List<InetAddress> ips, IpFamily family) {
        for (InetAddress ip : ips) {
            if (IpFamily.of(ip) == family) {
                return ip;
            }
        }
        return null;
    }

    private static List<InetAddress> ofFamily(List<InetAddress> ips, IpFamily family) {
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress ip : ips) {
            if (IpFamily.of(ip) == family && !out.contains(ip)) {
                out.add(ip);
            }
        }
        return out;
    }
}
