package io.clusterdns.server.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes DNS messages byte by byte, with no validation at all: the fuzzer needs counts that lie,
 * labels over 63 bytes and pointers anywhere, which a real encoder (dnsjava) refuses to write.
 */
final class WireWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A header: {@code flags} as on the wire (QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode). */
    WireWriter header(int id, int flags, int qd, int an, int ns, int ar) {
        return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
    }

    /** A name of plain labels ending with the root (no check of the label or name length). */
    WireWriter name(String... labels) {
        for (String label : labels) {
            byte[] b = label.getBytes(StandardCharsets.US_ASCII);
            out.write(b.length);
            out.writeBytes(b);
        }
        out.write(0);
        return this;
    }

    WireWriter question(int type, int dclass) {
        return u16(type).u16(dclass);
    }

    /** A compression pointer to {@code offset} (14 bits). */
    WireWriter pointer(int offset) {
        return u16(0xC000 | (offset & 0x3FFF));
    }

    /**
     * An OPT record (RFC 6891) owned by the root: {@code payload} (the class field), the extended
     * rcode, version and flags (the TTL field), and {@code rdata} as given.
     */
    WireWriter opt(int payload, int extendedRcode, int version, int flags, byte[] rdata) {
        out.write(0);
        return optAfterOwner(payload, extendedRcode, version, flags, rdata);
    }

    /** The OPT record's fields after an owner name the caller wrote. */
    WireWriter optAfterOwner(int payload, int extendedRcode, int version, int flags, byte[] rdata) {
        u16(41).u16(payload);
        out.write(extendedRcode);
        out.write(version);
        u16(flags).u16(rdata.length);
        out.writeBytes(rdata);
        return this;
    }

    /** An A record with a plain owner. */
    WireWriter a(String owner, int ttl, byte[] address) {
        name(owner);
        u16(1).u16(1).u32(ttl).u16(address.length);
        out.writeBytes(address);
        return this;
    }

    WireWriter u8(int v) {
        out.write(v);
        return this;
    }

    WireWriter u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    WireWriter u32(int v) {
        return u16(v >>> 16).u16(v);
    }

    WireWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    /** An EDNS option: code, length as given (it may lie), data. */
    static byte[] option(int code, int length, byte[] data) {
        return new WireWriter().u16(code).u16(length).bytes(data).toBytes();
    }
}
