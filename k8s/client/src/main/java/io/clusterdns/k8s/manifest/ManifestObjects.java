package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everything one pass over the manifests produced, in reading order (files sorted, documents in
 * file order). Rejects an object defined twice, naming where the other definition is. Which of
 * the two is blamed does not depend on how the files sort: given the files each object came from
 * in the last good load, the definition that is new since then is the error.
 */
final class ManifestObjects {
    /** A legacy Endpoints object: its service (even when it has no subsets) and the slices it converts to. */
    record LegacyEndpoints(ServiceKey service, List<EndpointSliceInfo> slices) {
    }

    private final List<ManifestService> services = new ArrayList<>();
    private final List<Located<EndpointSliceInfo>> slices = new ArrayList<>();
    private final List<Located<LegacyEndpoints>> endpoints = new ArrayList<>();
    private final List<Located<PodInfo>> pods = new ArrayList<>();
    /** "namespace/name" of an explicit Pod → its controlling owner ({@code ReplicaSet/web-7d4b9c8f5}), when it names one. */
    private final Map<String, String> podControllers = new HashMap<>();
    private final List<Workload> workloads = new ArrayList<>();
    private final Map<String, NodeNetwork> nodeNetworks = new HashMap<>();
    private final List<Located<NamespaceInfo>> namespaces = new ArrayList<>();
    private final List<Located<NodeInfo>> nodes = new ArrayList<>();
    private final List<Located<ServiceCidrInfo>> serviceCidrs = new ArrayList<>();
    private final List<Located<ServiceImportInfo>> serviceImports = new ArrayList<>();
    private final List<Located<ImportedSliceInfo>> importedSlices = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<ManifestException> warnings = new ArrayList<>();
    private final Map<String, Origin> seen = new HashMap<>();
    private final Map<String, String> previousFiles;
    private final Consumer<ManifestException> onWarning;

    /** A first load: no earlier definitions, warnings only collected. */
    ManifestObjects() {
        this(Map.of(), w -> {
        });
    }

    /**
     * @param previousFiles {@link #files()} of the last good load, to tell new definitions from old ones
     * @param onWarning     told of every warning as it is found
     */
    ManifestObjects(Map<String, String> previousFiles, Consumer<ManifestException> onWarning) {
        this.previousFiles = Map.copyOf(previousFiles);
        this.onWarning = onWarning;
    }

    void addService(ManifestService s) {
        unique("Service", s.info().key().toString(), s.origin());
        services.add(s);
    }

    /** A slice's place in the cluster view; its name was claimed by {@link #claimSlice}. */
    void addSlice(EndpointSliceInfo slice, Origin origin) {
        slices.add(new Located<>(slice, origin));
    }

    /** Every slice takes its name, as it would in a cluster, also one that is used by nobody. */
    void claimSlice(String namespace, String name, Origin origin) {
        unique("EndpointSlice", namespace + "/" + name, origin);
    }

    /** A slice's place in the clusterset view; its name was claimed by {@link #claimSlice}. */
    void addImportedSlice(ImportedSliceInfo slice, Origin origin) {
        importedSlices.add(new Located<>(slice, origin));
    }

    void addServiceImport(ServiceImportInfo serviceImport, Origin origin) {
        claimServiceImport(serviceImport.namespace(), serviceImport.name(), origin);
        serviceImports.add(new Located<>(serviceImport, origin));
    }

    /** A ServiceImport that describes nothing yet still takes its name. */
    void claimServiceImport(String namespace, String name, Origin origin) {
        unique("ServiceImport", namespace + "/" + name, origin);
    }

    /** The slices converted from one legacy Endpoints object (named after its service). */
    void addEndpoints(ServiceKey service, List<EndpointSliceInfo> converted, Origin origin) {
        unique("Endpoints", service.toString(), origin);
        endpoints.add(new Located<>(new LegacyEndpoints(service, List.copyOf(converted)), origin));
    }

    void addPod(PodInfo pod, Origin origin) {
        addPod(pod, null, origin);
    }

