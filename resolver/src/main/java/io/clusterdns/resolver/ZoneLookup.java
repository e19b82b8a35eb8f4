package io.clusterdns.resolver;

import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.ServicePort;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * One question against one {@link ZoneIndex}: parse the name, find what it denotes, build the
 * records. Owner names of answer records are the question name itself, so they echo its case.
 * NXDOMAIN versus NODATA follows CoreDNS, except that names which exist for some type (the
 * dns-version and ns.dns names, complete reverse names, {@code _proto} nodes) answer NODATA for the
 * other types instead of NXDOMAIN, as RFC 8020 resolvers require.
 */
final class ZoneLookup {
    static final String SCHEMA_VERSION = "1.1.0";
    static final long SCHEMA_VERSION_TTL = 28800;
    /** CoreDNS stops following in-zone CNAME chains after 8 links. */
    private static final int MAX_CHAIN = 8;

    private final ZoneIndex index;
    private final Name qname;
    private final int type;
    private final long ttl;
    private final int depth;
    /** Where the parts of the index read are noted; null when nobody asked. */
    private final Dependencies read;
    private QueryName q;

    ZoneLookup(ZoneIndex index, Name qname, int type, Dependencies read) {
        this(index, qname, type, 0, read);
    }

    private ZoneLookup(ZoneIndex index, Name qname, int type, int depth, Dependencies read) {
        this.index = index;
        this.qname = qname;
        this.type = type;
        this.ttl = index.config().ttl();
        this.depth = depth;
        this.read = read;
    }

    Answer answer() {
        q = QueryName.parse(qname, index.config().zones());
        return switch (q.kind()) {
            case NOT_IN_ZONE -> Answer.NOT_AUTHORITATIVE;
            case APEX -> apex();
            case DNS_VERSION -> type == Type.TXT
                    ? records(List.of(new TXTRecord(qname, DClass.IN, SCHEMA_VERSION_TTL, SCHEMA_VERSION)), List.of())
                    : noData();
            case NAMESERVER -> addresses(nameserverAddresses());
            case DNS_ENT, SVC_ENT, POD_ENT -> noData();
            case SERVICE_NAMESPACE -> namespaceExists(q.namespace()) ? noData() : nxDomain();
            case POD_NAMESPACE -> index.config().podMode() != PodMode.DISABLED && namespaceExists(q.namespace())
                    ? noData() : nxDomain();
            case POD -> pod();
            case SERVICE -> service();
            case PROTOCOL_ENT -> protocolNode();
            case REVERSE -> reverse();
            case NONEXISTENT -> nxDomain();
        };
    }

    /*
     * The index is read through these, each noting the part it read (Dependency): every read but
     * the SOA's serial and the configuration, which the index keeps unchanged for the resolver's life.
     */

    private ServiceEntry service(String namespace, String name) {
        ServiceEntry e = index.service(namespace, name);
        if (read != null) {
            // The service's own key when it has one: a cached answer keeps its parts for as long
            // as it is held, and a key made from the question (with its name String) cost 72
            // bytes an answer, 3.6 MB with 50,000 names asked.
            read.add(Dependency.service(e != null ? e.service().key() : io.clusterdns.k8s.model.ServiceKey.of(namespace, name)));
        }
        return e;
    }

    private boolean namespaceExists(String namespace) {
        if (read != null) {
            read.add(Dependency.namespace(namespace));
        }
        return index.namespaceExists(namespace);
    }

    private List<ZoneIndex.PtrTarget> ptr(InetAddress ip) {
        if (read != null) {
            read.add(Dependency.address(ip));
        }
        return index.ptr(ip);
    }

    private boolean podExists(String namespace, InetAddress ip) {
        if (read != null) {
            read.add(Dependency.PODS);
        }
        return index.podExists(namespace, ip);
    }

    private List<InetAddress> nameserverAddresses() {
        if (read != null) {
            read.add(Dependency.NAMESERVERS);
        }
        return index.nameserverAddresses();
    }

    private Answer apex() {
        if (read != null) {
            read.add(Dependency.NAMESERVERS); // the NS set and its addresses
        }
        RecordSets.Found apex = index.authority(q.zoneIndex()).apex(qname, type);
        return apex == null ? noData() : records(apex.answers(), apex.additional());
    }

    private Answer pod() {
        PodMode mode = index.config().podMode();
        InetAddress ip = q.address();
        if (mode == PodMode.DISABLED || ip == null || !namespaceExists(q.namespace())) {
            return nxDomain();
        }
        if (mode == PodMode.VERIFIED && !podExists(q.namespace(), ip)) {
            return nxDomain();
        }
        return addresses(List.of(ip));
    }

    private Answer protocolNode() {
        ServiceEntry e = service(q.namespace(), q.service());
        boolean exists = e != null && (e.shape() == ServiceEntry.Shape.CLUSTER_IP || e.shape() == ServiceEntry.Shape.HEADLESS)
                && e.hasNamedPortWithProtocol(q.protocol());
        return exists ? noData() : nxDomain();
    }

