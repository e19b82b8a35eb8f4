package io.clusterdns.resolver;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.PodInfo;
import java.net.InetAddress;
import java.util.List;
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
     * Which index the answers come from: a number that grows with every snapshot applied and is
     * never reused in the process, -1 before the first. Unlike {@link #version()} it tells two
     * snapshots apart that carry the same version (a persisted snapshot, then the live source's
     * first). What keeps precomputed answers (the server's fast path) from outliving their index.
     */
    public long indexId() {
        ZoneIndex i = index;
        return i == null ? -1 : i.id();
    }

    /**
     * What the index answered from changed against the one before it, with its id and SOA serial
     * (read together, from one index); null before the first snapshot.
     */
    public IndexChange change() {
        ZoneIndex i = index;
        return i == null ? null : i.change();
    }

    /**
     * The changes of the indexes applied after index {@code id} up to the current one, oldest first:
     * what a cache of answers made from index {@code id} must drop. Null when not known (more than
     * {@value ZoneIndex#HISTORY} indexes ago, or one of them changed everything): drop everything.
     */
    public List<IndexChange> changesSince(long id) {
        ZoneIndex i = index;
        return i == null ? null : i.changesSince(id);
    }

    /** The index answered from, null before the first snapshot (the external zone reads it too). */
    ZoneIndex index() {
        return index;
    }

    /**
     * The pods having {@code ip} in the snapshot the answers come from (its per-snapshot index;
     * empty before the first, and always without {@code pods verified}, which alone follows pods):
     * who a client address may be.
     */
    public List<PodInfo> podsWithIP(InetAddress ip) {
        return podSnapshot().podsByIP(ip);
    }

    /**
     * The snapshot the answers come from ({@link ClusterSnapshot#EMPTY} before the first): its
     * pods by address ({@link ClusterSnapshot#podCountByIP}) tell who a client is without the
     * list {@link #podsWithIP} makes.
     */
    public ClusterSnapshot podSnapshot() {
        ZoneIndex i = index;
        return i == null ? ClusterSnapshot.EMPTY : i.snapshot();
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
        return new ZoneLookup(i, qname, type, null).answer();
    }

    /**
     * As {@link #resolve(Name, int)}, noting in {@code read} the index answered from and each part
     * of it the answer was read from: that answer (its SOA serial aside) stays right for as long
     * as no later {@link IndexChange} lists one of them.
     */
    public Answer resolve(Name qname, int type, Dependencies read) {
        ZoneIndex i = index;
        if (i == null) {
            return resolve(qname, type);
        }
        read.indexId(i.id());
        return new ZoneLookup(i, qname, type, read).answer();
    }
}
