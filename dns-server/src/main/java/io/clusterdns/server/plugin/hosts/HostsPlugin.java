package io.clusterdns.server.plugin.hosts;

import io.clusterdns.server.chain.Zones;
import io.clusterdns.resolver.ReverseName;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.wire.Responses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code hosts} plugin, answering as CoreDNS 1.12's (with the wildcards and
 * {@code fallthrough_unsupported} of later versions):
 *
 * <ul>
 *   <li>A and AAAA for names under its zones, from the file and the inline entries; other names go on.
 *   <li>PTR for any reverse name whose address has entries (its zones do not matter, as in CoreDNS);
 *       a reverse name without entries always goes on.
 *   <li>A name with entries, asked for a type it has none of: NODATA (NOERROR, empty, authoritative);
 *       with {@code fallthrough_unsupported}, types other than A, AAAA and PTR go on instead.
 *   <li>A name without entries: on to the next plugin where {@code fallthrough} covers it, else
 *       SERVFAIL (CoreDNS: a hosts file has no SOA to make an NXDOMAIN with).
 * </ul>
 *
 * Answers are authoritative, with the configured TTL. Lookups read one immutable snapshot; the
 * file is read on the timer thread ({@link HostsFile}).
 */
public final class HostsPlugin implements Plugin {
    private final HostsConfig config;
    private final HostsFile file;

    /** @param file the line's data (kept across reloads that leave the line alone) */
    public HostsPlugin(HostsConfig config, HostsFile file) {
        this.config = config;
        this.file = file;
    }

    @Override
    public String name() {
        return HostsConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        Name qname = request.qname();
        int type = request.qtype();
        if (type != Type.PTR && !Zones.holds(config.zones(), qname)) {
            next.serve(request, writer);
            return;
        }
        HostsData data = file.data();
        List<Record> answers = new ArrayList<>();
        switch (type) {
            case Type.PTR -> {
                InetAddress address = ReverseName.toAddress(qname);
                List<Name> names = address == null ? List.of() : data.names(address);
                if (names.isEmpty()) {
                    next.serve(request, writer);
                    return;
                }
                for (Name n : names) {
                    answers.add(new PTRRecord(qname, DClass.IN, config.ttl(), n));
                }
            }
            case Type.A -> {
                for (InetAddress a : data.addresses(qname, false)) {
                    answers.add(new ARecord(qname, DClass.IN, config.ttl(), a));
                }
            }
            case Type.AAAA -> {
                for (InetAddress a : data.addresses(qname, true)) {
                    answers.add(new AAAARecord(qname, DClass.IN, config.ttl(), a));
                }
            }
            default -> {
                if (config.fallthroughUnsupported() && config.fallthrough().through(qname)) {
                    next.serve(request, writer);
                    return;
                }
            }
        }
        if (answers.isEmpty() && !data.exists(qname)) {
            if (config.fallthrough().through(qname)) {
                next.serve(request, writer);
            } else {
                writer.fail(Rcode.SERVFAIL, null);
            }
            return;
        }
        Message response = Responses.start(request.message(), Rcode.NOERROR);
        response.getHeader().setFlag(Flags.AA);
        for (Record r : answers) {
            response.addRecord(r, Section.ANSWER);
        }
        writer.write(response);
    }
}
