package io.clusterdns.resolver;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.SnapshotChanges;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * Everything the clusterset zone needs from one snapshot: an entry per ServiceImport, and each
 * zone's SOA/NS. Built off the query path; ServiceImports are few (one per exported service), so a
 * snapshot that changed any of them rebuilds the entries, and one that changed none keeps them.
 */
final class ClusterSetIndex {
    private final ClusterSetConfig config;
    private final ClusterSnapshot snapshot;
    private final Map<ServiceKey, ClusterSetEntry> entries;
    private final List<ZoneAuthority> authorities;
    private final List<InetAddress> nsAddresses;

    private ClusterSetIndex(ClusterSetConfig config, ClusterSnapshot snapshot, Map<ServiceKey, ClusterSetEntry> entries) {
        this.config = config;
        this.snapshot = snapshot;
        this.entries = entries;
        // the zone's name server is the cluster DNS service itself, as for the cluster zone
        ServiceInfo dns = snapshot.service(ZoneIndex.DNS_SERVICE);
        this.nsAddresses = dns != null && dns.hasClusterIP() ? dns.clusterIPs() : List.of(ZoneIndex.FALLBACK_NS_ADDRESS);
        long serial = Math.max(0, Math.min(0xffffffffL, snapshot.createdAt().getEpochSecond()));
        List<ZoneAuthority> auth = new ArrayList<>();
        for (Name zone : config.zones()) {
            auth.add(new ZoneAuthority(zone, config.ttl(), serial, nameserver(zone), nsAddresses));
        }
        this.authorities = List.copyOf(auth);
    }

    static ClusterSetIndex build(ClusterSetConfig config, ClusterSnapshot snapshot, ClusterSetIndex previous) {
        SnapshotChanges changes = snapshot.changes();
        if (previous != null && !changes.full() && changes.serviceImports().isEmpty()
                && previous.snapshot.version() == snapshot.version() - 1) {
            return new ClusterSetIndex(config, snapshot, previous.entries);
        }
        Map<ServiceKey, ClusterSetEntry> entries = new HashMap<>();
        for (ServiceImportInfo i : snapshot.serviceImports().values()) {
            entries.put(i.key(), ClusterSetEntry.build(i, snapshot.importedSlices(i.key()), config.noEndpoints()));
        }
        return new ClusterSetIndex(config, snapshot, Map.copyOf(entries));
    }

    /** {@code ns.dns.<zone>}: the SOA's primary name server and the NS target. */
    static Name nameserver(Name zone) {
        return Name.fromConstantString("ns.dns." + zone);
    }

    long version() {
        return snapshot.version();
    }

    ClusterSetConfig config() {
        return config;
    }

    /** The entry of an import whose namespace exists, else null (namespace sameness: the import lives in the local namespace). */
    ClusterSetEntry entry(String namespace, String name) {
        return namespaceExists(namespace) ? entries.get(ServiceKey.of(namespace, name)) : null;
    }

    boolean namespaceExists(String namespace) {
        return snapshot.namespaces().containsKey(namespace);
    }

    ZoneAuthority authority(int zoneIndex) {
        return authorities.get(zoneIndex);
    }

    List<InetAddress> nameserverAddresses() {
        return nsAddresses;
    }
}
