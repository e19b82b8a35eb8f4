package io.clusterdns.agent.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which endpoints a service port's traffic may use on this node, kube-proxy's
 * {@code CategorizeEndpoints}:
 *
 * <ul>
 *   <li>{@code cluster}: ready endpoints anywhere; when there are none, serving-terminating ones
 *       (a rolling update must not black-hole traffic while old pods drain).</li>
 *   <li>{@code local}: ready endpoints on this node; when there are none, this node's
 *       serving-terminating ones.</li>
 *   <li>{@code allReachable}: the union of what the service's policies use (the endpoint chains to write).</li>
 *   <li>{@code hasAny}: usable endpoints exist somewhere in the cluster (else traffic is REJECTed).</li>
 * </ul>
 */
public record EndpointCategories(List<Endpoint> cluster, List<Endpoint> local, List<Endpoint> allReachable, boolean hasAny) {

    public EndpointCategories {
        cluster = List.copyOf(cluster);
        local = List.copyOf(local);
        allReachable = List.copyOf(allReachable);
    }

    public static EndpointCategories of(ServicePortState sp) {
        List<Endpoint> all = sp.endpoints();
        List<Endpoint> cluster = List.of();
        boolean hasAny = false;
        if (sp.usesClusterEndpoints()) {
            cluster = filter(all, false, Endpoint::ready);
            if (cluster.isEmpty()) {
                cluster = filter(all, false, Endpoint::servingTerminating);
            }
            hasAny = !cluster.isEmpty();
        }
        if (!sp.usesLocalEndpoints()) {
            return new EndpointCategories(cluster, List.of(), cluster, hasAny);
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
            return new EndpointCategories(List.of(), local, local, hasAny);
        }
        Set<Endpoint> union = new LinkedHashSet<>(cluster);
        union.addAll(local);
        List<Endpoint> reachable = new ArrayList<>(union);
        reachable.sort(null);
        return new EndpointCategories(cluster, local, reachable, hasAny);
    }

    private static List<Endpoint> filter(List<Endpoint> all, boolean localOnly, java.util.function.Predicate<Endpoint> p) {
        List<Endpoint> out = new ArrayList<>();
        for (Endpoint ep : all) {
            if ((!localOnly || ep.local()) && p.test(ep)) {
                out.add(ep);
            }
        }
        return out;
    }
}
