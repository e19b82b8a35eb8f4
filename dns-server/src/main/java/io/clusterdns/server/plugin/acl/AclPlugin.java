package io.clusterdns.server.plugin.acl;

import io.clusterdns.server.chain.Zones;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.wire.Responses;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * The {@code acl} plugin: the rules of the block's {@code acl} lines, in order; a rule applies to
 * names under its zones, and its first policy matching the query type and the source address of
 * the packet decides: allow (on to the next plugin, no other rule looked at), block (REFUSED,
 * extended error Blocked), filter (NOERROR without records, extended error Filtered), drop (no
 * response at all). Without a matching policy the query is allowed. Matching allocates nothing
 * but the client address's bytes, read once.
 */
public final class AclPlugin implements Plugin {
    private final Rule[] rules;
    private final AclMetrics metrics;

    /** One rule compiled for matching: zones, and policies with sorted types and prefix sets. */
    private record Rule(Name[] zones, Policy[] policies) {
        /** The longest of the zones holding {@code qname}, null when none does. */
        Name zoneOf(Name qname) {
            return Zones.longest(zones, qname);
        }
    }

    /** @param types sorted, null for every type; {@code sources} null for every address */
    private record Policy(AclConfig.Action action, int[] types, AddressSet sources) {
        boolean matches(int qtype, byte[] source) {
            return (types == null || Arrays.binarySearch(types, qtype) >= 0) && (sources == null || sources.contains(source));
        }
    }

    public AclPlugin(AclConfig config, MeterRegistry registry) {
        this.rules = config.rules().stream().map(AclPlugin::compile).toArray(Rule[]::new);
        this.metrics = new AclMetrics(registry);
    }

    private static Rule compile(AclConfig.Rule rule) {
        Policy[] policies = rule.policies().stream().map(p -> new Policy(p.action(),
                        p.types().isEmpty() ? null : p.types().stream().mapToInt(Integer::intValue).sorted().toArray(),
                        p.sources().isEmpty() ? null : AddressSet.of(p.sources())))
                .toArray(Policy[]::new);
        return new Rule(rule.zones().toArray(Name[]::new), policies);
    }

    @Override
    public String name() {
        return AclConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        Name qname = request.qname();
        int qtype = request.qtype();
        byte[] source = null;
        rules:
        for (Rule rule : rules) {
            Name zone = rule.zoneOf(qname);
            if (zone == null) {
                continue;
            }
            if (source == null) {
                source = request.client().getAddress().getAddress();
            }
            for (Policy p : rule.policies()) {
                if (!p.matches(qtype, source)) {
                    continue;
                }
                if (p.action() == AclConfig.Action.ALLOW) {
                    break rules;
                }
                metrics.stopped(p.action(), request.listener().label(), zone);
                switch (p.action()) {
                    case BLOCK -> writer.write(withError(Responses.start(request.message(), Rcode.REFUSED), ExtendedErrorCodeOption.BLOCKED));
                    case FILTER -> writer.write(withError(Responses.start(request.message(), Rcode.NOERROR), ExtendedErrorCodeOption.FILTERED));
                    default -> writer.drop();
                }
                return;
            }
        }
        metrics.allowed(request.listener().label());
        next.serve(request, writer);
    }

    /** The response with an extended DNS error (RFC 8914), as CoreDNS adds it; sent to EDNS clients only. */
    private static Message withError(Message response, int code) {
        response.addRecord(new OPTRecord(Responses.ADVERTISED_UDP_PAYLOAD, 0, 0, 0, List.of(new ExtendedErrorCodeOption(code))),
                Section.ADDITIONAL);
        return response;
    }
}
