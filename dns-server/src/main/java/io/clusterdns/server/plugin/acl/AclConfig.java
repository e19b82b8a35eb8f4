package io.clusterdns.server.plugin.acl;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.server.chain.MergedLines;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * CoreDNS's {@code acl [ZONES...] { ACTION [type QTYPE...] [net SOURCE...] }}: every {@code acl} line
 * of a block is one rule (its zones and its policies in order); the rules of all lines are
 * checked in the order written, and the first policy matching the query's type and source
 * address decides. Nothing matching: allowed.
 *
 * @param rules one per {@code acl} line, in written order
 */
public record AclConfig(List<Rule> rules) implements MergedLines<AclConfig> {
    public static final String NAME = "acl";

    public AclConfig {
        rules = List.copyOf(rules);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AclConfig and(AclConfig later) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(later.rules);
        return new AclConfig(all);
    }

    /** What a matching policy does with the query. */
    public enum Action {
        /** Pass it on to the next plugin; no later policy or rule is looked at. */
        ALLOW,
        /** REFUSED, with the extended DNS error Blocked (15). */
        BLOCK,
        /** NOERROR without records, with the extended DNS error Filtered (17). */
        FILTER,
        /** No response at all. */
        DROP
    }

    /**
     * One {@code acl} line.
     *
     * @param zones    the names it applies to: the line's zones, else the block's
     * @param policies its lines, in order
     */
    public record Rule(List<Name> zones, List<Policy> policies) {
        public Rule {
            zones = List.copyOf(zones);
            policies = List.copyOf(policies);
        }
    }

    /**
     * One {@code ACTION [type QTYPE...] [net SOURCE...]} line.
     *
     * @param types   query types it matches (dnsjava {@code Type} values); empty: every type ({@code type *} or none written)
     * @param sources source prefixes it matches; empty: every address ({@code net *} or none written)
     */
    public record Policy(Action action, Set<Integer> types, List<Prefix> sources) {
        public Policy {
            types = Set.copyOf(types);
            sources = List.copyOf(sources);
        }
    }

    /**
     * An address prefix, its host bits cleared: {@code 10.244.3.0/24}, {@code 192.0.2.7/32},
     * {@code fd00::/8}.
     */
    public record Prefix(InetAddress network, int length) {
        public Prefix {
            int bits = network.getAddress().length * 8;
            if (length < 0 || length > bits) {
                throw new IllegalArgumentException("prefix length " + length + " is not 0.." + bits);
            }
        }

        /**
         * A CIDR ({@code 10.0.0.0/8}, host bits allowed and cleared as Go's {@code ParseCIDR} does) or
         * a single address ({@code /32}, {@code /128}); null when it is neither.
         */
        public static Prefix parse(String text) {
            int slash = text.indexOf('/');
            InetAddress ip = IpAddresses.tryParse(slash < 0 ? text : text.substring(0, slash));
            if (ip == null) {
                return null;
            }
            int bits = ip.getAddress().length * 8;
            int length = bits;
            if (slash >= 0) {
                String len = text.substring(slash + 1);
                if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return null;
                }
                length = Integer.parseInt(len);
                if (length > bits) {
                    return null;
                }
            }
            byte[] a = ip.getAddress();
            for (int i = 0; i < a.length; i++) {
                int keep = Math.max(0, Math.min(8, length - i * 8));
                a[i] &= (byte) (0xFF << (8 - keep));
            }
            try {
                return new Prefix(InetAddress.getByAddress(a), length);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return IpAddresses.format(network) + "/" + length;
        }
    }
}
