package io.clusterdns.agent.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes netlink messages with nfnetlink headers and attributes into one growing direct buffer
 * (a whole batch, sent as one datagram). Headers are in host order, attribute values as each
 * attribute defines them (mostly network order, see the {@code be*} methods).
 */
final class NlWriter {
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_CREATE = 0x400;
    static final int NLM_F_APPEND = 0x800;
    static final int NLA_F_NESTED = 0x8000;

    private ByteBuffer buf;

    NlWriter(int capacity) {
        buf = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    }

    void reset() {
        buf.clear();
    }

    int position() {
        return buf.position();
    }

    /** The written bytes, ready to send (position 0, limit at the end). */
    ByteBuffer flip() {
        ByteBuffer out = buf.duplicate().order(ByteOrder.nativeOrder());
        out.flip();
        return out;
    }

    /** Starts a message: nlmsghdr + nfgenmsg; returns its start for {@link #end}. */
    int begin(int type, int flags, int seq, int family, int resId) {
        ensure(20);
        int start = buf.position();
        buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
        buf.put((byte) family).put((byte) 0);
        buf.order(ByteOrder.BIG_ENDIAN).putShort((short) resId).order(ByteOrder.nativeOrder());
        return start;
    }

    void end(int start) {
        buf.putInt(start, buf.position() - start);
    }

    /** Starts a nested attribute; returns its start for {@link #endNest}. */
    int nest(int type) {
        ensure(4);
        int start = buf.position();
        buf.putShort((short) 0).putShort((short) (type | NLA_F_NESTED));
        return start;
    }

    void endNest(int start) {
        int len = buf.position() - start;
        if (len > 0xffff) {
            throw new IllegalStateException("netlink attribute of " + len + " bytes (max 65535)");
        }
        buf.putShort(start, (short) len);
    }

    void bytes(int type, byte[] value) {
        int len = 4 + value.length;
        ensure(len + 3);
        buf.putShort((short) len).putShort((short) type).put(value);
        pad();
    }

    void string(int type, String value) {
        bytes(type, strz(value));
    }

    /** A NUL-terminated UTF-8 string, as netlink string attributes hold them. */
    static byte[] strz(String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[s.length + 1];
        System.arraycopy(s, 0, z, 0, s.length);
        return z;
    }

    void be32(int type, int value) {
        ensure(8);
        buf.putShort((short) 8).putShort((short) type);
        buf.order(ByteOrder.BIG_ENDIAN).putInt(value).order(ByteOrder.nativeOrder());
    }

    void be64(int type, long value) {
        ensure(12);
        buf.putShort((short) 12).putShort((short) type);
        buf.order(ByteOrder.BIG_ENDIAN).putLong(value).order(ByteOrder.nativeOrder());
    }

    private void pad() {
        while ((buf.position() & 3) != 0) {
            buf.put((byte) 0);
        }
    }

    private void ensure(int more) {
        if (buf.remaining() >= more) {
            return;
        }
        int cap = Math.max(buf.capacity() * 2, buf.position() + more);
        ByteBuffer next = ByteBuffer.allocateDirect(cap).order(ByteOrder.nativeOrder());
        buf.flip();
        next.put(buf);
        buf = next;
    }
}
