package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one pass over the manifests produced, in reading order (files sorted, documents in
 * file order). Rejects an object defined twice, naming where the first one was.
 */
final class ManifestObjects {
    /** A legacy Endpoints object: its service (even when it has no subsets) and the slices it converts to. */
    record LegacyEndpoints(ServiceKey service, List<EndpointSliceInfo> slices) {
    }

    private final List<ManifestService> services = new ArrayList<>();
    private final List<Located<EndpointSliceInfo>> slices = new ArrayList<>();
    private final List<Located<LegacyEndpoints>> endpoints = new ArrayList<>();
    private final List<Located<PodInfo>> pods = new ArrayList<>();
    private final List<Located<NamespaceInfo>> namespaces = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final Map<String, Origin> seen = new HashMap<>();

    void addService(ManifestService s) {
        unique("Service", s.info().key().toString(), s.origin());
        services.add(s);
    }

    void addSlice(EndpointSliceInfo slice, Origin origin) {
        unique("EndpointSlice", slice.service().namespace() + "/" + slice.name(), origin);
        slices.add(new Located<>(slice, origin));
    }

    /** The slices converted from one legacy Endpoints object (named after its service). */
    void addEndpoints(ServiceKey service, List<EndpointSliceInfo> converted, Origin origin) {
        unique("Endpoints", service.toString(), origin);
        endpoints.add(new Located<>(new LegacyEndpoints(service, List.copyOf(converted)), origin));
    }

    void addPod(PodInfo pod, Origin origin) {
        unique("Pod", pod.namespace() + "/" + pod.name(), origin);
        pods.add(new Located<>(pod, origin));
    }

    void addNamespace(NamespaceInfo ns, Origin origin) {
        unique("Namespace", ns.name(), origin);
        namespaces.add(new Located<>(ns, origin));
    }

    void addSkipped(String description) {
        skipped.add(description);
    }

    private void unique(String kind, String id, Origin origin) {
        Origin first = seen.putIfAbsent(kind + " " + id, origin);
        if (first != null) {
            throw origin.error("metadata.name", kind + " " + id + " is already defined in " + first.describe());
        }
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

    List<Located<NamespaceInfo>> namespaces() {
        return Collections.unmodifiableList(namespaces);
    }

    /** One description per skipped document or List item: {@code web.yaml document 1: Deployment (apps/v1)}. */
    List<String> skipped() {
        return Collections.unmodifiableList(skipped);
    }
}
