package io.clusterdns.resolver;

import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServicePort;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * One question against one {@link ClusterSetIndex}, per the Kubernetes DNS-Based Multicluster
 * Service Discovery specification (schema 1.0.0):
 *
 * <pre>
 * &lt;svc&gt;.&lt;ns&gt;.svc.&lt;zone&gt;                        ClusterSetIP: A/AAAA of spec.ips; Headless: every ready endpoint (NXDOMAIN without one)
 * _&lt;port&gt;._&lt;proto&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;zone&gt;          SRV per named port: to &lt;svc&gt;.&lt;ns&gt;.svc.&lt;zone&gt;, or per endpoint to its name
 * &lt;hostname&gt;.&lt;clusterid&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;zone&gt;  Headless: that cluster's endpoint(s) of that hostname
 * &lt;clusterid&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;zone&gt;             no records (spec 2.3.4, 2.4.4): NODATA above a headless import's names, else NXDOMAIN
 * dns-version.&lt;zone&gt;                            TXT "1.0.0"
 * </pre>
 *
 * The rest (apex SOA/NS, {@code svc.<zone>} and {@code <ns>.svc.<zone>} empty non-terminals, SRV
 * weights, NODATA for a name that exists for other types, owner names echoing the question's case)
 * is the cluster zone's ({@link ZoneLookup}). There are no pod names and no PTR records.
 */
final class ClusterSetLookup {
    /** The MCS DNS specification's schema version (section 1), answered at {@code dns-version.<zone>}. */
    static final String SCHEMA_VERSION = "1.0.0";

    private final ClusterSetIndex index;
    private final Name qname;
    private final int type;
    private final long ttl;
    private QueryName q;

    ClusterSetLookup(ClusterSetIndex index, Name qname, int type) {
        this.index = index;
        this.qname = qname;
        this.type = type;
        this.ttl = index.config().ttl();
    }

    Answer answer() {
        q = QueryName.parse(qname, index.config().zones());
        return switch (q.kind()) {
            case NOT_IN_ZONE -> Answer.NOT_AUTHORITATIVE;
            case APEX -> apex();
            case DNS_VERSION -> type == Type.TXT
                    ? records(List.of(new TXTRecord(qname, DClass.IN, ZoneLookup.SCHEMA_VERSION_TTL, SCHEMA_VERSION)), List.of())
                    : noData();
            case NAMESERVER -> addresses(index.nameserverAddresses());
            case DNS_ENT, SVC_ENT -> noData();
            case SERVICE_NAMESPACE -> index.namespaceExists(q.namespace()) ? noData() : nxDomain();
            case SERVICE -> service();
            case PROTOCOL_ENT -> protocolNode();
            case NONEXISTENT -> clusterEndpoint();
            case POD_ENT, POD_NAMESPACE, POD, REVERSE -> nxDomain();
        };
    }

    private Answer apex() {
        RecordSets.Found apex = index.authority(q.zoneIndex()).apex(qname, type);
        return apex == null ? noData() : records(apex.answers(), apex.additional());
    }

    /** {@code <svc>.<ns>.svc}, {@code _<port>._<proto>.<svc>.<ns>.svc}, or {@code <clusterid>.<svc>.<ns>.svc} (QueryName's endpoint label). */
    private Answer service() {
        ClusterSetEntry e = index.entry(q.namespace(), q.service());
        if (e == null || !e.exists()) {
            return nxDomain();
        }
        if (q.endpoint() != null) {
            return e.serviceImport().headless() && e.hasCluster(q.endpoint()) ? noData() : nxDomain();
        }
        List<Hit> hits = e.serviceImport().headless() ? endpointHits(e.endpoints()) : clusterSetIpHits(e.serviceImport());
        if (q.port() != null && hits.isEmpty() && !hasPort(e)) {
            return nxDomain();
        }
        return answer(e, hits);
    }

    /** {@code <hostname>.<clusterid>.<svc>.<ns>.svc}: the one name shape of the clusterset zone the cluster zone does not have. */
    private Answer clusterEndpoint() {
        Name zone = index.config().zones().get(q.zoneIndex());
        int rel = qname.labels() - zone.labels();
        if (rel != 5 || !label(rel, 0).equals("svc") || label(rel, 3).startsWith("_") || label(rel, 4).startsWith("_")) {
            return nxDomain();
        }
        ClusterSetEntry e = index.entry(label(rel, 1), label(rel, 2));
        if (e == null || !e.serviceImport().headless()) {
            return nxDomain();
        }
        List<ClusterSetEntry.ClusterEndpoint> selected = e.endpoints(label(rel, 3), label(rel, 4));
        if (selected.isEmpty()) {
            return nxDomain();
        }
        return answer(e, endpointHits(selected));
    }

    /** The k-th label left of the zone, lower-cased (as {@link QueryName} reads them). */
    private String label(int rel, int k) {
        return qname.getLabelString(rel - 1 - k).toLowerCase(Locale.ROOT);
    }

    /** Records of a name that exists: A/AAAA of the selected addresses, SRV of the selected ports, NODATA for the rest. */
    private Answer answer(ClusterSetEntry e, List<Hit> hits) {
        if (type == Type.A || type == Type.AAAA) {
            if (!e.serviceImport().headless() && q.port() == null) {
                // its IPs, also when it has no ports: the spec asks for the A/AAAA record alone
                return addresses(e.serviceImport().ips());
            }
            List<InetAddress> ips = new ArrayList<>(hits.size());
            hits.forEach(h -> ips.add(h.address()));
            return addresses(ips);
        }
        if (type != Type.SRV || hits.isEmpty()) {
            return noData();
        }
        Name zone = q.zone();
        Name serviceName = e.name(zone);
        RecordSets.Found srv = RecordSets.srv(qname, ttl, hits, h -> h.label() == null ? serviceName : e.endpointName(h.label(), zone));
        return srv.answers().isEmpty() ? noData() : records(srv.answers(), srv.additional());
    }

    /** One hit per clusterset IP and selected port; the SRV target is the import's name. */
    private List<Hit> clusterSetIpHits(ServiceImportInfo i) {
        List<Hit> hits = new ArrayList<>();
        for (ServicePort p : i.ports()) {
            if (portMatches(p.name(), p.protocol().label())) {
                for (InetAddress ip : i.ips()) {
                    hits.add(new Hit(ip, p.port(), null));
                }
            }
        }
        return hits;
    }

    /** One hit per endpoint and selected port (its slice's ports); the SRV target is the endpoint's per-cluster name. */
    private List<Hit> endpointHits(List<ClusterSetEntry.ClusterEndpoint> endpoints) {
        List<Hit> hits = new ArrayList<>();
        for (ClusterSetEntry.ClusterEndpoint ce : endpoints) {
            ReadyEndpoint ep = ce.endpoint();
            if (ep.ports().isEmpty()) {
                if (q.port() == null && q.protocol() == null) {
                    hits.add(new Hit(ep.address(), Hit.NO_PORT, ce.label()));
                }
                continue;
            }
            for (EndpointPort p : ep.ports()) {
                if (portMatches(p.name(), p.protocol().label())) {
                    hits.add(new Hit(ep.address(), p.port(), ce.label()));
                }
            }
        }
        return hits;
    }

    /** A ClusterSetIP import without IPs yet still has its SRV names (NODATA), as it has its own name. */
    private boolean hasPort(ClusterSetEntry e) {
        return !e.serviceImport().headless() && e.serviceImport().ports().stream().anyMatch(p -> portMatches(p.name(), p.protocol().label()));
    }

    private boolean portMatches(String name, String protocol) {
        return (q.port() == null || q.port().equals(name)) && (q.protocol() == null || q.protocol().equals(protocol));
    }

    /** {@code _<proto>.<svc>.<ns>.svc}: an empty non-terminal when a named port of that protocol exists. */
    private Answer protocolNode() {
        ClusterSetEntry e = index.entry(q.namespace(), q.service());
        if (e == null || !e.exists()) {
            return nxDomain();
        }
        boolean exists = e.serviceImport().headless()
                ? e.endpoints().stream().flatMap(ce -> ce.endpoint().ports().stream())
                        .anyMatch(p -> p.name() != null && p.protocol().label().equals(q.protocol()))
                : e.serviceImport().ports().stream().anyMatch(p -> p.name() != null && p.protocol().label().equals(q.protocol()));
        return exists ? noData() : nxDomain();
    }

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
