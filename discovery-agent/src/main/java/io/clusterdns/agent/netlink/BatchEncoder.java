package io.clusterdns.agent.netlink;

import static io.clusterdns.agent.netlink.NfTables.*;

import io.clusterdns.agent.nft.ContainerDef;
import io.clusterdns.agent.nft.Element;
import io.clusterdns.agent.nft.Expr;
import io.clusterdns.agent.nft.Family;
import io.clusterdns.agent.nft.Hook;
import io.clusterdns.agent.nft.Names;
import io.clusterdns.agent.nft.NftOp;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Encodes a transaction's {@link NftOp}s as one nfnetlink batch: BATCH_BEGIN, one nf_tables
 * message per command (anonymous sets just before the rule that uses them, element lists split
 * so that each message's attributes stay under 64 KiB), BATCH_END. Each message's sequence number
 * maps back to the command that produced it, so a kernel error names the command. Messages carry
 * no NLM_F_ACK: errors are always answered, and {@link NetlinkNft} waits for a barrier instead of
 * one acknowledgement per message (a full sync at 10,000 services is ~100,000 messages).
 */
final class BatchEncoder {
    /** Element payload per message, well under the 64 KiB an attribute can hold. */
    private static final int ELEMENT_BYTES = 48 * 1024;

    /** The encoded batch and, by sequence number, what each message does. */
    record Batch(ByteBuffer bytes, int firstSeq, int lastSeq, List<NftOp> ops) {
        /** The command that produced message {@code seq}, or null (a batch marker, a number outside the batch). */
        NftOp op(int seq) {
            int i = seq - firstSeq - 2; // firstSeq + 1 is BATCH_BEGIN
            return i >= 0 && i < ops.size() ? ops.get(i) : null;
        }
    }

    /** The table's name as a netlink string: every message of a batch names it. */
    private static final byte[] TABLE = NlWriter.strz(Names.TABLE);

    private final NlWriter w = new NlWriter(1 << 16);
    private final Map<Family, Map<String, SetType>> knownTypes = new HashMap<>();
    private final Map<String, SetType> setTypes = new HashMap<>();
    private final Map<String, SetType> mapTypes = new HashMap<>();
    private int seq;
    private int setId;
    /** The command of each message, from sequence number firstSeq + 2 on (one entry per message, not per command). */
    private List<NftOp> opBySeq;

    /** Remembers the types of sets created earlier (an element-only diff needs them). */
    void remember(Family f, ContainerDef def) {
        remember(f, def, typeOf(def));
    }

    private void remember(Family f, ContainerDef def, SetType type) {
        knownTypes.computeIfAbsent(f, k -> new HashMap<>()).put(def.name(), type);
    }

    /**
     * {@link SetType#of}, once per declaration text: a full sync declares thousands of containers
     * with a handful of distinct types.
     */
    private SetType typeOf(ContainerDef def) {
        Map<String, SetType> cache = def.map() ? mapTypes : setTypes;
        SetType t = cache.get(def.type());
        if (t == null) {
            t = SetType.of(def);
            cache.put(def.type(), t);
        }
        return t;
    }

    Batch encode(List<NftOp> ops, int firstSeq) {
        w.reset();
        seq = firstSeq;
        setId = 0;
        opBySeq = new ArrayList<>(ops.size() + 16);
        batchMarker(NFNL_MSG_BATCH_BEGIN);
        for (NftOp op : ops) {
            op(op);
        }
        int last = seq;
        batchMarker(NFNL_MSG_BATCH_END);
        return new Batch(w.flip(), firstSeq, last, opBySeq);
    }

    private void op(NftOp op) {
        int family = op.family() == Family.IP ? NFPROTO_IPV4 : NFPROTO_IPV6;
        if (op instanceof NftOp.AddTable t) {
            int m = nft(MSG_NEWTABLE, NlWriter.NLM_F_CREATE, family, op);
            w.bytes(TABLE_NAME, TABLE);
            w.be32(TABLE_FLAGS, 0);
            if (t.comment() != null) {
                w.bytes(TABLE_USERDATA, Udata.comment(t.comment()));
            }
            w.end(m);
        } else if (op instanceof NftOp.DeleteTable) {
            int m = nft(MSG_DELTABLE, 0, family, op);
            w.bytes(TABLE_NAME, TABLE);
            w.end(m);
        } else if (op instanceof NftOp.AddChain c) {
            addChain(family, c);
        } else if (op instanceof NftOp.DeleteChain c) {
            int m = nft(MSG_DELCHAIN, 0, family, op);
            w.bytes(CHAIN_TABLE, TABLE);
            w.string(CHAIN_NAME, c.name());
            w.end(m);
        } else if (op instanceof NftOp.FlushChain c) {
            int m = nft(MSG_DELRULE, 0, family, op);
            w.bytes(RULE_TABLE, TABLE);
            w.string(RULE_CHAIN, c.name());
            w.end(m);
        } else if (op instanceof NftOp.AddRule r) {
            addRule(family, r);
        } else if (op instanceof NftOp.AddContainer c) {
            addContainer(family, c);
        } else if (op instanceof NftOp.FlushContainer c) {
            int m = nft(MSG_DELSETELEM, 0, family, op);
            w.bytes(SET_ELEM_LIST_TABLE, TABLE);
            w.string(SET_ELEM_LIST_SET, c.def().name());
            w.end(m);
        } else if (op instanceof NftOp.DeleteContainer c) {
            int m = nft(MSG_DELSET, 0, family, op);
            w.bytes(SET_TABLE, TABLE);
            w.string(SET_NAME, c.name());
            w.end(m);
            knownTypes.getOrDefault(op.family(), Map.of()).remove(c.name());
        } else if (op instanceof NftOp.Elements e) {
            elements(family, e);
        } else {
            throw new UnsupportedShape("command " + op);
        }
    }

    private void addChain(int family, NftOp.AddChain c) {
        int m = nft(MSG_NEWCHAIN, NlWriter.NLM_F_CREATE, family, c);
        w.bytes(CHAIN_TABLE, TABLE);
        w.string(CHAIN_NAME, c.name());
        Hook h = c.hook();
        if (h != null) {
            w.string(CHAIN_TYPE, h.type());
            w.be32(CHAIN_POLICY, 1); // accept
            int hook = w.nest(CHAIN_HOOK);
            w.be32(HOOK_HOOKNUM, hookNumber(h.hook()));
            w.be32(HOOK_PRIORITY, h.priority());
            w.endNest(hook);
        }
        w.end(m);
    }

    private static int hookNumber(String hook) {
        return switch (hook) {
            case "prerouting" -> 0;
            case "input" -> 1;
            case "forward" -> 2;
            case "output" -> 3;
            case "postrouting" -> 4;
            default -> throw new UnsupportedShape("hook " + hook);
        };
    }

    private void addRule(int family, NftOp.AddRule r) {
        RuleEncoder enc = new RuleEncoder(w, r.family());
        List<Integer> ids = new ArrayList<>();
        for (AnonymousSet set : enc.anonymousSets(r.rule())) {
            ids.add(anonymousSet(family, set, r));
        }
        int m = nft(MSG_NEWRULE, NlWriter.NLM_F_CREATE | NlWriter.NLM_F_APPEND, family, r);
        w.bytes(RULE_TABLE, TABLE);
        w.string(RULE_CHAIN, r.chain());
        Iterator<Integer> it = ids.iterator();
        enc.expressions(r.rule(), it);
        if (r.rule().comment() != null) {
            w.comment(RULE_USERDATA, r.rule().comment());
        }
        w.end(m);
    }

    private int anonymousSet(int family, AnonymousSet set, NftOp cause) {
        int id = ++setId;
        int m = nft(MSG_NEWSET, NlWriter.NLM_F_CREATE, family, cause);
        w.bytes(SET_TABLE, TABLE);
        w.string(SET_NAME, set.name());
        w.be32(SET_FLAGS, set.flags());
        w.be32(SET_KEY_TYPE, set.keyType());
        w.be32(SET_KEY_LEN, set.keyLen());
        if (set.verdictMap()) {
            w.be32(SET_DATA_TYPE, DATA_VERDICT_TYPE);
            w.be32(SET_DATA_LEN, 0);
        }
        w.be32(SET_ID, id);
        int desc = w.nest(SET_DESC);
        w.be32(SET_DESC_SIZE, set.elements().size());
        w.endNest(desc);
        w.bytes(SET_USERDATA, set.udata());
        w.end(m);
        int from = 0;
        while (from < set.elements().size()) {
            int em = nft(MSG_NEWSETELEM, NlWriter.NLM_F_CREATE, family, cause);
            w.bytes(SET_ELEM_LIST_TABLE, TABLE);
            w.string(SET_ELEM_LIST_SET, set.name());
            w.be32(SET_ELEM_LIST_SET_ID, id);
            int list = w.nest(SET_ELEM_LIST_ELEMENTS);
            int start = w.position();
            while (from < set.elements().size() && w.position() - start < ELEMENT_BYTES) {
                AnonymousSet.Elem e = set.elements().get(from++);
                int el = w.nest(LIST_ELEM);
                if (e.intervalEnd()) {
                    w.be32(SET_ELEM_FLAGS, SET_ELEM_INTERVAL_END);
                }
                key(e.key());
                if (e.verdict() != null) {
                    int d = w.nest(SET_ELEM_DATA);
                    RuleEncoder.verdictData(w, e.verdict());
                    w.endNest(d);
                }
                if (e.openEnd()) {
                    w.bytes(SET_ELEM_USERDATA, new Udata().u32(Udata.SET_ELEM_FLAGS, 1).bytes()); // interval open
                }
                w.endNest(el);
            }
            w.endNest(list);
            w.end(em);
        }
        return id;
    }

    private void addContainer(int family, NftOp.AddContainer c) {
        ContainerDef def = c.def();
        SetType type = typeOf(def);
        remember(c.family(), def, type);
        int m = nft(MSG_NEWSET, NlWriter.NLM_F_CREATE, family, c);
        w.bytes(SET_TABLE, TABLE);
        w.string(SET_NAME, def.name());
        int flags = (type.map() ? SET_MAP : 0) | (def.dynamic() ? SET_TIMEOUT_FLAG | SET_EVAL : 0);
        w.be32(SET_FLAGS, flags);
        w.be32(SET_KEY_TYPE, type.keyTypeId());
        w.be32(SET_KEY_LEN, type.keyLen());
        if (type.dataMap()) {
            w.be32(SET_DATA_TYPE, type.dataTypeId());
            w.be32(SET_DATA_LEN, type.dataLen());
        } else if (type.map()) {
            w.be32(SET_DATA_TYPE, DATA_VERDICT_TYPE);
            w.be32(SET_DATA_LEN, 0);
        }
        w.be32(SET_ID, ++setId);
        if (def.dynamic()) {
            w.be64(SET_TIMEOUT, def.timeoutSeconds() * 1000L);
        }
        w.bytes(SET_USERDATA, type.udata(def.comment()));
        w.end(m);
    }

    private void elements(int family, NftOp.Elements e) {
        SetType type = knownTypes.getOrDefault(e.family(), Map.of()).get(e.container());
        if (type == null) {
            throw new UnsupportedShape("elements of " + e.container() + ", a set this backend has not created");
        }
        List<Element> list = e.elements();
        int from = 0;
        while (from < list.size()) {
            int m = nft(e.delete() ? MSG_DELSETELEM : MSG_NEWSETELEM, e.delete() ? 0 : NlWriter.NLM_F_CREATE, family, e);
            w.bytes(SET_ELEM_LIST_TABLE, TABLE);
            w.string(SET_ELEM_LIST_SET, e.container());
            int nest = w.nest(SET_ELEM_LIST_ELEMENTS);
            int start = w.position();
            while (from < list.size() && w.position() - start < ELEMENT_BYTES) {
                Element el = list.get(from++);
                int n = w.nest(LIST_ELEM);
                key(type.key(el.key()));
                if (!e.delete()) {
                    if (el.value() instanceof Expr.AddrPort ap) {
                        int d = w.nest(SET_ELEM_DATA);
                        w.bytes(DATA_VALUE, type.data(ap.ip(), ap.port()));
                        w.endNest(d);
                    } else if (el.value() instanceof Expr.Verdict v) {
                        int d = w.nest(SET_ELEM_DATA);
                        RuleEncoder.verdictData(w, v);
                        w.endNest(d);
                    }
                    if (el.comment() != null) {
                        w.comment(SET_ELEM_USERDATA, el.comment());
                    }
                }
                w.endNest(n);
            }
            w.endNest(nest);
            w.end(m);
        }
    }

    private void key(byte[] key) {
        int k = w.nest(SET_ELEM_KEY);
        w.bytes(DATA_VALUE, key);
        w.endNest(k);
    }

    private int nft(int msg, int flags, int family, NftOp op) {
        int s = ++seq;
        opBySeq.add(op);
        return w.begin(type(msg), NlWriter.NLM_F_REQUEST | flags, s, family, 0);
    }

    /** BATCH_BEGIN / BATCH_END: family unspecified, the subsystem in res_id. */
    private void batchMarker(int type) {
        int m = w.begin(type, NlWriter.NLM_F_REQUEST, ++seq, 0, NFNL_SUBSYS_NFTABLES);
        w.end(m);
    }
}
