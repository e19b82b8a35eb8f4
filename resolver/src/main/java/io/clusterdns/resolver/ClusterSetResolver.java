package io.clusterdns.resolver;

import io.clusterdns.k8s.model.ClusterSnapshot;
import org.xbill.DNS.Name;

/**
 * Answers the clusterset zone ({@code clusterset.local}, KEP-1645) from the ServiceImports and
 * imported EndpointSlices of the latest cluster snapshot, as the CoreDNS {@code multicluster}
 * plugin does. Thread-safe like {@link Resolver}: {@link #update} publishes a new
 * {@link ClusterSetIndex} through one volatile reference and {@link #resolve} never locks.
 */
public final class ClusterSetResolver implements SnapshotIndex {
    private final ClusterSetConfig config;
    private volatile ClusterSetIndex index;

    public ClusterSetResolver(ClusterSetConfig config) {
        this.config = config;
    }

    public ClusterSetConfig config() {
        return config;
    }

    @Override
    public void update(ClusterSnapshot snapshot) {
        index = ClusterSetIndex.build(config, snapshot, index);
    }

    @Override
    public boolean synced() {
        return index != null;
    }

    @Override
    public long version() {
        ClusterSetIndex i = index;
        return i == null ? -1 : i.version();
    }

    /**
     * Resolves one question of class IN ({@code type} a dnsjava {@link org.xbill.DNS.Type}
     * constant); owner names in the answer echo {@code qname}'s case.
     */
    public Answer resolve(Name qname, int type) {
        ClusterSetIndex i = index;
        if (i == null) {
            int zone = QueryName.zoneOf(qname, config.zones());
            return zone == Answer.NO_ZONE ? Answer.NOT_AUTHORITATIVE : new Answer.NotSynced(zone);
        }
        return new ClusterSetLookup(i, qname, type).answer();
    }
}
