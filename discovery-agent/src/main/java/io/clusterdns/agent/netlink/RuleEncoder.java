package io.clusterdns.agent.netlink;

import static io.clusterdns.agent.netlink.NfTables.*;

import io.clusterdns.agent.nft.Expr;
import io.clusterdns.agent.nft.Family;
import io.clusterdns.agent.nft.Rule;
import io.clusterdns.k8s.model.Protocol;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The nf_tables expressions of one rule, the ones nft 1.0.6 emits for the same text (see
 * {@code nft --debug=netlink}), so that the kernel holds, and {@code nft list} prints, the same
 * rule whichever backend wrote it. Registers are numbered as nft numbers them: 32-bit slots, a
 * slot on a 16-byte boundary named by its 128-bit register.
 */
final class RuleEncoder {
    private static final int PAYLOAD_NETWORK = 1;
    private static final int PAYLOAD_TRANSPORT = 2;
    private static final int META_MARK = 3;
    private static final int META_L4PROTO = 16;
    private static final int CT_STATE = 0;
    private static final int CT_STATUS = 2;
    private static final int CMP_EQ = 0;
    private static final int CMP_NEQ = 1;

    /** Expression names, encoded once (every rule names several). */
    private static final byte[] BITWISE = NlWriter.strz("bitwise");
    private static final byte[] CMP = NlWriter.strz("cmp");
    private static final byte[] CT = NlWriter.strz("ct");
    private static final byte[] DYNSET = NlWriter.strz("dynset");
    private static final byte[] FIB = NlWriter.strz("fib");
    private static final byte[] HASH = NlWriter.strz("hash");
    private static final byte[] IMMEDIATE = NlWriter.strz("immediate");
    private static final byte[] LOOKUP = NlWriter.strz("lookup");
    private static final byte[] MASQ = NlWriter.strz("masq");
    private static final byte[] META = NlWriter.strz("meta");
    private static final byte[] NAT = NlWriter.strz("nat");
    private static final byte[] NUMGEN = NlWriter.strz("numgen");
    private static final byte[] PAYLOAD = NlWriter.strz("payload");
    private static final byte[] REJECT = NlWriter.strz("reject");

    private final NlWriter w;
    private final Family f;
    private int openElem;

    RuleEncoder(NlWriter w, Family f) {
        this.w = w;
        this.f = f;
    }

    /** The anonymous sets the rule needs, in the order {@link #expressions} uses their ids. */
    List<AnonymousSet> anonymousSets(Rule r) {
        List<AnonymousSet> out = new ArrayList<>();
        for (Expr e : r.exprs()) {
            if (e instanceof Expr.Addr a && a.values().size() > 1) {
                out.add(AnonymousSet.addresses(f, a.dir(), a.values()));
            } else if (e instanceof Expr.NumgenVmap n) {
                out.add(AnonymousSet.numgenMap(n.chains()));
            }
        }
        return out;
    }

    /** Writes NFTA_RULE_EXPRESSIONS; {@code anonIds} gives the batch ids of the anonymous sets. */
    void expressions(Rule r, Iterator<Integer> anonIds) {
        int list = w.nest(RULE_EXPRESSIONS);
        for (Expr e : r.exprs()) {
            expr(e, anonIds);
        }
        w.endNest(list);
    }

