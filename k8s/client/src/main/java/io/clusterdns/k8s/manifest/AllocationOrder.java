package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.ServiceKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The orders both allocators (cluster IPs, node ports) work in. Values are handed out by service
 * key, so the result does not depend on file or document order; the services come back in their
 * input order. Written values are claimed first by the services that already hold them in the
 * serving state, so that when a service newly writes a value another holds, the error is about
 * the newcomer.
 */
final class AllocationOrder {
    private AllocationOrder() {
    }

    static List<ManifestService> byKey(List<ManifestService> services, UnaryOperator<ManifestService> complete) {
        Map<ServiceKey, ManifestService> done = new HashMap<>();
        List<ManifestService> sorted = new ArrayList<>(services);
        sorted.sort(Comparator.comparing(s -> s.info().key()));
        for (ManifestService s : sorted) {
            done.put(s.info().key(), complete.apply(s));
        }
        return services.stream().map(s -> done.get(s.info().key())).toList();
    }

    /** Established services first, each part in input order. */
    static List<ManifestService> forClaims(List<ManifestService> services, Predicate<ManifestService> established) {
        List<ManifestService> out = new ArrayList<>(services.size());
        services.stream().filter(established).forEach(out::add);
        services.stream().filter(established.negate()).forEach(out::add);
        return out;
    }
}
