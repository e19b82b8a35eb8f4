package io.clusterdns.resolver;

import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.ServiceImportInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.xbill.DNS.Name;

/**
 * The clusterset DNS view of one ServiceImport, computed once per snapshot change: its ready
 * endpoints per source cluster (a headless import's), each known as
 * {@code <hostname>.<clusterid>} below the import's name. Cluster IDs are matched without regard to
 * case, as DNS names are, and written as the source-cluster label spells them.
 */
final class ClusterSetEntry {
    /** A ready endpoint of one source cluster; {@link #label()} is its name relative to the import's. */
    record ClusterEndpoint(String cluster, ReadyEndpoint endpoint) {
        String label() {
            return endpoint.label() + "." + cluster;
        }
    }

    private final ServiceImportInfo serviceImport;
    private final Name relativeName;
    private final List<ClusterEndpoint> endpoints;
    /** lower-cased cluster ID → endpoint label → endpoints (a hostname may have an IPv4 and an IPv6 address). */
    private final Map<String, Map<String, List<ClusterEndpoint>>> byCluster;

    private ClusterSetEntry(ServiceImportInfo serviceImport, List<ClusterEndpoint> endpoints) {
        this.serviceImport = serviceImport;
        this.relativeName = ServiceEntry.relative(serviceImport.name() + "." + serviceImport.namespace() + ".svc");
        this.endpoints = List.copyOf(endpoints);
        Map<String, Map<String, List<ClusterEndpoint>>> index = new HashMap<>();
        for (ClusterEndpoint e : endpoints) {
            index.computeIfAbsent(e.cluster().toLowerCase(Locale.ROOT), k -> new HashMap<>())
                    .computeIfAbsent(e.endpoint().label(), k -> new ArrayList<>(1)).add(e);
        }
        index.replaceAll((cluster, labels) -> {
            labels.replaceAll((label, list) -> List.copyOf(list));
            return Map.copyOf(labels);
        });
        this.byCluster = Map.copyOf(index);
    }

    /**
     * The entry of {@code serviceImport}. Only a headless import answers with endpoints (a
     * ClusterSetIP import's are behind its clusterset IP); {@code noEndpoints} leaves them out, as
     * CoreDNS's {@code noendpoints} does by not watching them.
     */
    static ClusterSetEntry build(ServiceImportInfo serviceImport, List<ImportedSliceInfo> slices, boolean noEndpoints) {
        if (!serviceImport.headless() || noEndpoints || slices.isEmpty()) {
            return new ClusterSetEntry(serviceImport, List.of());
        }
        // clusters in a stable order (answers do not depend on arrival order), each cluster's slices merged as a service's are
        Map<String, List<EndpointSliceInfo>> perCluster = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Map<String, String> spelling = new HashMap<>();
        for (ImportedSliceInfo s : slices) {
            perCluster.computeIfAbsent(s.sourceCluster(), k -> new ArrayList<>()).add(s.slice());
            spelling.putIfAbsent(s.sourceCluster().toLowerCase(Locale.ROOT), s.sourceCluster());
        }
        List<ClusterEndpoint> out = new ArrayList<>();
        perCluster.forEach((cluster, clusterSlices) -> {
            String written = spelling.get(cluster.toLowerCase(Locale.ROOT));
            for (ReadyEndpoint e : ServiceEntry.readyEndpoints(clusterSlices, false)) {
                out.add(new ClusterEndpoint(written, e));
            }
        });
        return new ClusterSetEntry(serviceImport, out);
    }

    ServiceImportInfo serviceImport() {
        return serviceImport;
    }

    /** True when the import's name exists: a ClusterSetIP import always, a headless one while it has a ready endpoint (MCS DNS spec 2.4.1). */
    boolean exists() {
        return !serviceImport.headless() || !endpoints.isEmpty();
    }

    /** Every ready endpoint of every source cluster (headless imports). */
    List<ClusterEndpoint> endpoints() {
        return endpoints;
    }

    /** True when {@code cluster} (lower-case) has a ready endpoint: {@code <clusterid>.<svc>...} is then an empty non-terminal. */
    boolean hasCluster(String cluster) {
        return byCluster.containsKey(cluster);
    }

    /** The ready endpoints of {@code cluster} labelled {@code label} (hostname, or dashed IP); both lower-case. */
    List<ClusterEndpoint> endpoints(String cluster, String label) {
        return byCluster.getOrDefault(cluster, Map.of()).getOrDefault(label, List.of());
    }

    /** {@code <svc>.<ns>.svc.<zone>} */
    Name name(Name zone) {
        return ServiceEntry.concat(relativeName, zone);
    }

    /** {@code <hostname>.<clusterid>.<svc>.<ns>.svc.<zone>} for {@code label} = {@code <hostname>.<clusterid>}. */
    Name endpointName(String label, Name zone) {
        return ServiceEntry.concat(ServiceEntry.relative(label), name(zone));
    }
}