    private void expr(Expr e, Iterator<Integer> anonIds) {
        if (e instanceof Expr.CtStateNew c) {
            ct(CT_STATE);
            bitwiseNe32(8, 0);
            cmpNe32(CMP_NEQ, 0);
        } else if (e instanceof Expr.CtStatusDnat c) {
            ct(CT_STATUS);
            bitwiseNe32(0x20, 0);
            cmpNe32(CMP_NEQ, 0);
        } else if (e instanceof Expr.Addr a) {
            addr(a, anonIds);
        } else if (e instanceof Expr.AddrInSet a) {
            payload(0, PAYLOAD_NETWORK, addrOffset(a.dir()), addrLen());
            lookup(a.set(), -1, false, false);
        } else if (e instanceof Expr.FibLocal fib) {
            int s = begin(FIB);
            w.be32(3, fib.dir() == Expr.Dir.SADDR ? 1 : 2); // NFTA_FIB_FLAGS: saddr / daddr
            w.be32(2, 3); // NFTA_FIB_RESULT: address type
            w.be32(1, reg(0)); // NFTA_FIB_DREG
            end(s);
            cmpNe32(CMP_EQ, 2); // RTN_LOCAL
        } else if (e instanceof Expr.Dport d) {
            l4proto(0);
            cmpU8(CMP_EQ, proto(d.protocol()));
            payload(0, PAYLOAD_TRANSPORT, 2, 2);
            cmpBe16(CMP_EQ, d.port());
        } else if (e instanceof Expr.L4Proto l) {
            l4proto(0);
            cmpU8(CMP_EQ, proto(l.protocol()));
        } else if (e instanceof Expr.NumgenEq n) {
            numgen(false, n.mod());
            cmpNe32(CMP_EQ, 0);
        } else if (e instanceof Expr.AddrPairInSet p) {
            payload(0, PAYLOAD_NETWORK, addrOffset(Expr.Dir.SADDR), addrLen());
            payload(addrLen() / 4, PAYLOAD_NETWORK, addrOffset(Expr.Dir.DADDR), addrLen());
            lookup(p.set(), -1, false, false);
        } else if (e instanceof Expr.MarkClear m) {
            meta(META_MARK, 0);
            bitwiseNe32(m.mark(), 0);
            cmpNe32(CMP_EQ, 0);
        } else if (e instanceof Expr.MarkSet m) {
            markSet(~m.mark(), m.mark());
        } else if (e instanceof Expr.MarkToggle m) {
            markSet(0xffffffff, m.mark());
        } else if (e instanceof Expr.UpdateAffinity u) {
            payload(0, PAYLOAD_NETWORK, addrOffset(Expr.Dir.SADDR), addrLen());
            int s = begin(DYNSET);
            w.be32(4, reg(0)); // SREG_KEY
            w.be32(3, 1); // OP: update
            w.string(1, u.set()); // SET_NAME
            end(s);
        } else if (e instanceof Expr.Reject r) {
            int s = begin(REJECT);
            w.be32(1, r.tcpReset() ? 1 : 0); // TYPE: tcp reset / icmp unreachable
            w.bytes(2, new byte[] {(byte) (r.tcpReset() ? 0 : f == Family.IP ? 3 : 4)}); // port unreachable
            end(s);
        } else if (e instanceof Expr.Masquerade m) {
            int s = begin(MASQ);
            w.be32(1, 0x10); // NF_NAT_RANGE_PROTO_RANDOM_FULLY
            end(s);
        } else if (e instanceof Expr.Dnat d) {
            dnat(d);
        } else if (e instanceof Expr.DnatSlots d) {
            dnatSlots(d);
        } else if (e instanceof Expr.Vmap v) {
            int slot = 0;
            if (v.key() == Expr.VmapKey.DADDR_PROTO_PORT) {
                payload(slot, PAYLOAD_NETWORK, addrOffset(Expr.Dir.DADDR), addrLen());
                slot += addrLen() / 4;
            }
            l4proto(slot);
            payload(slot + 1, PAYLOAD_TRANSPORT, 2, 2);
            lookup(v.map(), -1, true, false);
        } else if (e instanceof Expr.NumgenVmap n) {
            numgen(n.roundRobin(), n.chains().size());
            lookup("__map%d", anonIds.next(), true, false);
        } else if (e instanceof Expr.JhashVmap j) {
            jhash(j);
        } else if (e instanceof Expr.Verdict v) {
            verdict(v);
        } else {
            throw new UnsupportedShape("expression " + e);
        }
    }

    private void addr(Expr.Addr a, Iterator<Integer> anonIds) {
        int off = addrOffset(a.dir());
        if (a.values().size() > 1) {
            payload(0, PAYLOAD_NETWORK, off, addrLen());
            lookup("__set%d", anonIds.next(), false, a.negate());
            return;
        }
        AnonymousSet.Prefix p = AnonymousSet.Prefix.of(f, a.values().get(0));
        int op = a.negate() ? CMP_NEQ : CMP_EQ;
        if (p.bits() == p.max()) {
            payload(0, PAYLOAD_NETWORK, off, addrLen());
            cmp(op, p.address().getAddress());
        } else if (p.bits() % 8 == 0 && p.bits() > 0) {
            // nft loads only the prefix bytes of a byte-aligned prefix
            int n = p.bits() / 8;
            payload(0, PAYLOAD_NETWORK, off, n);
            cmp(op, java.util.Arrays.copyOf(p.network(), n));
        } else {
            payload(0, PAYLOAD_NETWORK, off, addrLen());
            bitwise(p.mask(), new byte[addrLen()]);
            cmp(op, p.network());
        }
    }

