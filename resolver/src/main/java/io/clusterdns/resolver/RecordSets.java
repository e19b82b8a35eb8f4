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

/** The address and SRV record sets both Kubernetes zones build the same way (cluster zone and clusterset zone). */
final class RecordSets {
    /** Answer records and the additional records that go with them (SRV or NS targets' addresses). */
    record Found(List<Record> answers, List<Record> additional) {
    }

    private RecordSets() {
    }

    /** A or AAAA records (by {@code type}) owned by {@code owner} for the distinct addresses of that family; empty for other types. */
    static List<Record> addresses(Name owner, int type, long ttl, List<InetAddress> ips) {
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
     * (address, port) selected, one record per distinct target+port, the targets' addresses in the
     * additional section. Hits without a port make no record.
     */
    static Found srv(Name owner, long ttl, List<Hit> hits, Function<Hit, Name> target) {
        int weight = Math.max(1, (int) Math.floor(100.0 / hits.size()));
        List<Record> answers = new ArrayList<>();
        List<Record> extra = new ArrayList<>();
        Set<String> seenSrv = new HashSet<>();
        Set<String> seenAddr = new HashSet<>();
        for (Hit h : hits) {
            if (h.port() == Hit.NO_PORT) {
                continue;
            }
            Name t = target.apply(h);
            if (seenSrv.add(t + " " + h.port())) {
                answers.add(new SRVRecord(owner, DClass.IN, ttl, 0, weight, h.port(), t));
            }
            if (seenAddr.add(t + " " + IpAddresses.format(h.address()))) {
                extra.add(ZoneAuthority.address(t, ttl, h.address()));
            }
        }
        return new Found(answers, extra);
    }
}
