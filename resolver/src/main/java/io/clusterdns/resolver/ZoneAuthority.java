package io.clusterdns.resolver;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * The apex data of one zone: its SOA (sent in the authority section of every negative answer)
 * and its NS set. The SOA follows CoreDNS: {@code ns.dns.<zone>. hostmaster.<zone>. serial 7200
 * 1800 86400 ttl}, record TTL min(ttl, 300); the serial is the time of the last cluster change.
 */
final class ZoneAuthority {
    static final long REFRESH = 7200;
    static final long RETRY = 1800;
    static final long EXPIRE = 86400;
    static final long MAX_SOA_TTL = 300;

    private final Name zone;
    private final SOARecord soa;
    private final List<Record> ns;
    private final List<Record> nsAddresses;

    ZoneAuthority(Name zone, long ttl, long serial, Name nsTarget, List<InetAddress> nsIps) {
        this.zone = zone;
        Name host = Name.fromConstantString("ns.dns." + zone);
        Name admin = Name.fromConstantString("hostmaster." + zone);
        this.soa = new SOARecord(zone, DClass.IN, Math.min(ttl, MAX_SOA_TTL), host, admin, serial, REFRESH, RETRY, EXPIRE, ttl);
        this.ns = List.of(new NSRecord(zone, DClass.IN, ttl, nsTarget));
        List<Record> addrs = new ArrayList<>();
        for (InetAddress ip : nsIps) {
            addrs.add(address(nsTarget, ttl, ip));
        }
        this.nsAddresses = List.copyOf(addrs);
    }

    static Record address(Name owner, long ttl, InetAddress ip) {
        return io.clusterdns.k8s.model.IpAddresses.isV6(ip)
                ? new AAAARecord(owner, DClass.IN, ttl, ip)
                : new ARecord(owner, DClass.IN, ttl, ip);
    }

    Name zone() {
        return zone;
    }

    SOARecord soa() {
        return soa;
    }

    List<Record> ns() {
        return ns;
    }

    /**
     * The apex's answer to {@code type}, owned by {@code qname} (so it echoes the question's case):
     * the SOA, or the NS set with its target's addresses; null for every other type (NODATA).
     */
    RecordSets.Found apex(Name qname, int type) {
        if (type == Type.SOA) {
            return new RecordSets.Found(List.of(soa.withName(qname)), List.of());
        }
        if (type == Type.NS) {
            List<Record> named = new ArrayList<>(ns.size());
            for (Record r : ns) {
                named.add(r.withName(qname));
            }
            return new RecordSets.Found(named, nsAddresses);
        }
        return null;
    }

    /** A/AAAA records of the NS target (additional section of an NS answer). */
    List<Record> nsAddresses() {
        return nsAddresses;
    }
}
