package io.clusterdns.agent.lb;

import io.clusterdns.k8s.model.ServiceInfo;

/**
 * A Service's own choice of load balancing, from its annotation. An unknown value must not break
 * the sync: the service then uses the node's mode, and the caller logs and counts it.
 */
public final class ServiceLoadBalancing {
    /** {@code clusterdns.io/load-balancing: random | round-robin | maglev | maglev-source}. */
    public static final String ANNOTATION = "clusterdns.io/load-balancing";

    /**
     * @param mode    the service's mode, or null for the node's
     * @param invalid the annotation's value when it names no mode, else null
     */
    public record Choice(LoadBalancing mode, String invalid) {
        static final Choice NODE_DEFAULT = new Choice(null, null);
    }

    private ServiceLoadBalancing() {
    }

    public static Choice of(ServiceInfo svc) {
        String value = svc.annotations().get(ANNOTATION);
        if (value == null) {
            return Choice.NODE_DEFAULT;
        }
        return LoadBalancing.of(value).map(m -> new Choice(m, null)).orElseGet(() -> new Choice(null, value));
    }
}
