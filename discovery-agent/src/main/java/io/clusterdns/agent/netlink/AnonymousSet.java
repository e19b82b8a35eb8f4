package io.clusterdns.agent.netlink;

import io.clusterdns.agent.nft.Expr;
import io.clusterdns.agent.nft.Family;
import io.clusterdns.k8s.model.IpAddresses;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An anonymous set or verdict map written inline in a rule ({@code ip saddr != { a, b }},
 * {@code numgen random mod 2 vmap { 0 : goto a, 1 : goto b }}): nft creates it in the same
 * transaction, just before the rule, as {@code __set%d}/{@code __map%d} with constant contents.
 * Interval sets are written as nft writes them: merged ranges, each a start element and an end
 * element (the address after the range), a leading end element at 0 when the first range does
 * not start there, and an open-ended last range when it reaches the top address.
 */
record AnonymousSet(String name, int flags, int keyType, int keyLen, boolean verdictMap, byte[] udata, List<Elem> elements) {

    record Elem(byte[] key, boolean intervalEnd, boolean openEnd, Expr.Verdict verdict) {
    }

    /** {@code ADDR != { values }} in family {@code f}: a set of addresses, or of ranges when any value is a prefix. */
    static AnonymousSet addresses(Family f, Expr.Dir dir, List<String> values) {
        boolean interval = values.stream().anyMatch(v -> v.contains("/"));
        int len = f == Family.IP ? 4 : 16;
        Udata payload = new Udata().u32(0, f == Family.IP ? 12 : 13) // proto_ip / proto_ip6
                .u32(1, fieldOf(f, dir));
        Udata u = new Udata().u32(Udata.SET_KEYBYTEORDER, Udata.BYTEORDER_BIG_ENDIAN);
        if (interval) {
            u.u32(Udata.SET_MERGE_ELEMENTS, 1);
        }
        u.nest(Udata.SET_KEY_TYPEOF, new Udata().u32(Udata.TYPEOF_EXPR, Udata.EXPR_PAYLOAD).nest(Udata.TYPEOF_DATA, payload));
        List<Elem> elems = new ArrayList<>();
        if (!interval) {
            for (String v : values) {
                elems.add(new Elem(parse(f, v).getAddress(), false, false, null));
            }
        } else {
            elems = intervals(f, values);
        }
        int flags = NfTables.SET_ANONYMOUS | NfTables.SET_CONSTANT | (interval ? NfTables.SET_INTERVAL : 0);
        return new AnonymousSet("__set%d", flags, f == Family.IP ? 7 : 8, len, false, u.bytes(), elems);
    }

    /** {@code numgen ... mod N vmap { 0 : goto a, ... }}. */
    static AnonymousSet numgenMap(List<String> chains) {
        Udata u = new Udata().u32(Udata.SET_KEYBYTEORDER, Udata.BYTEORDER_HOST).u32(Udata.SET_DATABYTEORDER, Udata.BYTEORDER_INVALID)
                .nest(Udata.SET_DATA_TYPEOF, new Udata().u32(Udata.TYPEOF_EXPR, Udata.EXPR_VERDICT).raw(Udata.TYPEOF_DATA, new byte[0]))
                .u32(Udata.SET_DATA_INTERVAL, 0);
        List<Elem> elems = new ArrayList<>();
        for (int i = 0; i < chains.size(); i++) {
            byte[] k = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(i).array();
            elems.add(new Elem(k, false, false, new Expr.Goto(chains.get(i))));
        }
        return new AnonymousSet("__map%d", NfTables.SET_ANONYMOUS | NfTables.SET_CONSTANT | NfTables.SET_MAP, 4, 4, true, u.bytes(), elems);
    }

    private static int fieldOf(Family f, Expr.Dir dir) {
        if (f == Family.IP) {
            return dir == Expr.Dir.SADDR ? 11 : 12; // iphdr saddr, daddr in nft's proto_ip template
        }
        return dir == Expr.Dir.SADDR ? 8 : 9;
    }

    static InetAddress parse(Family f, String text) {
        InetAddress a = IpAddresses.tryParse(text);
        if (a == null || a.getAddress().length != (f == Family.IP ? 4 : 16)) {
            throw new UnsupportedShape("address " + text + " in an " + f + " table");
        }
        return a;
    }

    /** (address, prefix length): prefix = all bits for a plain address. */
    record Prefix(InetAddress address, int bits) {
        static Prefix of(Family f, String text) {
            int slash = text.indexOf('/');
            InetAddress a = parse(f, slash < 0 ? text : text.substring(0, slash));
            int max = a.getAddress().length * 8;
            int bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
            if (bits < 0 || bits > max) {
                throw new UnsupportedShape("prefix " + text);
            }
            return new Prefix(a, bits);
        }

        int max() {
            return address.getAddress().length * 8;
        }

        /** The network address (host bits cleared), as nft uses it. */
        byte[] network() {
            byte[] b = address.getAddress();
            for (int i = 0; i < b.length; i++) {
                int keep = Math.max(0, Math.min(8, bits - i * 8));
                b[i] &= (byte) (0xff00 >> keep);
            }
            return b;
        }

        byte[] mask() {
            byte[] b = new byte[address.getAddress().length];
            for (int i = 0; i < b.length; i++) {
                int keep = Math.max(0, Math.min(8, bits - i * 8));
                b[i] = (byte) (0xff00 >> keep);
            }
            return b;
        }
    }

    private static List<Elem> intervals(Family f, List<String> values) {
        int len = f == Family.IP ? 4 : 16;
        List<BigInteger[]> ranges = new ArrayList<>();
        for (String v : values) {
            Prefix p = Prefix.of(f, v);
            BigInteger start = new BigInteger(1, p.network());
            BigInteger size = BigInteger.ONE.shiftLeft(p.max() - p.bits());
            ranges.add(new BigInteger[] {start, start.add(size).subtract(BigInteger.ONE)});
        }
        ranges.sort(Comparator.comparing(r -> r[0]));
        List<BigInteger[]> merged = new ArrayList<>();
        for (BigInteger[] r : ranges) {
            BigInteger[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0].compareTo(last[1].add(BigInteger.ONE)) <= 0) {
                last[1] = last[1].max(r[1]);
            } else {
                merged.add(new BigInteger[] {r[0], r[1]});
            }
        }
        BigInteger top = BigInteger.ONE.shiftLeft(len * 8).subtract(BigInteger.ONE);
        List<Elem> out = new ArrayList<>();
        if (merged.get(0)[0].signum() != 0) {
            out.add(new Elem(new byte[len], true, false, null));
        }
        for (BigInteger[] r : merged) {
            boolean open = r[1].equals(top);
            out.add(new Elem(bytes(r[0], len), false, open, null));
            if (!open) {
                out.add(new Elem(bytes(r[1].add(BigInteger.ONE), len), true, false, null));
            }
        }
        return out;
    }

    private static byte[] bytes(BigInteger v, int len) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[len];
        int n = Math.min(len, raw.length);
        System.arraycopy(raw, raw.length - n, out, len - n, n);
        return out;
    }
}
