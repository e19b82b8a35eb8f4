package io.clusterdns.agent.nft;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.Protocol;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One expression or statement of a rule. The agent writes only these few shapes, so rules are
 * data: {@link #render} gives the nft text, and the tests' packet tracer interprets the same
 * records instead of parsing text.
 */
public sealed interface Expr {

    String render(Family f);

    /** Which address of the packet an expression looks at. */
    enum Dir {
        SADDR("saddr"), DADDR("daddr");

        final String word;

        Dir(String word) {
            this.word = word;
        }
    }

    /** {@code ct state new}: only the first packet of a connection is checked (and NATed). */
    record CtStateNew() implements Expr {
        @Override
        public String render(Family f) {
            return "ct state new";
        }
    }

    /** {@code ip daddr 10.96.0.10}, {@code ip saddr != 10.244.0.0/16}, {@code ip saddr != { a, b }}. */
    record Addr(Dir dir, boolean negate, List<String> values) implements Expr {
        public Addr {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("address match without values");
            }
        }

        @Override
        public String render(Family f) {
            String v = values.size() == 1 ? values.get(0) : "{ " + String.join(", ", values) + " }";
            return f.nft() + " " + dir.word + (negate ? " != " : " ") + v;
        }
    }

    /** {@code ip daddr @cluster-ips}. */
    record AddrInSet(Dir dir, String set) implements Expr {
        @Override
        public String render(Family f) {
            return f.nft() + " " + dir.word + " @" + set;
        }
    }

    /** {@code fib daddr type local}: the address is one of this node's. */
    record FibLocal(Dir dir) implements Expr {
        @Override
        public String render(Family f) {
            return "fib " + dir.word + " type local";
        }
    }

    /** {@code tcp dport 80}. */
    record Dport(Protocol protocol, int port) implements Expr {
        @Override
        public String render(Family f) {
            return protocol.label() + " dport " + port;
        }
    }

    /** {@code meta l4proto tcp}. */
    record L4Proto(Protocol protocol) implements Expr {
        @Override
        public String render(Family f) {
            return "meta l4proto " + protocol.label();
        }
    }

    /**
     * {@code numgen random mod 3 == 0}: true with probability 1/3. A chain of these over k = N..2
     * picks each of N endpoints with probability 1/N without any set.
     */
    record NumgenEq(int mod) implements Expr {
        @Override
        public String render(Family f) {
            return "numgen random mod " + mod + " == 0";
        }
    }

    /** {@code ct status dnat}: the connection's destination was rewritten. */
    record CtStatusDnat() implements Expr {
        @Override
        public String render(Family f) {
            return "ct status dnat";
        }
    }

    /** {@code ip saddr . ip daddr @set}: the (source, destination) pair is in the set. */
    record AddrPairInSet(String set) implements Expr {
        @Override
        public String render(Family f) {
            return f.nft() + " saddr . " + f.nft() + " daddr @" + set;
        }
    }

    /** {@code mark and 0x4000 == 0}: the packet was not marked for masquerading. */
    record MarkClear(int mark) implements Expr {
        @Override
        public String render(Family f) {
            return "mark and " + hex(mark) + " == 0";
        }
    }

    /** {@code mark set mark or 0x4000}. */
    record MarkSet(int mark) implements Expr {
        @Override
        public String render(Family f) {
            return "mark set mark or " + hex(mark);
        }
    }

    /** {@code mark set mark xor 0x4000}: clears the bit (already known to be set) before SNAT. */
    record MarkToggle(int mark) implements Expr {
        @Override
        public String render(Family f) {
            return "mark set mark xor " + hex(mark);
        }
    }

    /** {@code update @affinity-X { ip saddr }}: remember this client for session affinity. */
    record UpdateAffinity(String set) implements Expr {
        @Override
        public String render(Family f) {
            return "update @" + set + " { " + f.nft() + " saddr }";
        }
    }

    /** {@code reject} (ICMP port unreachable) or {@code reject with tcp reset}. */
    record Reject(boolean tcpReset) implements Expr {
        @Override
        public String render(Family f) {
            return tcpReset ? "reject with tcp reset" : "reject";
        }
    }

    /** {@code masquerade fully-random}. */
    record Masquerade() implements Expr {
        @Override
        public String render(Family f) {
            return "masquerade fully-random";
        }
    }

    /** {@code dnat to 10.244.1.5:8080} (needs a preceding {@link L4Proto}). */
    record Dnat(InetAddress ip, int port) implements Expr {
        @Override
        public String render(Family f) {
            String a = IpAddresses.format(ip);
            return "dnat to " + (ip instanceof Inet6Address ? "[" + a + "]" : a) + ":" + port;
        }
    }

    /** The key a dispatch map is looked up with. */
    enum VmapKey {
        /** {@code ip daddr . meta l4proto . th dport}. */
        DADDR_PROTO_PORT,
        /** {@code meta l4proto . th dport}. */
        PROTO_PORT
    }

    /** {@code ip daddr . meta l4proto . th dport vmap @service-ips}: O(1) dispatch. */
    record Vmap(VmapKey key, String map) implements Expr {
        @Override
        public String render(Family f) {
            String k = key == VmapKey.DADDR_PROTO_PORT ? f.nft() + " daddr . meta l4proto . th dport" : "meta l4proto . th dport";
            return k + " vmap @" + map;
        }
    }

    /**
     * {@code numgen random mod 2 vmap { 0 : goto a, 1 : goto b }}: pick an endpoint uniformly; with
     * {@code roundRobin}, {@code numgen inc}: each evaluation the next endpoint (the counter lives in
     * the rule, so it restarts at 0 when the rule is replaced).
     */
    record NumgenVmap(boolean roundRobin, List<String> chains) implements Expr {
        public NumgenVmap {
            chains = List.copyOf(chains);
            if (chains.isEmpty()) {
                throw new IllegalArgumentException("numgen over no endpoints");
            }
        }

        public NumgenVmap(List<String> chains) {
            this(false, chains);
        }

        @Override
        public String render(Family f) {
            StringBuilder sb = new StringBuilder("numgen ").append(roundRobin ? "inc" : "random").append(" mod ")
                    .append(chains.size()).append(" vmap { ");
            for (int i = 0; i < chains.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(i).append(" : goto ").append(chains.get(i));
            }
            return sb.append(" }").toString();
        }
    }

    /** What a consistent-hash pick hashes. */
    enum HashKey {
        /** {@code ip saddr . ip daddr . meta l4proto . th sport . th dport}: one flow, one endpoint. */
        FIVE_TUPLE,
        /** {@code ip saddr}: one client, one endpoint. */
        SOURCE;

        String render(Family f) {
            return this == SOURCE ? f.nft() + " saddr"
                    : f.nft() + " saddr . " + f.nft() + " daddr . meta l4proto . th sport . th dport";
        }
    }

    /**
     * {@code jhash ip saddr ... mod M seed 0x5eed vmap @maglev-X}: the lookup table of M slots is the
     * named map {@code map} (slot number : goto endpoint chain), so a change of endpoints sends only
     * the slots that changed owner. The seed is fixed so that every node hashes a flow to the same slot.
     */
    record JhashVmap(HashKey key, int seed, int mod, String map) implements Expr {
        public JhashVmap {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(map, "map");
            if (mod < 1) {
                throw new IllegalArgumentException("jhash mod must be > 0, got " + mod);
            }
        }

        @Override
        public String render(Family f) {
            return "jhash " + key.render(f) + " mod " + mod + " seed " + hex(seed) + " vmap @" + map;
        }
    }

    /** What a map element maps its key to: a verdict, or an endpoint's address and port. */
    sealed interface MapValue extends Expr {
    }

    /** A verdict: ends the rule, and is also the value type of verdict maps. */
    sealed interface Verdict extends MapValue {
    }

    /** {@code 10.244.1.5 . 8080}: an element value of the {@code dnat-slots} data map. */
    record AddrPort(InetAddress ip, int port) implements MapValue {
        @Override
        public String render(Family f) {
            return IpAddresses.format(ip) + " . " + port;
        }
    }

    /**
     * {@code dnat ip addr . port to numgen random mod 3 offset 96 map @dnat-slots} (needs a
     * preceding {@link L4Proto}): picks slot {@code offset + k}, k uniform in [0, mod), and DNATs to
     * the address and port that slot holds. The slots are elements of a named data map, so an
     * endpoint change with the same number of endpoints rewrites elements only: no rule is added,
     * and the kernel does not re-validate the table (which it does for every transaction that adds
     * a rule with {@code dnat} or a {@code goto} element: tens of ms at 10,000 services).
     */
    record DnatSlots(int mod, int offset, String map) implements Expr {
        public DnatSlots {
            Objects.requireNonNull(map, "map");
            if (mod < 1 || offset < 0) {
                throw new IllegalArgumentException("numgen mod " + mod + " offset " + offset);
            }
        }

        @Override
        public String render(Family f) {
            return "dnat " + f.nft() + " addr . port to numgen random mod " + mod + " offset " + offset + " map @" + map;
        }
    }

    record Goto(String chain) implements Verdict {
        @Override
        public String render(Family f) {
            return "goto " + chain;
        }
    }

    record Jump(String chain) implements Verdict {
        @Override
        public String render(Family f) {
            return "jump " + chain;
        }
    }

    record Drop() implements Verdict {
        @Override
        public String render(Family f) {
            return "drop";
        }
    }

    record Return() implements Verdict {
        @Override
        public String render(Family f) {
            return "return";
        }
    }

    private static String hex(int mark) {
        return "0x" + Integer.toHexString(mark);
    }
}
