package io.clusterdns.resolver;

import io.clusterdns.k8s.model.ClusterSnapshot;
import org.xbill.DNS.Name;

/**
 * Answers questions for the configured zones from the latest cluster snapshot. Thread-safe:
 * {@link #update} publishes a new precomputed {@link ZoneIndex} through one volatile reference and
 * {@link #resolve} never locks.
 */
public final class Resolver implements SnapshotIndex {
    private final ResolverConfig config;
    private volatile ZoneIndex index;

    public Resolver(ResolverConfig config) {
        this.config = config;
    }

    public ResolverConfig config() {
        return config;
    }

    /** Rebuilds the index for a new snapshot and publishes it. Call from one thread (the source's publisher). */
    @Override
    public void update(ClusterSnapshot snapshot) {
        index = ZoneIndex.build(config, snapshot, index);
    }

    /** True once a snapshot has been applied; before that in-zone names get {@link Answer.NotSynced}. */
    @Override
    public boolean synced() {
        return index != null;
    }

    /** Version of the snapshot the answers come from (-1 before the first). */
    @Override
    public long version() {
        ZoneIndex i = index;
        return i == null ? -1 : i.version();
    }

    /**
     * Resolves one question of class IN. {@code type} is a dnsjava {@link org.xbill.DNS.Type}
     * constant. Owner names in the answer echo {@code qname}'s case.
     */
    public Answer resolve(Name qname, int type) {
        ZoneIndex i = index;
        if (i == null) {
            int zone = QueryName.zoneOf(qname, config.zones());
            return zone == Answer.NO_ZONE ? Answer.NOT_AUTHORITATIVE : new Answer.NotSynced(zone);
        }
        return new ZoneLookup(i, qname, type).answer();
    }
}
