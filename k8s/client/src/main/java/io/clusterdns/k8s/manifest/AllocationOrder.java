package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.ServiceKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The order both allocators (cluster IPs, node ports) hand out values in: by service key, so the
 * result does not depend on file or document order; the services come back in their input order.
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
}