    /** @param controller the pod's controlling owner reference ({@code ReplicaSet/web-7d4b9c8f5}), null when none */
    void addPod(PodInfo pod, String controller, Origin origin) {
        unique("Pod", pod.namespace() + "/" + pod.name(), origin);
        pods.add(new Located<>(pod, origin));
        if (controller != null) {
            podControllers.put(pod.namespace() + "/" + pod.name(), controller);
        }
    }

    void addWorkload(Workload workload) {
        unique(workload.kind().apiName, workload.namespace() + "/" + workload.name(), workload.origin());
        workloads.add(workload);
    }

    void addNamespace(NamespaceInfo ns, Origin origin) {
        unique("Namespace", ns.name(), origin);
        namespaces.add(new Located<>(ns, origin));
    }

    void addNode(NodeInfo node, Origin origin) {
        addNode(node, NodeNetwork.NONE, origin);
    }

    void addNode(NodeInfo node, NodeNetwork network, Origin origin) {
        unique("Node", node.name(), origin);
        nodes.add(new Located<>(node, origin));
        nodeNetworks.put(node.name(), network);
    }

    void addServiceCidr(ServiceCidrInfo serviceCidr, Origin origin) {
        unique("ServiceCIDR", serviceCidr.name(), origin);
        serviceCidrs.add(new Located<>(serviceCidr, origin));
    }

    void addSkipped(String description) {
        skipped.add(description);
    }

    void addWarning(ManifestException warning) {
        warnings.add(warning);
        onWarning.accept(warning);
    }

    private void unique(String kind, String id, Origin origin) {
        String key = kind + " " + id;
        Origin first = seen.putIfAbsent(key, origin);
        if (first == null) {
            return;
        }
        String before = previousFiles.get(key);
        boolean firstIsNew = before != null && before.equals(origin.file()) && !before.equals(first.file());
        Origin added = firstIsNew ? first : origin;
        Origin existing = firstIsNew ? origin : first;
        throw added.error("metadata.name", kind + " " + id + " is already defined in " + existing.describe());
    }

    /** The file each object came from ({@code "Service default/web" -> "k8s/examples/web.yaml"}), for the next load. */
    Map<String, String> files() {
        Map<String, String> out = new HashMap<>(seen.size());
        seen.forEach((key, origin) -> out.put(key, origin.file()));
        return out;
    }

    List<ManifestService> services() {
        return Collections.unmodifiableList(services);
    }

    List<Located<EndpointSliceInfo>> slices() {
        return Collections.unmodifiableList(slices);
    }

    List<Located<LegacyEndpoints>> endpoints() {
        return Collections.unmodifiableList(endpoints);
    }

    List<Located<PodInfo>> pods() {
        return Collections.unmodifiableList(pods);
    }

    /** The controlling owner written in an explicit Pod's ownerReferences ({@code ReplicaSet/web-7d4b9c8f5}), or null. */
    String podController(PodInfo pod) {
        return podControllers.get(pod.namespace() + "/" + pod.name());
    }

    List<Workload> workloads() {
        return Collections.unmodifiableList(workloads);
    }

    /** A listed Node's pod CIDRs and internal addresses ({@link NodeNetwork#NONE} for others). */
    NodeNetwork nodeNetwork(String node) {
        return nodeNetworks.getOrDefault(node, NodeNetwork.NONE);
    }

    List<Located<NamespaceInfo>> namespaces() {
        return Collections.unmodifiableList(namespaces);
    }

    List<Located<NodeInfo>> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    List<Located<ServiceCidrInfo>> serviceCidrs() {
        return Collections.unmodifiableList(serviceCidrs);
    }

    List<Located<ServiceImportInfo>> serviceImports() {
        return Collections.unmodifiableList(serviceImports);
    }

    List<Located<ImportedSliceInfo>> importedSlices() {
        return Collections.unmodifiableList(importedSlices);
    }

    /** One description per skipped document or List item: {@code control-plane.yaml document 5: ConfigMap (v1)}. */
    List<String> skipped() {
        return Collections.unmodifiableList(skipped);
    }

    /** Documents skipped although an API server would have refused them (a misspelt kind), located. */
    List<ManifestException> warnings() {
        return Collections.unmodifiableList(warnings);
    }
}
