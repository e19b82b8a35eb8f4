package io.clusterdns.resolver;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Name;

/**
 * A question name taken apart, relative to the zone that holds it, before anything is looked up
 * (the shape of CoreDNS's {@code parseRequest}). Labels are lower-cased: Kubernetes object names
 * are lower-case DNS labels, so a lower-cased label is the lookup key.
 *
 * <p>Forward-zone shapes, right to left after the zone: {@code svc|pod}, namespace, service or pod
 * name, then either one endpoint label or {@code _port._proto}. Anything longer is NXDOMAIN.
 */
public record QueryName(
        Kind kind,
        Name zone,
        int zoneIndex,
        String namespace,
        String service,
        String endpoint,
        String port,
        String protocol,
        InetAddress address) {

    /** What the name denotes; field use per kind is documented on each constant. */
    public enum Kind {
        /** Outside every configured zone. */
        NOT_IN_ZONE,
        /** The zone apex: SOA, NS. */
        APEX,
        /** {@code dns-version.<zone>}: the schema TXT record. */
        DNS_VERSION,
        /** {@code dns.<zone>}: empty non-terminal above {@code ns.dns}. */
        DNS_ENT,
        /** {@code ns.dns.<zone>}: address of the DNS service. */
        NAMESERVER,
        /** {@code svc.<zone>}: empty non-terminal. */
        SVC_ENT,
        /** {@code pod.<zone>}: empty non-terminal. */
        POD_ENT,
        /** {@code <namespace>.svc.<zone>}. */
        SERVICE_NAMESPACE,
        /** {@code <namespace>.pod.<zone>}. */
        POD_NAMESPACE,
        /** {@code [endpoint.|_port._proto.]<service>.<namespace>.svc.<zone>}; endpoint/port/protocol may be null. */
        SERVICE,
        /** {@code _proto.<service>.<namespace>.svc.<zone>}: empty non-terminal above the SRV names (protocol set). */
        PROTOCOL_ENT,
        /** {@code <dashed-ip>.<namespace>.pod.<zone>}; address set when the label is a valid dashed IP. */
        POD,
        /** A complete {@code in-addr.arpa}/{@code ip6.arpa} name in a reverse zone; address set. */
        REVERSE,
        /** Any other name inside a zone: does not exist. */
        NONEXISTENT
    }

    private static final String SVC = "svc";
    private static final String POD = "pod";

    /** The index of the longest of {@code zones} holding {@code qname}, as in CoreDNS; {@link Answer#NO_ZONE} when none does. */
    public static int zoneOf(Name qname, List<Name> zones) {
        int best = Answer.NO_ZONE;
        for (int i = 0; i < zones.size(); i++) {
            Name z = zones.get(i);
            if (qname.subdomain(z) && (best < 0 || z.labels() > zones.get(best).labels())) {
                best = i;
            }
        }
        return best;
    }

    /** Parses {@code qname} against {@code zones}; the longest matching zone wins, as in CoreDNS. */
    public static QueryName parse(Name qname, List<Name> zones) {
        int best = zoneOf(qname, zones);
        if (best < 0) {
            return of(Kind.NOT_IN_ZONE, null, -1);
        }
        Name zone = zones.get(best);
        int rel = qname.labels() - zone.labels();
        if (rel == 0) {
            return of(Kind.APEX, zone, best);
        }
        if (ResolverConfig.isReverse(zone)) {
            InetAddress a = ReverseName.toAddress(qname);
            return a == null ? of(Kind.NONEXISTENT, zone, best)
                    : new QueryName(Kind.REVERSE, zone, best, null, null, null, null, null, a);
        }
        // label(k) = k-th label counted from the zone leftwards, 0 being the one just below the zone
        String top = label(qname, rel, 0);
        if (rel == 1) {
            return switch (top) {
                case SVC -> of(Kind.SVC_ENT, zone, best);
                case POD -> of(Kind.POD_ENT, zone, best);
                case "dns-version" -> of(Kind.DNS_VERSION, zone, best);
                case "dns" -> of(Kind.DNS_ENT, zone, best);
                default -> of(Kind.NONEXISTENT, zone, best);
            };
        }
        if (top.equals("dns")) {
            return rel == 2 && label(qname, rel, 1).equals("ns") ? of(Kind.NAMESERVER, zone, best) : of(Kind.NONEXISTENT, zone, best);
        }
        if (!top.equals(SVC) && !top.equals(POD)) {
            return of(Kind.NONEXISTENT, zone, best);
        }
        boolean svc = top.equals(SVC);
        String namespace = label(qname, rel, 1);
        if (rel == 2) {
            return new QueryName(svc ? Kind.SERVICE_NAMESPACE : Kind.POD_NAMESPACE, zone, best, namespace, null, null, null, null, null);
        }
        String name = label(qname, rel, 2);
        if (!svc) {
            if (rel != 3) {
                return of(Kind.NONEXISTENT, zone, best);
            }
            return new QueryName(Kind.POD, zone, best, namespace, name, null, null, null, PodName.toAddress(name));
        }
        return switch (rel) {
            case 3 -> new QueryName(Kind.SERVICE, zone, best, namespace, name, null, null, null, null);
            case 4 -> parseFourth(qname, zone, best, namespace, name);
            case 5 -> parsePortProtocol(qname, zone, best, namespace, name);
            default -> of(Kind.NONEXISTENT, zone, best);
        };
    }

    private static QueryName parseFourth(Name qname, Name zone, int zoneIndex, String namespace, String service) {
        String l = label(qname, 4, 3);
        if (l.startsWith("_")) {
            // no endpoint hostname can start with '_': this is the node above _port._proto
            return new QueryName(Kind.PROTOCOL_ENT, zone, zoneIndex, namespace, service, null, null, l.substring(1), null);
        }
        return new QueryName(Kind.SERVICE, zone, zoneIndex, namespace, service, l, null, null, null);
    }

    private static QueryName parsePortProtocol(Name qname, Name zone, int zoneIndex, String namespace, String service) {
        String proto = label(qname, 5, 3);
        String port = label(qname, 5, 4);
        if (!proto.startsWith("_") || !port.startsWith("_")) {
            return of(Kind.NONEXISTENT, zone, zoneIndex);
        }
        return new QueryName(Kind.SERVICE, zone, zoneIndex, namespace, service, null, port.substring(1), proto.substring(1), null);
    }

    private static QueryName of(Kind kind, Name zone, int zoneIndex) {
        return new QueryName(kind, zone, zoneIndex, null, null, null, null, null, null);
    }

    /** The k-th label left of the zone, lower-cased; {@code rel} is the number of labels left of the zone. */
    static String label(Name qname, int rel, int k) {
        return qname.getLabelString(rel - 1 - k).toLowerCase(Locale.ROOT);
    }
}
