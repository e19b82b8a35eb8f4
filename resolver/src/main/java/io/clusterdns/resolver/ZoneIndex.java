package io.clusterdns.resolver;

import io.clusterdns.k8s.model.ClusterSnapshot;
import org.xbill.DNS.Name;

/** Precomputed RRsets for one snapshot. (Being written: see issue 2.) */
final class ZoneIndex {
    private final long version;

    private ZoneIndex(long version) {
        this.version = version;
    }

    static ZoneIndex build(ResolverConfig config, ClusterSnapshot snapshot, ZoneIndex previous) {
        return new ZoneIndex(snapshot.version());
    }

    long version() {
        return version;
    }

    Answer resolve(Name qname, int type) {
        throw new UnsupportedOperationException("ZoneIndex.resolve is being written");
    }
}
