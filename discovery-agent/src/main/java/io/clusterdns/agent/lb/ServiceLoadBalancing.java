package io.clusterdns.agent.lb;

import io.clusterdns.k8s.model.ServiceInfo;

/**
 * A Service's own choice of load balancing, from its annotations. An invalid value must not break
 * the sync: the service then uses the node's setting, and the caller logs and counts it.
 */
public final class ServiceLoadBalancing {
    /** {@code clusterdns.io/load-balancing: random | round-robin | maglev | maglev-source | rendezvous | rendezvous-source}. */
    public static final String ANNOTATION = "clusterdns.io/load-balancing";
    /** {@code clusterdns.io/maglev-table-size: PRIME}: M of the service's lookup table (Maglev and rendezvous), as {@code --maglev-table-size}. */
    public static final String TABLE_SIZE_ANNOTATION = "clusterdns.io/maglev-table-size";

    /**
     * @param mode             the service's mode, or null for the node's
     * @param invalid          the mode annotation's value when it names no mode, else null
     * @param tableSize        the service's table size, or 0 for the node's
     * @param invalidTableSize why the table size annotation is invalid (naming its value), else null
     */
    public record Choice(LoadBalancing mode, String invalid, int tableSize, String invalidTableSize) {
        static final Choice NODE_DEFAULT = new Choice(null, null, 0, null);
    }

    private ServiceLoadBalancing() {
    }

    public static Choice of(ServiceInfo svc) {
        String value = svc.annotations().get(ANNOTATION);
        String size = svc.annotations().get(TABLE_SIZE_ANNOTATION);
        if (value == null && size == null) {
            return Choice.NODE_DEFAULT;
        }
        LoadBalancing mode = value == null ? null : LoadBalancing.of(value).orElse(null);
        String invalid = value != null && mode == null ? value : null;
        int tableSize = 0;
        String invalidTableSize = null;
        if (size != null) {
            invalidTableSize = LoadBalancingConfig.tableSizeProblem(size);
            tableSize = invalidTableSize == null ? Integer.parseInt(size.trim()) : 0;
        }
        return new Choice(mode, invalid, tableSize, invalidTableSize);
    }
}
