package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.convert.NamespaceConverter;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The namespaces of the manifest cluster: those written as Namespace documents, every namespace
 * an object lives in (the API server would have refused the object otherwise), and the four every
 * cluster has. The resolver answers {@code <ns>.svc.<zone>} with NODATA only for namespaces that
 * exist, so a missing one would turn into NXDOMAIN.
 */
final class NamespaceCollector {
    static final List<String> BUILT_IN = List.of("default", "kube-node-lease", "kube-public", "kube-system");

    private NamespaceCollector() {
    }

    static List<NamespaceInfo> collect(ManifestObjects objects, List<ServiceInfo> services, List<EndpointSliceInfo> slices) {
        Map<String, NamespaceInfo> byName = new TreeMap<>();
        objects.namespaces().forEach(n -> byName.put(n.value().name(), n.value()));
        BUILT_IN.forEach(n -> implied(byName, n));
        services.forEach(s -> implied(byName, s.namespace()));
        slices.forEach(s -> implied(byName, s.service().namespace()));
        objects.endpoints().forEach(e -> implied(byName, e.value().service().namespace()));
        objects.pods().forEach(p -> implied(byName, p.value().namespace()));
        objects.workloads().forEach(w -> implied(byName, w.namespace()));
        objects.serviceImports().forEach(i -> implied(byName, i.value().namespace()));
        objects.importedSlices().forEach(s -> implied(byName, s.value().importKey().namespace()));
        return List.copyOf(byName.values());
    }

    private static void implied(Map<String, NamespaceInfo> byName, String name) {
        byName.computeIfAbsent(name, n -> NamespaceConverter.named(n, Map.of()));
    }
}
