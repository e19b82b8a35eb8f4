package io.clusterdns.resolver;

import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.ServicePort;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One question against the external zones (CoreDNS's {@code k8s_external}), read from one
 * {@link ZoneIndex}. Names right to left after the zone:
 *
 * <pre>
 * (apex)                          SOA; NS ns1.APEX.ZONE with its addresses
 * APEX                            empty non-terminal (NODATA); ns1.APEX: the nameserver's addresses
 * NS                              an existing namespace: empty non-terminal
 * SVC.NS                          the external IPs (A/AAAA), or a CNAME to the load balancer's hostname; SRV per port
 * _PORT._PROTO.SVC.NS             SRV of the named port; A/AAAA as the service
 * ENDPOINT.SVC.NS                 with headless: a ready endpoint of a headless service
 * </pre>
 *
 * A service without external IPs (and, with {@code headless}, not a headless one with ready
 * endpoints) does not exist here: NXDOMAIN with the zone's SOA, as in CoreDNS.
 */
final class ExternalLookup {
    private static final String NAMESERVER = "ns1";
    private static final String HOSTMASTER = "hostmaster";

    /**
     * One (address, port) or (hostname, port) a name selects, CoreDNS's {@code msg.Service};
     * {@code endpoint} is set for a headless service's endpoint (it names the SRV target).
     */
    private record Candidate(InetAddress address, Name hostname, int port, ReadyEndpoint endpoint) {
    }

    private final ZoneIndex index;
    private final ExternalConfig config;
    private final Name qname;
    private final int type;
    private final long ttl;
    private int zoneIndex;
    private Name zone;

    ExternalLookup(ZoneIndex index, ExternalConfig config, Name qname, int type) {
        this.index = index;
        this.config = config;
        this.qname = qname;
        this.type = type;
        this.ttl = config.ttl();
    }

    Answer answer() {
        zoneIndex = QueryName.zoneOf(qname, config.zones());
        if (zoneIndex == Answer.NO_ZONE) {
            return Answer.NOT_AUTHORITATIVE;
        }
        zone = config.zones().get(zoneIndex);
        int rel = qname.labels() - zone.labels();
        if (rel == 0) {
            return apex();
        }
        String top = QueryName.label(qname, rel, 0);
        if (top.equals(config.apex())) {
            return nameserverNode(rel);
        }
        if (ResolverConfig.isReverse(zone)) {
            return reverse();
        }
        if (!index.namespaceExists(top)) {
            return nxDomain();
        }
        if (rel == 1) {
            return noData();
        }
        ServiceEntry e = rel > 4 ? null : index.service(top, QueryName.label(qname, rel, 1));
        if (e == null) {
            return nxDomain();
        }
        if (rel == 2) {
            return service(e, null, null, null);
        }
        String third = QueryName.label(qname, rel, 2);
        if (rel == 3) {
            // no endpoint name starts with '_': this is the node above _port._proto
            return third.startsWith("_") ? protocolNode(e, third.substring(1)) : service(e, third, null, null);
        }
        String port = QueryName.label(qname, rel, 3);
        if (!third.startsWith("_") || !port.startsWith("_")) {
            return nxDomain();
        }
        return service(e, null, port.substring(1), third.substring(1));
    }

    private Answer apex() {
        if (type == Type.SOA) {
            return records(List.of(soa().withName(qname)), List.of());
        }
        if (type == Type.NS) {
            Name ns = nameserver();
            List<InetAddress> ips = nameserverAddresses();
            List<Record> glue = new ArrayList<>(RecordSets.addresses(ns, ttl, Type.A, ips));
            glue.addAll(RecordSets.addresses(ns, ttl, Type.AAAA, ips));
            return records(List.of(new NSRecord(qname, DClass.IN, ttl, ns)), glue);
        }
        return noData();
    }

    /** {@code APEX.ZONE} (an empty non-terminal), {@code ns1.APEX.ZONE}, anything else below APEX (NXDOMAIN). */
    private Answer nameserverNode(int rel) {
        if (rel == 1) {
            return noData();
        }
        if (rel != 2 || !QueryName.label(qname, rel, 1).equals(NAMESERVER)) {
            return nxDomain();
        }
        List<Record> out = RecordSets.addresses(qname, ttl, type, nameserverAddresses());
        return out.isEmpty() ? noData() : records(out, List.of());
    }

    /**
     * CoreDNS's way of finding its own external addresses: the Services that have one of this
     * server's addresses as a ready endpoint are its own (kube-dns, or a LoadBalancer Service
     * made to reach it from outside); their external IPs (with {@code headless}, a headless
     * service's endpoint addresses) are the nameserver's. When no Service has this server as an
     * endpoint (it runs outside the cluster), its own addresses are.
     */
    private List<InetAddress> nameserverAddresses() {
        List<InetAddress> out = new ArrayList<>();
        boolean found = false;
        for (InetAddress local : config.serverAddresses()) {
            for (ZoneIndex.PtrTarget t : index.endpointsAt(local)) {
                found = true;
                ServiceEntry e = t.entry();
                if (config.headless() && e.service().headless()) {
                    for (ReadyEndpoint ep : e.endpoints()) {
                        out.add(ep.address());
                    }
                } else {
                    out.addAll(e.externalIps());
                }
            }
        }
        return found ? out : config.serverAddresses();
    }

    private Answer reverse() {
        InetAddress ip = ReverseName.toAddress(qname);
        List<ServiceEntry> owners = ip == null ? List.of() : index.externalOwners(ip);
        Name forward = config.forwardZone();
        if (owners.isEmpty() || forward == null) {
            return nxDomain();
        }
        if (type != Type.PTR) {
            return noData();
        }
        List<Record> out = new ArrayList<>(owners.size());
        for (ServiceEntry e : owners) {
            out.add(new PTRRecord(qname, DClass.IN, ttl, serviceName(e, forward)));
        }
        return records(out, List.of());
    }

    /** {@code _proto.SVC.NS}: exists when a named port of that protocol has candidates. */
    private Answer protocolNode(ServiceEntry e, String protocol) {
        for (Candidate c : candidates(e, null, null, protocol)) {
            if (c.port() != Hit.NO_PORT) {
                return noData();
            }
        }
        return nxDomain();
    }

    private Answer service(ServiceEntry e, String endpoint, String port, String protocol) {
        List<Candidate> found = candidates(e, endpoint, port, protocol);
        if (found.isEmpty()) {
            return nxDomain();
        }
        return switch (type) {
            case Type.A, Type.AAAA -> addresses(found);
            case Type.CNAME -> found.get(0).hostname() != null ? records(List.of(cname(found.get(0).hostname())), List.of()) : noData();
            case Type.SRV -> srv(e, found);
            default -> noData();
        };
    }

    /**
     * A/AAAA of the selected addresses; a service known only by its load balancer's hostname
     * answers with the CNAME to it (the server may add the hostname's own addresses).
     */
    private Answer addresses(List<Candidate> found) {
        if (found.get(0).hostname() != null) {
            return records(List.of(cname(found.get(0).hostname())), List.of());
        }
        List<InetAddress> ips = new ArrayList<>(found.size());
        for (Candidate c : found) {
            ips.add(c.address());
        }
        List<Record> out = RecordSets.addresses(qname, ttl, type, ips);
        return out.isEmpty() ? noData() : records(out, List.of());
    }

    /** SRV: an external IP's target is the service's external name, an endpoint's its own name below it, a hostname itself. */
    private Answer srv(ServiceEntry e, List<Candidate> found) {
        Name service = serviceName(e, zone);
        List<RecordSets.SrvTarget> targets = new ArrayList<>(found.size());
        for (Candidate c : found) {
            Name target = c.hostname() != null ? c.hostname()
                    : c.endpoint() != null && c.port() != Hit.NO_PORT ? concat(Name.fromConstantString(c.endpoint().label()), service)
                    : service;
            targets.add(new RecordSets.SrvTarget(target, c.port(), c.address()));
        }
        List<Record> extra = new ArrayList<>();
        List<Record> answers = RecordSets.srv(qname, ttl, targets, extra);
        return answers.isEmpty() ? noData() : records(answers, extra);
    }

    /**
     * What {@code [endpoint.|_port._proto.]SVC.NS} selects. With {@code headless}, a headless
     * service without external IPs offers its ready endpoints (one candidate per matching port);
     * any other service its external IPs times its matching ports; a service with no external IP
     * but a load balancer hostname, that hostname (the first: one name has one CNAME). A service
     * without ports still has its addresses, with no SRV record (CoreDNS's port -1).
     */
    private List<Candidate> candidates(ServiceEntry e, String endpoint, String port, String protocol) {
        List<Candidate> out = new ArrayList<>();
        List<InetAddress> ips = e.externalIps();
        List<Name> hostnames = ips.isEmpty() ? e.externalHostnames() : List.of();
        if (config.headless() && e.service().headless() && ips.isEmpty() && hostnames.isEmpty()) {
            List<ReadyEndpoint> eps = endpoint != null ? e.endpointsByLabel(endpoint) : e.endpoints();
            for (ReadyEndpoint ep : eps) {
                if (ep.ports().isEmpty() && port == null && protocol == null) {
                    out.add(new Candidate(ep.address(), null, Hit.NO_PORT, ep));
                }
                for (EndpointPort p : ep.ports()) {
                    if (matches(p.name(), p.protocol().label(), port, protocol)) {
                        out.add(new Candidate(ep.address(), null, p.port(), ep));
                    }
                }
            }
            return out;
        }
        if (endpoint != null) {
            return out;
        }
        for (InetAddress ip : ips) {
            addPorts(out, e, ip, null, port, protocol);
        }
        if (!hostnames.isEmpty()) {
            // the first only: one name has one CNAME
            addPorts(out, e, null, hostnames.get(0), port, protocol);
        }
        return out;
    }

    /** One candidate per matching service port of one external address or hostname. */
    private static void addPorts(List<Candidate> out, ServiceEntry e, InetAddress ip, Name hostname, String port, String protocol) {
        if (e.service().ports().isEmpty() && port == null && protocol == null) {
            out.add(new Candidate(ip, hostname, Hit.NO_PORT, null));
        }
        for (ServicePort p : e.service().ports()) {
            if (matches(p.name(), p.protocol().label(), port, protocol)) {
                out.add(new Candidate(ip, hostname, p.port(), null));
            }
        }
    }

    private static boolean matches(String name, String protocol, String wantedName, String wantedProtocol) {
        return (wantedName == null || wantedName.equals(name)) && (wantedProtocol == null || wantedProtocol.equals(protocol));
    }

    private Record cname(Name target) {
        return new CNAMERecord(qname, DClass.IN, ttl, target);
    }

    /** {@code <svc>.<ns>.<zone>}. */
    private static Name serviceName(ServiceEntry e, Name zone) {
        return concat(Name.fromConstantString(e.service().name() + "." + e.service().namespace()), zone);
    }

    private Name nameserver() {
        return concat(Name.fromConstantString(NAMESERVER + "." + config.apex()), zone);
    }

    /**
     * CoreDNS's apex SOA: {@code ns1.APEX.ZONE. hostmaster.APEX.ZONE. serial 7200 1800 86400 ttl},
     * record TTL the plugin's; the serial is the time of the snapshot, as in the cluster zone.
     */
    private SOARecord soa() {
        Name admin = concat(Name.fromConstantString(HOSTMASTER + "." + config.apex()), zone);
        return new SOARecord(zone, DClass.IN, ttl, nameserver(), admin, index.serial(), ZoneAuthority.REFRESH, ZoneAuthority.RETRY,
                ZoneAuthority.EXPIRE, ttl);
    }

    private static Name concat(Name prefix, Name suffix) {
        try {
            return Name.concatenate(prefix, suffix);
        } catch (NameTooLongException e) {
            throw new IllegalArgumentException("name too long: " + prefix + suffix, e);
        }
    }

    private Answer records(List<Record> answers, List<Record> additional) {
        return new Answer.Records(answers, additional, zoneIndex);
    }

    private Answer noData() {
        return new Answer.NoData(soa(), zoneIndex);
    }

    private Answer nxDomain() {
        return new Answer.NxDomain(soa(), zoneIndex);
    }
}
