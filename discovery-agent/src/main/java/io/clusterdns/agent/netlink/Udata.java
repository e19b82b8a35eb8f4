package io.clusterdns.agent.netlink;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * nft's "userdata" blobs (libnftnl's udata: type byte, length byte, value; nests inline), which
 * the kernel stores without looking and nft reads back when it lists a table: comments, and how
 * to print a set's keys. Written exactly as nft 1.0.6 writes them, so {@code nft list} prints our
 * objects as it prints its own.
 */
final class Udata {
    // set udata types (libnftnl enum nftnl_udata_set_types)
    static final int SET_KEYBYTEORDER = 0;
    static final int SET_DATABYTEORDER = 1;
    static final int SET_MERGE_ELEMENTS = 2;
    static final int SET_KEY_TYPEOF = 3;
    static final int SET_DATA_TYPEOF = 4;
    static final int SET_DATA_INTERVAL = 6;
    static final int SET_COMMENT = 7;
    static final int TYPEOF_EXPR = 0;
    static final int TYPEOF_DATA = 1;
    /** Rule, table and set element comments are all type 0 of their own enums. */
    static final int COMMENT = 0;
    static final int SET_ELEM_FLAGS = 1;
    /** nft's expression type ids (its enum expr_types) as stored in typeof udata. */
    static final int EXPR_VERDICT = 1;
    static final int EXPR_PAYLOAD = 7;
    static final int EXPR_CONCAT = 13;
    static final int EXPR_NUMGEN = 23;
    /** nft's byte order enum. */
    static final int BYTEORDER_INVALID = 0;
    static final int BYTEORDER_HOST = 1;
    static final int BYTEORDER_BIG_ENDIAN = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    Udata u32(int type, int value) {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        return raw(type, v);
    }

    Udata strz(int type, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return raw(type, z);
    }

    Udata nest(int type, Udata inner) {
        return raw(type, inner.bytes());
    }

    Udata raw(int type, byte[] value) {
        if (value.length > 255) {
            throw new IllegalArgumentException("userdata value of " + value.length + " bytes (max 255)");
        }
        out.write(type);
        out.write(value.length);
        out.writeBytes(value);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] comment(String comment) {
        return new Udata().strz(COMMENT, comment).bytes();
    }
}
