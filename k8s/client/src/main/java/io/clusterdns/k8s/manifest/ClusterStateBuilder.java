package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does what the control plane would do with the manifests' objects: allocates cluster IPs and
 * node ports, picks each service's endpoints (its EndpointSlices; else its legacy Endpoints; else,
 * for a selector service, slices derived from pods), and collects namespaces into one snapshot,
 * with the clusterset view (ServiceImports and their imported slices) as written: an MCS
 * controller, not the control plane, makes those. Nodes are passed through as written (the data
 * plane reads its own node's zone from them) and give derived endpoints their zones. The
 * workloads' pods are generated ({@link PodControllers}, {@link PodIpAllocator}) before the
 * endpoints are derived, so they are endpoints like explicit Pods.
 */
final class ClusterStateBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterStateBuilder.class);

    private final ClusterIpAllocator clusterIps = new ClusterIpAllocator();
    private final NodePortAllocator nodePorts = new NodePortAllocator();
    private final EndpointsDeriver deriver = new EndpointsDeriver();
    private final PodIpAllocator podIps;

    ClusterStateBuilder() {
        this(PodCidrs.DEFAULT);
    }

    /** @param podCidrs where generated pods' addresses come from on Nodes without podCIDRs */
    ClusterStateBuilder(PodCidrs podCidrs) {
        this.podIps = new PodIpAllocator(podCidrs);
    }

    ClusterSnapshot build(ManifestObjects objects, long version) {
        return build(objects, version, ClusterSnapshot.EMPTY);
    }

    /**
     * @param serving the state being served: services that already hold the cluster IPs and node
     *                ports they write claim them first, so a conflict is reported on the service
     *                that newly asks for a taken value
     */
    ClusterSnapshot build(ManifestObjects objects, long version, ClusterSnapshot serving) {
        List<ManifestService> withIps = clusterIps.allocate(objects.services(), ClusterIpAllocator.holding(serving));
        List<ServiceInfo> services = nodePorts.allocate(withIps, NodePortAllocator.holding(serving)).stream()
                .map(ManifestService::info).toList();
        Set<ServiceKey> known = new HashSet<>();
        services.forEach(s -> known.add(s.key()));
        List<EndpointSliceInfo> slices = new ArrayList<>();
        Set<ServiceKey> hasSlices = new HashSet<>();
        for (Located<EndpointSliceInfo> slice : objects.slices()) {
            slices.add(slice.value());
            hasSlices.add(slice.value().service());
            warnIfOrphan(known, slice.value().service(), slice.origin(), "EndpointSlice");
        }
        Set<ServiceKey> explicit = new HashSet<>(hasSlices);
        for (Located<ManifestObjects.LegacyEndpoints> legacy : objects.endpoints()) {
            ServiceKey key = legacy.value().service();
            explicit.add(key);
            // as kube-proxy and CoreDNS only read EndpointSlices, a service's own slices shadow its legacy Endpoints
            if (!hasSlices.contains(key)) {
                slices.addAll(legacy.value().slices());
            }
            warnIfOrphan(known, key, legacy.origin(), "Endpoints");
        }
        List<NodeInfo> nodes = objects.nodes().stream().map(Located::value).toList();
        List<PodInfo> pods = pods(objects, serving);
        Map<String, NodeInfo> nodesByName = new HashMap<>();
        nodes.forEach(n -> nodesByName.put(n.name(), n));
        PodsByLabel podIndex = new PodsByLabel(pods);
        for (ServiceInfo s : services) {
            if (!explicit.contains(s.key())) {
                slices.addAll(deriver.derive(s, podIndex.candidates(s.namespace(), s.selector()), nodesByName));
            }
        }
        List<ServiceImportInfo> serviceImports = objects.serviceImports().stream().map(Located::value).toList();
        Set<ServiceKey> imported = new HashSet<>();
        serviceImports.forEach(i -> imported.add(i.key()));
        List<ImportedSliceInfo> importedSlices = new ArrayList<>();
        for (Located<ImportedSliceInfo> slice : objects.importedSlices()) {
            importedSlices.add(slice.value());
            warnIfOrphan(imported, slice.value().importKey(), slice.origin(), "EndpointSlice (imported, "
                    + slice.value().sourceCluster() + ")", "ServiceImport");
        }
        // the snapshot keeps the pods slim (PodInfo.slim): their labels and ports were for the derivation above
        return new ClusterSnapshot(version, Instant.now(), services, slices, pods,
                NamespaceCollector.collect(objects, services, slices), serviceImports, importedSlices, nodes,
                objects.serviceCidrs().stream().map(Located::value).toList());
    }

    /**
     * The pods endpoints are derived from: the explicit Pods and the workloads' generated ones,
     * with their labels and named container ports (the snapshot keeps neither).
     */
    List<PodInfo> pods(ManifestObjects objects, ClusterSnapshot serving) {
        List<PodInfo> explicitPods = objects.pods().stream().map(Located::value).toList();
        List<PodInfo> pods = new ArrayList<>(explicitPods);
        if (!objects.workloads().isEmpty()) {
            List<NodeInfo> nodes = objects.nodes().stream().map(Located::value).toList();
            pods.addAll(podIps.allocate(PodControllers.plan(objects.workloads(), explicitPods, objects::podController, nodes),
                    explicitPods, objects::nodeNetwork, nodes.stream().map(NodeInfo::name).toList(), serving));
        }
        return pods;
    }

    private static void warnIfOrphan(Set<ServiceKey> known, ServiceKey service, Origin origin, String kind) {
        warnIfOrphan(known, service, origin, kind, "service");
    }

    private static void warnIfOrphan(Set<ServiceKey> known, ServiceKey owner, Origin origin, String kind, String ownerKind) {
        if (!known.contains(owner)) {
            LOG.warn("{}: {} for {} {}, which no manifest defines; nothing will use its endpoints", origin.describe(), kind, ownerKind, owner);
        }
    }
}
