package io.clusterdns.resolver;

import io.clusterdns.k8s.model.IpAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * The address and SRV record sets every Kubernetes zone builds the same way: the cluster zone
 * ({@link ZoneLookup}), the clusterset zone ({@link ClusterSetLookup}) and the external one
 * ({@link ExternalLookup}).
 */
final class RecordSets {
    /** Answer records and the additional records that go with them (SRV or NS targets' addresses). */
    record Found(List<Record> answers, List<Record> additional) {
    }

    /**
     * One SRV candidate: a target and port, and the address to give for the target in the
     * additional section (null for a target that is a name outside our zones, such as a load
     * balancer's hostname). {@code port} is {@link Hit#NO_PORT} when nothing declared a port: it
     * counts towards the weight but makes no record, as in CoreDNS.
     */
    record SrvTarget(Name target, int port, InetAddress address) {
    }

    private RecordSets() {
    }
    /** A or AAAA records (by {@code type}) at {@code owner} for the distinct addresses of that family; empty for other types. */
    static List<Record> addresses(Name owner, long ttl, int type, List<InetAddress> ips) {
        if (type != Type.A && type != Type.AAAA) {
            return List.of();
        }
        boolean v6 = type == Type.AAAA;
        List<Record> out = new ArrayList<>(ips.size());
        Set<InetAddress> seen = new HashSet<>();
        for (InetAddress ip : ips) {
            if (IpAddresses.isV6(ip) == v6 && seen.add(ip)) {
                out.add(ZoneAuthority.address(owner, ttl, ip));
            }
        }
        return out;
    }

    /**
     * SRV as CoreDNS builds it: priority 0, weight floor(100/N) (at least 1) where N counts every
     * candidate, one record per distinct target+port, the targets' addresses in {@code extra}.
     * Returns the answer records; empty when no candidate has a port.
     */
    static List<Record> srv(Name owner, long ttl, List<SrvTarget> candidates, List<Record> extra) {
        int weight = Math.max(1, (int) Math.floor(100.0 / candidates.size()));
        List<Record> answers = new ArrayList<>();
        Set<String> seenSrv = new HashSet<>();
        Set<String> seenAddr = new HashSet<>();
        for (SrvTarget c : candidates) {
            if (c.port() == Hit.NO_PORT) {
                continue;
            }
            if (seenSrv.add(c.target() + " " + c.port())) {
                answers.add(new SRVRecord(owner, DClass.IN, ttl, 0, weight, c.port(), c.target()));
            }
            if (c.address() != null && seenAddr.add(c.target() + " " + IpAddresses.format(c.address()))) {
                extra.add(ZoneAuthority.address(c.target(), ttl, c.address()));
            }
        }
        return answers;
    }

    /** SRV records of resolver hits ({@link #srv(Name, long, List, List)}), each hit's target named by {@code target}. */
    static Found srv(Name owner, long ttl, List<Hit> hits, Function<Hit, Name> target) {
        List<SrvTarget> candidates = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            // a hit without a port makes no record: its target is not worth naming
            candidates.add(new SrvTarget(h.port() == Hit.NO_PORT ? null : target.apply(h), h.port(), h.address()));
        }
        List<Record> extra = new ArrayList<>();
        List<Record> answers = srv(owner, ttl, candidates, extra);
        return new Found(answers, extra);
    }
}