    private void markSet(int mask, int xor) {
        meta(META_MARK, 0);
        bitwiseNe32(mask, xor);
        int s = begin(META);
        w.be32(2, META_MARK); // KEY
        w.be32(3, reg(0)); // SREG
        end(s);
    }

    private void dnat(Expr.Dnat d) {
        boolean v6 = d.ip() instanceof Inet6Address;
        if (v6 != (f == Family.IP6)) {
            throw new UnsupportedShape("dnat to " + d.ip() + " in an " + f + " table");
        }
        immediate(1, d.ip().getAddress());
        immediate(2, be16(d.port()));
        int s = begin(NAT);
        w.be32(1, 1); // TYPE: dnat
        w.be32(2, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
        w.be32(3, 1); // REG_ADDR_MIN
        w.be32(5, 2); // REG_PROTO_MIN
        w.be32(7, 2); // FLAGS: NF_NAT_RANGE_PROTO_SPECIFIED
        end(s);
    }

    /** numgen into slot 0, the map's value (address, then port) into slots 0.. and after the address. */
    private void dnatSlots(Expr.DnatSlots d) {
        int s = begin(NUMGEN);
        w.be32(1, reg(0)); // DREG
        w.be32(2, d.mod()); // MODULUS
        w.be32(3, 1); // TYPE: random
        w.be32(4, d.offset()); // OFFSET
        end(s);
        int l = begin(LOOKUP);
        w.be32(2, reg(0)); // SREG
        w.be32(3, reg(0)); // DREG
        w.string(1, d.map());
        end(l);
        int n = begin(NAT);
        w.be32(1, 1); // TYPE: dnat
        w.be32(2, f == Family.IP6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
        w.be32(3, reg(0)); // REG_ADDR_MIN
        w.be32(5, reg(addrLen() / 4)); // REG_PROTO_MIN (nft sends no flags: the kernel sets PROTO_SPECIFIED)
        end(n);
    }

    /** jhash over the key's fields loaded from slot 4 on (nft keeps slot 0 for the hash). */
    private void jhash(Expr.JhashVmap j) {
        int a = addrLen();
        int slot = 4;
        payload(slot, PAYLOAD_NETWORK, addrOffset(Expr.Dir.SADDR), a);
        slot += a / 4;
        if (j.key() == Expr.HashKey.FIVE_TUPLE) {
            payload(slot, PAYLOAD_NETWORK, addrOffset(Expr.Dir.DADDR), a);
            slot += a / 4;
            l4proto(slot++);
            payload(slot++, PAYLOAD_TRANSPORT, 0, 2);
            payload(slot++, PAYLOAD_TRANSPORT, 2, 2);
        }
        int s = begin(HASH);
        w.be32(1, reg(4)); // SREG
        w.be32(2, reg(0)); // DREG
        w.be32(3, (slot - 4) * 4); // LEN
        w.be32(4, j.mod()); // MODULUS
        w.be32(5, j.seed()); // SEED
        w.be32(6, 0); // OFFSET
        w.be32(7, 0); // TYPE: jenkins
        end(s);
        lookup(j.map(), -1, true, false);
    }

    private void verdict(Expr.Verdict v) {
        int s = begin(IMMEDIATE);
        w.be32(1, REG_VERDICT);
        int data = w.nest(2);
        verdictData(w, v);
        w.endNest(data);
        end(s);
    }

    /** NFTA_DATA_VERDICT { code [, chain] } (also the value of verdict map elements). */
    static void verdictData(NlWriter w, Expr.Verdict v) {
        int vn = w.nest(DATA_VERDICT);
        if (v instanceof Expr.Drop) {
            w.be32(VERDICT_CODE, NF_DROP);
        } else if (v instanceof Expr.Return) {
            w.be32(VERDICT_CODE, NFT_RETURN);
        } else if (v instanceof Expr.Jump j) {
            w.be32(VERDICT_CODE, NFT_JUMP);
            w.string(VERDICT_CHAIN, j.chain());
        } else if (v instanceof Expr.Goto g) {
            w.be32(VERDICT_CODE, NFT_GOTO);
            w.string(VERDICT_CHAIN, g.chain());
        } else {
            throw new UnsupportedShape("verdict " + v);
        }
        w.endNest(vn);
    }

    private void payload(int slot, int base, int offset, int len) {
        int s = begin(PAYLOAD);
        w.be32(1, reg(slot)); // DREG
        w.be32(2, base);
        w.be32(3, offset);
        w.be32(4, len);
        end(s);
    }

    private void l4proto(int slot) {
        meta(META_L4PROTO, slot);
    }

    private void meta(int key, int slot) {
        int s = begin(META);
        w.be32(2, key);
        w.be32(1, reg(slot));
        end(s);
    }

    private void ct(int key) {
        int s = begin(CT);
        w.be32(2, key);
        w.be32(1, reg(0));
        end(s);
    }

    private void bitwise(byte[] mask, byte[] xor) {
        int s = begin(BITWISE);
        w.be32(1, reg(0)); // SREG
        w.be32(2, reg(0)); // DREG
        w.be32(3, mask.length); // LEN
        value(4, mask);
        value(5, xor);
        end(s);
    }

    /** {@code bitwiseNe32(mask, xor)} without the arrays. */
    private void bitwiseNe32(int mask, int xor) {
        int s = begin(BITWISE);
        w.be32(1, reg(0)); // SREG
        w.be32(2, reg(0)); // DREG
        w.be32(3, 4); // LEN
        valueNe32(4, mask);
        valueNe32(5, xor);
        end(s);
    }

    private void cmp(int op, byte[] data) {
        int s = begin(CMP);
        w.be32(1, reg(0));
        w.be32(2, op);
        value(3, data);
        end(s);
    }

    /** cmp against a 32-bit host-order value ({@code cmp(op, le32(v))}). */
    private void cmpNe32(int op, int v) {
        int s = begin(CMP);
        w.be32(1, reg(0));
        w.be32(2, op);
        valueNe32(3, v);
        end(s);
    }

    /** cmp against one byte (a protocol number). */
    private void cmpU8(int op, int v) {
        int s = begin(CMP);
        w.be32(1, reg(0));
        w.be32(2, op);
        int n = w.nest(3);
        w.u8(DATA_VALUE, v);
        w.endNest(n);
        end(s);
    }

    /** cmp against a port in network order. */
    private void cmpBe16(int op, int v) {
        int s = begin(CMP);
        w.be32(1, reg(0));
        w.be32(2, op);
        int n = w.nest(3);
        w.be16(DATA_VALUE, v);
        w.endNest(n);
        end(s);
    }

    private void numgen(boolean inc, int mod) {
        int s = begin(NUMGEN);
        w.be32(1, reg(0)); // DREG
        w.be32(2, mod); // MODULUS
        w.be32(3, inc ? 0 : 1); // TYPE
        w.be32(4, 0); // OFFSET
        end(s);
    }

    private void immediate(int register, byte[] data) {
        int s = begin(IMMEDIATE);
        w.be32(1, register);
        value(2, data);
        end(s);
    }

    /** lookup of slot 0 in a set; {@code id} >= 0 names an anonymous set of this batch. */
    private void lookup(String set, int id, boolean verdictMap, boolean invert) {
        int s = begin(LOOKUP);
        w.be32(2, reg(0)); // SREG
        if (verdictMap) {
            w.be32(3, REG_VERDICT); // DREG
        }
        w.string(1, set);
        if (id >= 0) {
            w.be32(4, id); // SET_ID
        }
        if (invert) {
            w.be32(5, 1); // NFT_LOOKUP_F_INV
        }
        end(s);
    }

    private void value(int type, byte[] data) {
        int n = w.nest(type);
        w.bytes(DATA_VALUE, data);
        w.endNest(n);
    }

    /** {@code value(type, le32(v))} without the array. */
    private void valueNe32(int type, int v) {
        int n = w.nest(type);
        w.ne32(DATA_VALUE, v);
        w.endNest(n);
    }

    /** Opens one expression (list element, name, data nest); {@link #end} closes both nests. */
    private int begin(byte[] name) {
        openElem = w.nest(LIST_ELEM);
        w.bytes(EXPR_NAME, name);
        return w.nest(EXPR_DATA);
    }

    private void end(int data) {
        w.endNest(data);
        w.endNest(openElem);
    }

    /** nft's register numbering: 32-bit slot n, named by its 128-bit register when 16-byte aligned. */
    static int reg(int slot) {
        return slot % 4 == 0 ? 1 + slot / 4 : 8 + slot;
    }

    private int addrOffset(Expr.Dir d) {
        if (f == Family.IP) {
            return d == Expr.Dir.SADDR ? 12 : 16;
        }
        return d == Expr.Dir.SADDR ? 8 : 24;
    }

    private int addrLen() {
        return f == Family.IP ? 4 : 16;
    }

    private static byte proto(Protocol p) {
        return (byte) (p == Protocol.TCP ? 6 : p == Protocol.UDP ? 17 : 132);
    }

    private static byte[] be16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }
}