    private Answer reverse() {
        List<ZoneIndex.PtrTarget> targets = ptr(q.address());
        if (targets.isEmpty()) {
            return nxDomain();
        }
        if (type != Type.PTR) {
            return noData();
        }
        Name cluster = index.config().clusterDomain();
        List<Record> out = new ArrayList<>(targets.size());
        Set<Name> seen = new HashSet<>();
        for (ZoneIndex.PtrTarget t : targets) {
            Name target = t.endpoint() == null ? t.entry().name(cluster) : t.entry().endpointName(t.endpoint().label(), cluster);
            if (seen.add(target)) {
                out.add(new PTRRecord(qname, DClass.IN, ttl, target));
            }
        }
        return records(out, List.of());
    }

    private Answer service() {
        ServiceEntry e = service(q.namespace(), q.service());
        if (e == null || e.shape() == ServiceEntry.Shape.ABSENT) {
            return nxDomain();
        }
        if (e.shape() == ServiceEntry.Shape.EXTERNAL_NAME) {
            return q.endpoint() != null ? nxDomain() : externalName(e);
        }
        List<Hit> hits = hits(e);
        if (hits.isEmpty()) {
            return nxDomain();
        }
        if (type == Type.A || type == Type.AAAA) {
            List<InetAddress> ips = new ArrayList<>(hits.size());
            for (Hit h : hits) {
                ips.add(h.address());
            }
            return addresses(ips);
        }
        return type == Type.SRV ? srv(e, hits) : noData();
    }

    /** The (address, port) pairs the name selects; empty means the name does not exist. */
    private List<Hit> hits(ServiceEntry e) {
        List<Hit> hits = new ArrayList<>();
        if (q.endpoint() != null || e.shape() == ServiceEntry.Shape.HEADLESS) {
            List<ReadyEndpoint> eps = q.endpoint() != null ? e.endpointsByLabel(q.endpoint()) : e.endpoints();
            for (ReadyEndpoint ep : eps) {
                if (ep.ports().isEmpty()) {
                    if (q.port() == null && q.protocol() == null) {
                        hits.add(new Hit(ep.address(), Hit.NO_PORT, ep.label()));
                    }
                    continue;
                }
                for (EndpointPort p : ep.ports()) {
                    if (portMatches(p.name(), p.protocol().label())) {
                        hits.add(new Hit(ep.address(), p.port(), ep.label()));
                    }
                }
            }
            return hits;
        }
        for (ServicePort p : e.service().ports()) {
            if (portMatches(p.name(), p.protocol().label())) {
                for (InetAddress ip : e.service().clusterIPs()) {
                    hits.add(new Hit(ip, p.port(), null));
                }
            }
        }
        return hits;
    }

    private boolean portMatches(String name, String protocol) {
        return (q.port() == null || q.port().equals(name)) && (q.protocol() == null || q.protocol().equals(protocol));
    }

    /**
     * SRV records of the selected hits: to the service name (cluster IP) or to each endpoint's name.
     * The targets end in the zone as the client typed it, as CoreDNS names them (its kubernetes
     * plugin keeps the question's spelling of the zone); their addresses follow them.
     */
    private Answer srv(ServiceEntry e, List<Hit> hits) {
        Name zone = typedZone();
        Name serviceName = e.name(zone);
        RecordSets.Found srv = RecordSets.srv(qname, ttl, hits, h -> h.label() == null ? serviceName : e.endpointName(h.label(), zone));
        return srv.answers().isEmpty() ? noData() : records(srv.answers(), srv.additional());
    }

    /** The matched zone spelled as in the question (the same name, its case kept). */
    private Name typedZone() {
        Name zone = q.zone();
        return zone.labels() == qname.labels() ? qname : new Name(qname, qname.labels() - zone.labels());
    }

    /** CNAME to the external name; for A/AAAA the chain is followed when the target is in one of our zones. */
    private Answer externalName(ServiceEntry e) {
        Name target = e.externalName();
        if (type == Type.SRV) {
            return noData();
        }
        if (type != Type.CNAME && type != Type.A && type != Type.AAAA) {
            return noData();
        }
        if (target.equals(qname)) {
            return noData();
        }
        Record cname = new CNAMERecord(qname, DClass.IN, ttl, target);
        if (type == Type.CNAME || !inForwardZone(target)) {
            return records(List.of(cname), List.of());
        }
        if (depth + 1 >= MAX_CHAIN) {
            return noData();
        }
        Answer next = new ZoneLookup(index, target, type, depth + 1, read).answer();
        if (next instanceof Answer.Records r && !r.answers().isEmpty()) {
            List<Record> chain = new ArrayList<>(r.answers().size() + 1);
            chain.add(cname);
            chain.addAll(r.answers());
            return records(chain, r.additional());
        }
        return noData();
    }

    private boolean inForwardZone(Name name) {
        for (Name z : index.config().zones()) {
            if (!ResolverConfig.isReverse(z) && name.subdomain(z)) {
                return true;
            }
        }
        return false;
    }

    /** A or AAAA records (by the question type) for the distinct addresses of the asked family; NODATA otherwise. */
    private Answer addresses(List<InetAddress> ips) {
        List<Record> out = RecordSets.addresses(qname, ttl, type, ips);
        return out.isEmpty() ? noData() : records(out, List.of());
    }

    private Answer records(List<Record> answers, List<Record> additional) {
        return new Answer.Records(answers, additional, q.zoneIndex());
    }

    private Answer noData() {
        return new Answer.NoData(index.authority(q.zoneIndex()).soa(), q.zoneIndex());
    }

    private Answer nxDomain() {
        return new Answer.NxDomain(index.authority(q.zoneIndex()).soa(), q.zoneIndex());
    }
}
