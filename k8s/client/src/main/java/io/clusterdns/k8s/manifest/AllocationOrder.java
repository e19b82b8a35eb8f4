package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.ServiceKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

    /**
     * {@code complete} of every service, returned in input order. Those that take a new value
     * ({@code allocates}) are completed in service key order, so that the values do not depend on
     * file or document order; the others, whose completion takes nothing, first and in input order
     * (sorting them too was a tenth of building the state of 50k services that wrote their IPs).
     * {@code allocates} may say true of a service that ends up taking nothing, never false of one
     * that takes a value.
     */
    static List<ManifestService> byKey(List<ManifestService> services, Predicate<ManifestService> allocates,
                                       UnaryOperator<ManifestService> complete) {
        ManifestService[] done = new ManifestService[services.size()];
        List<Integer> allocating = new ArrayList<>();
        for (int i = 0; i < done.length; i++) {
            ManifestService s = services.get(i);
            if (allocates.test(s)) {
                allocating.add(i);
            } else {
                done[i] = complete.apply(s);
            }
        }
        allocating.sort(Comparator.comparing(i -> services.get(i).info().key()));
        for (int i : allocating) {
            done[i] = complete.apply(services.get(i));
        }
        return List.of(done);
    }

    /** Established services first, each part in input order. */
    static List<ManifestService> forClaims(List<ManifestService> services, Predicate<ManifestService> established) {
        List<ManifestService> out = new ArrayList<>(services.size());
        services.stream().filter(established).forEach(out::add);
        services.stream().filter(established.negate()).forEach(out::add);
        return out;
    }
}
