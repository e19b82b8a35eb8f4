package io.clusterdns.agent.netlink;

import io.clusterdns.agent.kernel.Conntrack;
import io.clusterdns.agent.kernel.ConntrackFilter;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conntrack cleanup over ctnetlink: one dump of the table per family the sync's filters name,
 * matched in Java with {@code conntrack -D}'s semantics ({@link ConntrackFilter}: protocol,
 * original destination address and port, and for {@code --dst-nat} a destination-NATed entry
 * whose reply comes from the endpoint), then every matching entry deleted with one datagram of
 * IPCTNL_MSG_CT_DELETE messages, each acknowledged. Replaces one {@code conntrack} process per
 * filter.
 */
public final class NetlinkConntrack implements Conntrack, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetlinkConntrack.class);
    private static final int SUBSYS_CTNETLINK = 1;
    private static final int MSG_CT_GET = 1;
    private static final int MSG_CT_DELETE = 2;
    private static final int NLM_F_DUMP = 0x300;
    private static final int CTA_TUPLE_ORIG = 1;
    private static final int CTA_TUPLE_REPLY = 2;
    private static final int CTA_STATUS = 3;
    private static final int CTA_ZONE = 18;
    private static final int CTA_TUPLE_IP = 1;
    private static final int CTA_TUPLE_PROTO = 2;
    private static final int CTA_PROTO_NUM = 1;
    private static final int CTA_PROTO_SRC_PORT = 2;
    private static final int CTA_PROTO_DST_PORT = 3;
    private static final int IPS_DST_NAT = 0x20;

    private final NetlinkSocket socket;
    private final ByteBuffer receive = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
    private final NlWriter w = new NlWriter(1 << 16);
    private int seq = 1;

    private NetlinkConntrack(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static NetlinkConntrack open(Path netns) throws IOException {
        return new NetlinkConntrack(NetlinkSocket.open(NetlinkNft.NETLINK_NETFILTER, netns, Duration.ofSeconds(30)));
    }

    /** One connection as ctnetlink lists it: the original tuple's raw attribute, and what the filters look at. */
    record Entry(byte[] origTuple, byte[] zone, int proto, InetAddress origDst, int origDport, InetAddress replySrc, boolean dstNat) {
    }

    @Override
    public int delete(ConntrackFilter filter) {
        return deleteAll(List.of(filter))[0];
    }

    @Override
    public synchronized int[] deleteAll(List<ConntrackFilter> filters) {
        int[] counts = new int[filters.size()];
        try {
            Set<IpFamily> families = EnumSet.noneOf(IpFamily.class);
            filters.forEach(f -> families.add(f.family()));
            List<Entry> doomed = new ArrayList<>();
            List<Integer> owner = new ArrayList<>();
            for (IpFamily family : families) {
                for (Entry e : dump(family)) {
                    for (int i = 0; i < filters.size(); i++) {
                        if (matches(filters.get(i), e)) {
                            doomed.add(e);
                            owner.add(i);
                            break;
                        }
                    }
                }
            }
            boolean[] deleted = deleteEntries(doomed, families);
            for (int i = 0; i < deleted.length; i++) {
                if (deleted[i]) {
                    counts[owner.get(i)]++;
                }
            }
            return counts;
        } catch (IOException e) {
            LOG.warn("Conntrack cleanup over netlink failed: {}", e.getMessage());
            Arrays.fill(counts, -1);
            return counts;
        }
    }

    static boolean matches(ConntrackFilter f, Entry e) {
        if (e.proto() != protoNumber(f.protocol()) || e.origDport() != f.port()) {
            return false;
        }
        if (f.serviceIP() != null && !f.serviceIP().equals(e.origDst())) {
            return false;
        }
        // conntrack's --dst-nat IP: a destination-NATed entry whose reply comes from IP
        return f.endpoint() == null || e.dstNat() && f.endpoint().equals(e.replySrc());
    }

    private static int protoNumber(Protocol p) {
        return p == Protocol.TCP ? 6 : p == Protocol.UDP ? 17 : 132;
    }

    private List<Entry> dump(IpFamily family) throws IOException {
        int mySeq = seq++;
        w.reset();
        int m = w.begin(SUBSYS_CTNETLINK << 8 | MSG_CT_GET, NlWriter.NLM_F_REQUEST | NLM_F_DUMP, mySeq, afOf(family), 0);
        w.end(m);
        socket.send(w.flip());
        List<Entry> out = new ArrayList<>();
        while (true) {
            int n = socket.receive(receive);
            int at = 0;
            while (at + 16 <= n) {
                int len = receive.getInt(at);
                int type = receive.getShort(at + 4) & 0xffff;
                int msgSeq = receive.getInt(at + 8);
                if (len < 16 || at + len > n) {
                    throw new IOException("malformed conntrack dump");
                }
                if (msgSeq == mySeq) {
                    if (type == NfTables.NLMSG_DONE) {
                        return out;
                    }
                    if (type == NfTables.NLMSG_ERROR) {
                        int errno = -receive.getInt(at + 16);
                        if (errno != 0) {
                            throw new IOException("conntrack dump: " + Errno.describe(errno));
                        }
                    } else {
                        Entry e = entry(slice(at + 20, len - 20));
                        if (e != null) {
                            out.add(e);
                        }
                    }
                }
                at += (len + 3) & ~3;
            }
        }
    }

    /** Deletes the entries with one datagram of acknowledged deletes; an entry already gone is not an error. */
    private boolean[] deleteEntries(List<Entry> entries, Set<IpFamily> families) throws IOException {
        boolean[] done = new boolean[entries.size()];
        if (entries.isEmpty()) {
            return done;
        }
        w.reset();
        int first = seq;
        for (Entry e : entries) {
            int m = w.begin(SUBSYS_CTNETLINK << 8 | MSG_CT_DELETE, NlWriter.NLM_F_REQUEST | NlWriter.NLM_F_ACK, seq++,
                    e.origDst() instanceof java.net.Inet6Address ? 10 : 2, 0);
            w.bytes(CTA_TUPLE_ORIG | NlWriter.NLA_F_NESTED, e.origTuple());
            if (e.zone() != null) {
                w.bytes(CTA_ZONE, e.zone());
            }
            w.end(m);
        }
        int last = seq - 1;
        socket.send(w.flip());
        int answered = 0;
        while (answered < entries.size()) {
            int n = socket.receive(receive);
            int at = 0;
            while (at + 16 <= n) {
                int len = receive.getInt(at);
                int type = receive.getShort(at + 4) & 0xffff;
                if (type == NfTables.NLMSG_ERROR && len >= 36) {
                    int errno = -receive.getInt(at + 16);
                    int s = receive.getInt(at + 28);
                    if (s >= first && s <= last) {
                        answered++;
                        done[s - first] = errno == 0;
                        if (errno != 0 && errno != 2) { // ENOENT: it timed out meanwhile
                            LOG.debug("conntrack delete: {}", Errno.describe(errno));
                        }
                    }
                }
                at += (len + 3) & ~3;
            }
        }
        return done;
    }

    private ByteBuffer slice(int from, int len) {
        ByteBuffer b = receive.duplicate().order(ByteOrder.nativeOrder());
        b.position(from).limit(from + len);
        return b.slice().order(ByteOrder.nativeOrder());
    }

    private static Entry entry(ByteBuffer attrs) {
        byte[] orig = null;
        byte[] zone = null;
        ByteBuffer origAttr = null;
        ByteBuffer replyAttr = null;
        int status = 0;
        for (ByteBuffer a = attrs; a.remaining() >= 4; ) {
            int len = a.getShort(a.position()) & 0xffff;
            int type = a.getShort(a.position() + 2) & 0x3fff;
            if (len < 4 || len > a.remaining()) {
                break;
            }
            ByteBuffer value = a.duplicate().order(ByteOrder.nativeOrder());
            value.position(a.position() + 4).limit(a.position() + len);
            value = value.slice().order(ByteOrder.nativeOrder());
            if (type == CTA_TUPLE_ORIG) {
                orig = new byte[value.remaining()];
                value.duplicate().get(orig);
                origAttr = value;
            } else if (type == CTA_TUPLE_REPLY) {
                replyAttr = value;
            } else if (type == CTA_STATUS && value.remaining() >= 4) {
                status = value.order(ByteOrder.BIG_ENDIAN).getInt(0);
            } else if (type == CTA_ZONE) {
                zone = new byte[value.remaining()];
                value.duplicate().get(zone);
            }
            a.position(a.position() + ((len + 3) & ~3));
        }
        if (origAttr == null || replyAttr == null) {
            return null;
        }
        Tuple o = Tuple.of(origAttr);
        Tuple r = Tuple.of(replyAttr);
        return new Entry(orig, zone, o.proto, o.dst, o.dport, r.src, (status & IPS_DST_NAT) != 0);
    }

    /** The parts of a CTA_TUPLE_* the filters use. */
    private static final class Tuple {
        InetAddress src;
        InetAddress dst;
        int proto;
        int dport;

        static Tuple of(ByteBuffer b) {
            Tuple t = new Tuple();
            forEach(b, (type, v) -> {
                if (type == CTA_TUPLE_IP) {
                    forEach(v, (ipType, ip) -> {
                        byte[] raw = new byte[ip.remaining()];
                        ip.duplicate().get(raw);
                        try {
                            InetAddress a = InetAddress.getByAddress(raw);
                            if (ipType == 1 || ipType == 3) {
                                t.src = a;
                            } else if (ipType == 2 || ipType == 4) {
                                t.dst = a;
                            }
                        } catch (java.net.UnknownHostException ignored) {
                            // not an address of 4 or 16 bytes: not one of ours
                        }
                    });
                } else if (type == CTA_TUPLE_PROTO) {
                    forEach(v, (pType, p) -> {
                        if (pType == CTA_PROTO_NUM) {
                            t.proto = p.get(0) & 0xff;
                        } else if (pType == CTA_PROTO_DST_PORT) {
                            t.dport = p.order(ByteOrder.BIG_ENDIAN).getShort(0) & 0xffff;
                        } else if (pType == CTA_PROTO_SRC_PORT) {
                            // not needed by the filters
                        }
                    });
                }
            });
            return t;
        }
    }

    private interface AttrVisitor {
        void visit(int type, ByteBuffer value);
    }

    private static void forEach(ByteBuffer b, AttrVisitor v) {
        int at = 0;
        while (at + 4 <= b.limit()) {
            int len = b.getShort(at) & 0xffff;
            int type = b.getShort(at + 2) & 0x3fff;
            if (len < 4 || at + len > b.limit()) {
                return;
            }
            ByteBuffer value = b.duplicate().order(ByteOrder.nativeOrder());
            value.position(at + 4).limit(at + len);
            v.visit(type, value.slice().order(ByteOrder.nativeOrder()));
            at += (len + 3) & ~3;
        }
    }

    private static int afOf(IpFamily f) {
        return f == IpFamily.IPV4 ? 2 : 10;
    }

    @Override
    public void close() {
        socket.close();
    }
}
