package io.clusterdns.agent.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which endpoints a service port's traffic may use on this node, kube-proxy's
 * {@code CategorizeEndpoints} (Kubernetes 1.33–1.35):
 *
 * <ul>
 *   <li>{@code cluster}: ready endpoints anywhere, narrowed by topology ({@link #topology}); when
 *       there are none, serving-terminating ones anywhere (a rolling update must not black-hole
 *       traffic while old pods drain).</li>
 *   <li>{@code local}: ready endpoints on this node; when there are none, this node's
 *       serving-terminating ones. Topology never narrows these: a Local traffic policy wins.</li>
 *   <li>{@code allReachable}: the union of what the service's policies use (the endpoint chains to write).</li>
 *   <li>{@code hasAny}: usable endpoints exist somewhere in the cluster (else traffic is REJECTed).</li>
 *   <li>{@code topology}: which hints narrowed {@code cluster}.</li>
 * </ul>
 */
public record EndpointCategories(List<Endpoint> cluster, List<Endpoint> local, List<Endpoint> allReachable, boolean hasAny,
                                 Topology topology) {

    /**
     * How cluster endpoints were narrowed, kube-proxy's topology mode. The proxy looks only at the
     * hints: the EndpointSlice controller writes them for {@code trafficDistribution}
     * ({@code PreferClose}/{@code PreferSameZone}: zone hints; {@code PreferSameNode}: node and zone
     * hints) and for the {@code service.kubernetes.io/topology-mode: Auto} annotation (zone hints).
     */
    public enum Topology {
        /** Every ready endpoint (no hints, incomplete hints, or none for this node or zone). */
        NONE,
        /** Ready endpoints hinted for this node's zone. */
        SAME_ZONE,
        /** Ready endpoints hinted for this node. */
        SAME_NODE
    }

    public EndpointCategories {
        cluster = List.copyOf(cluster);
        local = List.copyOf(local);
        allReachable = List.copyOf(allReachable);
    }

    public static EndpointCategories of(ServicePortState sp) {
        List<Endpoint> all = sp.endpoints();
        List<Endpoint> cluster = List.of();
        Topology topology = Topology.NONE;
        boolean hasAny = false;
        if (sp.usesClusterEndpoints()) {
            topology = topology(all);
            Topology mode = topology;
            cluster = filter(all, false, ep -> ep.ready() && available(ep, mode));
            if (cluster.isEmpty()) {
                // no ready endpoint anywhere (topology only applies when one exists for this node or zone)
                cluster = filter(all, false, Endpoint::servingTerminating);
            }
            hasAny = !cluster.isEmpty();
        }
        if (!sp.usesLocalEndpoints()) {
            return new EndpointCategories(cluster, List.of(), cluster, hasAny, topology);
        }
        boolean localReady = false;
        boolean localServingTerminating = false;
        for (Endpoint ep : all) {
            if (ep.ready()) {
                hasAny = true;
                localReady |= ep.local();
            } else if (ep.servingTerminating()) {
                hasAny = true;
                localServingTerminating |= ep.local();
            }
        }
        List<Endpoint> local = localReady ? filter(all, true, Endpoint::ready)
                : localServingTerminating ? filter(all, true, Endpoint::servingTerminating) : List.of();
        if (!sp.usesClusterEndpoints()) {
            return new EndpointCategories(List.of(), local, local, hasAny, topology);
        }
        Set<Endpoint> union = new LinkedHashSet<>(cluster);
        union.addAll(local);
        List<Endpoint> reachable = new ArrayList<>(union);
        reachable.sort(null);
        return new EndpointCategories(cluster, local, reachable, hasAny, topology);
    }

    /**
     * kube-proxy's {@code topologyModeFromHints}, over ready endpoints only: node hints when every
     * one has some and one names this node (PreferSameNode, on by default since 1.34); else zone
     * hints when every one has some and one names this node's zone; else none. One ready endpoint
     * without hints of a kind turns that kind off for the whole service port.
     */
    public static Topology topology(List<Endpoint> endpoints) {
        boolean anyReady = false;
        boolean allNodeHints = true;
        boolean forThisNode = false;
        boolean allZoneHints = true;
        boolean forThisZone = false;
        for (Endpoint ep : endpoints) {
            if (!ep.ready()) {
                continue;
            }
            anyReady = true;
            allNodeHints &= ep.nodeHint() != Endpoint.Hint.NONE;
            forThisNode |= ep.nodeHint() == Endpoint.Hint.THIS;
            allZoneHints &= ep.zoneHint() != Endpoint.Hint.NONE;
            forThisZone |= ep.zoneHint() == Endpoint.Hint.THIS;
        }
        if (!anyReady) {
            return Topology.NONE;
        }
        if (allNodeHints && forThisNode) {
            return Topology.SAME_NODE;
        }
        return allZoneHints && forThisZone ? Topology.SAME_ZONE : Topology.NONE;
    }

    private static boolean available(Endpoint ep, Topology mode) {
        return switch (mode) {
            case NONE -> true;
            case SAME_ZONE -> ep.zoneHint() == Endpoint.Hint.THIS;
            case SAME_NODE -> ep.nodeHint() == Endpoint.Hint.THIS;
        };
    }

    private static List<Endpoint> filter(List<Endpoint> all, boolean localOnly, Predicate<Endpoint> p) {
        List<Endpoint> out = new ArrayList<>();
        for (Endpoint ep : all) {
            if ((!localOnly || ep.local()) && p.test(ep)) {
                out.add(ep);
            }
        }
        return out;
    }
}
