package io.clusterdns.server.fuzz;

import java.util.HexFormat;

/** One fuzz packet: its index in the run (with the seed, all it takes to make it again), what kind it is, its bytes. */
record FuzzPacket(long index, String kind, byte[] bytes) {

    /** True when a server must answer it: a header's worth of bytes with QR clear (a query, however broken). */
    boolean wantsAnswer() {
        return bytes.length >= 12 && (bytes[2] & 0x80) == 0;
    }

    String hex() {
        return HexFormat.of().formatHex(bytes);
    }
}
