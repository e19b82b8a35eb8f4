package io.clusterdns.resolver;

import org.xbill.DNS.Name;

/**
 * Answers the external zones ({@link ExternalConfig}) from the index of a cluster zone's
 * {@link Resolver}: the same snapshot, the same namespaces, the same endpoint names
 * ({@code endpoint_pod_names}) as that {@code kubernetes} configuration, as CoreDNS's
 * {@code k8s_external} answers from its block's {@code kubernetes} plugin. It keeps no index of
 * its own: services are found by key in the cluster index, external IPs' PTR owners and the
 * server's own endpoints in maps that index keeps per snapshot. Thread-safe, never locks.
 */
public final class ExternalResolver {
    private final Resolver cluster;
    private final ExternalConfig config;

    public ExternalResolver(Resolver cluster, ExternalConfig config) {
        this.cluster = cluster;
        this.config = config;
    }

    public ExternalConfig config() {
        return config;
    }

    /** True once the cluster index has a snapshot. */
    public boolean synced() {
        return cluster.synced();
    }

    /**
     * Resolves one question of class IN. Outside the external zones: {@link Answer.NotAuthoritative};
     * before the first snapshot: {@link Answer.NotSynced}. Owner names echo {@code qname}'s case.
     */
    public Answer resolve(Name qname, int type) {
        ZoneIndex i = cluster.index();
        if (i == null) {
            int zone = QueryName.zoneOf(qname, config.zones());
            return zone == Answer.NO_ZONE ? Answer.NOT_AUTHORITATIVE : new Answer.NotSynced(zone);
        }
        return new ExternalLookup(i, config, qname, type).answer();
    }
}
