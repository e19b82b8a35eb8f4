package io.clusterdns.agent.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes netlink messages with nfnetlink headers and attributes into one growing byte array
 * (a whole batch, sent as one datagram from a direct buffer). Headers are in host order, attribute
 * values as each attribute defines them (mostly network order, see the {@code be*} methods).
 *
 * <p>Bytes are shifted into a plain array rather than put through a {@link ByteBuffer}: the first
 * full sync runs mostly interpreted, where every buffer put is several calls (bounds, order,
 * memory access) and a full sync writes millions of them; the array is copied into the direct
 * buffer once, by {@link #flip}.
 */
final class NlWriter {
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_CREATE = 0x400;
    static final int NLM_F_APPEND = 0x800;
    static final int NLA_F_NESTED = 0x8000;
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private byte[] a;
    private int pos;
    /** What {@link #flip} hands out; reused while the batch fits. */
    private ByteBuffer direct;

    NlWriter(int capacity) {
        a = new byte[capacity];
        direct = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    }

    void reset() {
        pos = 0;
    }

    int position() {
        return pos;
    }

    /** The written bytes, ready to send (position 0, limit at the end); valid until the next write. */
    ByteBuffer flip() {
        if (direct.capacity() < pos) {
            direct = ByteBuffer.allocateDirect(Math.max(pos, direct.capacity() * 2)).order(ByteOrder.nativeOrder());
        }
        direct.clear();
        direct.put(a, 0, pos);
        ByteBuffer out = direct.duplicate().order(ByteOrder.nativeOrder());
        out.flip();
        return out;
    }

    /** Starts a message: nlmsghdr + nfgenmsg; returns its start for {@link #end}. */
    int begin(int type, int flags, int seq, int family, int resId) {
        ensure(20);
        int start = pos;
        ne32(0);
        ne16(type);
        ne16(flags);
        ne32(seq);
        ne32(0);
        a[pos++] = (byte) family;
        a[pos++] = 0;
        a[pos++] = (byte) (resId >>> 8);
        a[pos++] = (byte) resId;
        return start;
    }

    void end(int start) {
        int p = pos;
        pos = start;
        ne32(p - start);
        pos = p;
    }

    /** Starts a nested attribute; returns its start for {@link #endNest}. */
    int nest(int type) {
        ensure(4);
        int start = pos;
        pos += 2;
        ne16(type | NLA_F_NESTED);
        return start;
    }

    void endNest(int start) {
        int len = pos - start;
        if (len > 0xffff) {
            throw new IllegalStateException("netlink attribute of " + len + " bytes (max 65535)");
        }
        int p = pos;
        pos = start;
        ne16(len);
        pos = p;
    }

    void bytes(int type, byte[] value) {
        int len = 4 + value.length;
        ensure(len + 3);
        ne16(len);
        ne16(type);
        System.arraycopy(value, 0, a, pos, value.length);
        pos += value.length;
        pad();
    }

    /** A NUL-terminated string attribute, written without an intermediate copy. */
    void string(int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        int len = 4 + s.length + 1;
        ensure(len + 3);
        ne16(len);
        ne16(type);
        System.arraycopy(s, 0, a, pos, s.length);
        pos += s.length;
        a[pos++] = 0;
        pad();
    }

    /** A NUL-terminated UTF-8 string, as netlink string attributes hold them. */
    static byte[] strz(String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(s, s.length + 1);
    }

    void be32(int type, int value) {
        ensure(8);
        ne16(8);
        ne16(type);
        put32be(value);
    }

    void be64(int type, long value) {
        ensure(12);
        ne16(12);
        ne16(type);
        put32be((int) (value >>> 32));
        put32be((int) value);
    }

    /** A 32-bit value in host order (nft's cmp/bitwise data of meta and ct keys). */
    void ne32(int type, int value) {
        ensure(8);
        ne16(8);
        ne16(type);
        ne32(value);
    }

    /** A 16-bit value in network order, padded (ports). */
    void be16(int type, int value) {
        ensure(8);
        ne16(6);
        ne16(type);
        a[pos++] = (byte) (value >>> 8);
        a[pos++] = (byte) value;
        a[pos++] = 0;
        a[pos++] = 0;
    }

    /** A one-byte value, padded. */
    void u8(int type, int value) {
        ensure(8);
        ne16(5);
        ne16(type);
        a[pos++] = (byte) value;
        a[pos++] = 0;
        a[pos++] = 0;
        a[pos++] = 0;
    }

    /**
     * nft's comment userdata (libnftnl udata: type 0, length, the NUL-terminated string), as
     * {@code bytes(type, Udata.comment(comment))} writes it, without the intermediate arrays.
     */
    void comment(int type, String comment) {
        byte[] s = comment.getBytes(StandardCharsets.UTF_8);
        if (s.length + 1 > 255) {
            throw new IllegalArgumentException("userdata value of " + (s.length + 1) + " bytes (max 255)");
        }
        int len = 4 + 2 + s.length + 1;
        ensure(len + 3);
        ne16(len);
        ne16(type);
        a[pos++] = (byte) Udata.COMMENT;
        a[pos++] = (byte) (s.length + 1);
        System.arraycopy(s, 0, a, pos, s.length);
        pos += s.length;
        a[pos++] = 0;
        pad();
    }

    private void ne16(int v) {
        if (LITTLE) {
            a[pos] = (byte) v;
            a[pos + 1] = (byte) (v >>> 8);
        } else {
            a[pos] = (byte) (v >>> 8);
            a[pos + 1] = (byte) v;
        }
        pos += 2;
    }

    private void ne32(int v) {
        if (LITTLE) {
            a[pos] = (byte) v;
            a[pos + 1] = (byte) (v >>> 8);
            a[pos + 2] = (byte) (v >>> 16);
            a[pos + 3] = (byte) (v >>> 24);
            pos += 4;
        } else {
            put32be(v);
        }
    }

    private void put32be(int v) {
        a[pos] = (byte) (v >>> 24);
        a[pos + 1] = (byte) (v >>> 16);
        a[pos + 2] = (byte) (v >>> 8);
        a[pos + 3] = (byte) v;
        pos += 4;
    }

    private void pad() {
        while ((pos & 3) != 0) {
            a[pos++] = 0;
        }
    }

    private void ensure(int more) {
        if (a.length - pos >= more) {
            return;
        }
        a = Arrays.copyOf(a, Math.max(a.length * 2, pos + more));
    }
}
