package io.clusterdns.server.plugin.local;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.wire.Responses;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code local} plugin, as CoreDNS's: answers for the names that must never leave the host
 * (RFC 6761, RFC 6303), whatever the server block's zones.
 *
 * <ul>
 *   <li>{@code localhost.}: A 127.0.0.1, AAAA ::1, its SOA and NS; other types NODATA with the SOA.
 *   <li>Names below {@code localhost.}, and (with {@code localhost_prefix on}, the default) names whose
 *       first label is {@code localhost}: A 127.0.0.1, AAAA ::1, other types NODATA; counted in
 *       {@code coredns_local_localhost_requests_total}.
 *   <li>{@code 0.in-addr.arpa.}, {@code 127.in-addr.arpa.}, {@code 255.in-addr.arpa.}: SOA and NS at the
 *       apex, NODATA for other types there; {@code 1.0.0.127.in-addr.arpa.} PTR {@code localhost.};
 *       any other name in them NXDOMAIN with the zone's SOA.
 *   <li>The reverse name of {@code ::1} (32 nibbles under {@code ip6.arpa.}): PTR {@code localhost.}, SOA
 *       and NS, NODATA for other types. CoreDNS leaves it to the next plugins (its README's "Bugs").
 * </ul>
 *
 * Every record has TTL 604800 (a week), as CoreDNS's; answers are not marked authoritative, as
 * CoreDNS does not mark them. Other names go on.
 */
public final class LocalPlugin implements Plugin {
    static final long TTL = 604800;
    static final Name LOCALHOST = Name.fromConstantString("localhost.");
    private static final Name ROOT_LOCALHOST = Name.fromConstantString("root.localhost.");
    private static final Name LOOPBACK_V4 = Name.fromConstantString("1.0.0.127.in-addr.arpa.");
    static final Name LOOPBACK_V6 = Name.fromConstantString("1." + "0.".repeat(31) + "ip6.arpa.");
    /** The zones answered here; each is also a name with an SOA and NS of its own. */
    private static final List<Name> ZONES = List.of(LOCALHOST, Name.fromConstantString("0.in-addr.arpa."),
            Name.fromConstantString("127.in-addr.arpa."), Name.fromConstantString("255.in-addr.arpa."), LOOPBACK_V6);

    private final LocalConfig config;
    private final Counter localhostRequests;

    /** @param localhostRequests {@code coredns_local_localhost_requests_total} ({@link LocalMetrics#requests}) */
    public LocalPlugin(LocalConfig config, Counter localhostRequests) {
        this.config = config;
        this.localhostRequests = localhostRequests;
    }

    @Override
    public String name() {
        return LocalConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        Name qname = request.qname();
        int type = request.qtype();
        if (loopbackName(qname)) {
            localhostRequests.increment();
            Message m = Responses.start(request.message(), Rcode.NOERROR);
            Record address = address(qname, type);
            if (address != null) {
                m.addRecord(address, Section.ANSWER);
            } else {
                m.addRecord(soa(qname), Section.AUTHORITY);
            }
            writer.write(m);
            return;
        }
        Name zone = zone(qname);
        if (zone == null) {
            next.serve(request, writer);
            return;
        }
        // the zone as the client typed it, for the SOA of a denial
        Name typedZone = new Name(qname, qname.labels() - zone.labels());
        Message m = Responses.start(request.message(), Rcode.NOERROR);
        if (ZONES.contains(qname)) {
            Record answer = switch (type) {
                case Type.SOA -> soa(qname);
                case Type.NS -> new NSRecord(qname, DClass.IN, TTL, LOCALHOST);
                case Type.A, Type.AAAA -> qname.equals(LOCALHOST) ? address(qname, type) : null;
                case Type.PTR -> qname.equals(LOOPBACK_V6) ? new PTRRecord(qname, DClass.IN, TTL, LOCALHOST) : null;
                default -> null;
            };
            m.addRecord(answer != null ? answer : soa(qname), answer != null ? Section.ANSWER : Section.AUTHORITY);
        } else if (qname.equals(LOOPBACK_V4)) {
            if (type == Type.PTR) {
                m.addRecord(new PTRRecord(qname, DClass.IN, TTL, LOCALHOST), Section.ANSWER);
            } else {
                m.addRecord(soa(typedZone), Section.AUTHORITY);
            }
        } else {
            m.getHeader().setRcode(Rcode.NXDOMAIN);
            m.addRecord(soa(typedZone), Section.AUTHORITY);
        }
        writer.write(m);
    }

    /** Below {@code localhost.}, or (the legacy prefix) a first label {@code localhost} with more after it. */
    private boolean loopbackName(Name qname) {
        if (qname.labels() <= 2) {
            return false;
        }
        return qname.subdomain(LOCALHOST) || config.localhostPrefix() && qname.getLabelString(0).equalsIgnoreCase("localhost");
    }

    private static Name zone(Name qname) {
        for (Name z : ZONES) {
            if (qname.subdomain(z)) {
                return z;
            }
        }
        return null;
    }

    /** A 127.0.0.1 or AAAA ::1 for {@code qname}; null for other types. */
    private static Record address(Name qname, int type) {
        return switch (type) {
            case Type.A -> new ARecord(qname, DClass.IN, TTL, IpAddresses.parse("127.0.0.1"));
            case Type.AAAA -> new AAAARecord(qname, DClass.IN, TTL, IpAddresses.parse("::1"));
            default -> null;
        };
    }

    private static SOARecord soa(Name owner) {
        return new SOARecord(owner, DClass.IN, TTL, LOCALHOST, ROOT_LOCALHOST, 1, 0, 0, 0, TTL);
    }
}
