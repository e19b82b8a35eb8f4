package io.clusterdns.server.fuzz;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fuzzer's packets. Packet {@code index} of a run with {@code seed} is always the same bytes
 * (its own random stream is derived from both), so a failure report naming the seed and the index
 * is enough to replay that one packet, whatever the other threads sent around it.
 *
 * <p>A quarter are random bytes of random lengths (0 to 4,200); the rest start from a valid query
 * (cluster names, forwarded names, with and without EDNS) and break one thing the parser must
 * cope with: bit flips, truncation, inserted and deleted bytes, header counts that lie, QDCOUNT 0
 * or 2+, unknown opcodes, classes and types, QR set, compression pointer loops and pointers forward
 * or past the end, labels over 63 bytes, names over 255, and the OPT record's edge cases.
 */
final class FuzzPackets {
    /** Names the server answers itself (cluster.local), forwards (fuzz.test, example.) or refuses. */
    static final List<String[]> NAMES = List.of(
            labels("web.shop.svc.cluster.local"), labels("db.shop.svc.cluster.local"), labels("_pg._tcp.db.shop.svc.cluster.local"),
            labels("nope.shop.svc.cluster.local"), labels("10-244-1-20.shop.pod.cluster.local"), labels("80.0.96.10.in-addr.arpa"),
            labels("cluster.local"), labels("probe.fuzz.test"), labels("www.example"), labels("a.b.c.d.e.f.g.h"), new String[0]);
    static final int[] TYPES = {1, 28, 33, 12, 5, 6, 2, 16, 255, 252, 251, 41, 0, 65535, 64, 65};

    private final long seed;

    FuzzPackets(long seed) {
        this.seed = seed;
    }

    /** Packet {@code index}: its kind (for the report) and bytes. */
    FuzzPacket packet(long index) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int pick = r.nextInt(100);
        if (pick < 25) {
            return new FuzzPacket(index, "random", randomBytes(r));
        }
        if (pick < 50) {
            return new FuzzPacket(index, "mutated", mutate(r, validQuery(r)));
        }
        if (pick < 62) {
            return header(r, index);
        }
        if (pick < 72) {
            return compression(r, index);
        }
        if (pick < 80) {
            return labelsAndNames(r, index);
        }
        return optEdgeCase(r, index);
    }

    static byte[] randomBytes(SplittableRandom r) {
        int length = switch (r.nextInt(4)) {
            case 0 -> r.nextInt(13); // shorter than a header, or just a header
            case 1 -> 12 + r.nextInt(64);
            case 2 -> r.nextInt(513);
            default -> r.nextInt(4201);
        };
        byte[] b = new byte[length];
        r.nextBytes(b);
        if (length > 2 && r.nextBoolean()) {
            b[2] &= 0x7F; // QR clear half the time, or nearly nothing gets past the first check
        }
        return b;
    }

    /** A valid query: RD set, one question of a known name and type, EDNS (0) half the time. */
    static byte[] validQuery(SplittableRandom r) {
        boolean edns = r.nextBoolean();
        WireWriter w = new WireWriter().header(r.nextInt(65536), 0x0100, 1, 0, 0, edns ? 1 : 0);
        w.name(NAMES.get(r.nextInt(NAMES.size()))).question(TYPES[r.nextInt(6)], 1);
        if (edns) {
            w.opt(r.nextBoolean() ? 1232 : 4096, 0, 0, r.nextBoolean() ? 0x8000 : 0, new byte[0]);
        }
        return w.toBytes();
    }

    /** One to eight mutations of {@code b}. */
    static byte[] mutate(SplittableRandom r, byte[] b) {
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            b = switch (r.nextInt(6)) {
                case 0 -> flipBit(r, b);
                case 1 -> b.length == 0 ? b : Arrays.copyOf(b, r.nextInt(b.length));
                case 2 -> insertByte(r, b);
                case 3 -> deleteByte(r, b);
                case 4 -> setCount(r, b);
                default -> appendGarbage(r, b);
            };
        }
        if (b.length > 2 && r.nextInt(4) != 0) {
            b[2] &= 0x7F;
        }
        return b;
    }

    private FuzzPacket header(SplittableRandom r, long index) {
        byte[] q = validQuery(r);
        String kind;
        switch (r.nextInt(7)) {
            case 0 -> {
                kind = "qdcount-0";
                q[4] = 0;
                q[5] = 0;
            }
            case 1 -> {
                kind = "qdcount-2+";
                q = twoQuestions(r);
            }
            case 2 -> {
                kind = "opcode";
                q[2] = (byte) ((q[2] & 0x87) | ((1 + r.nextInt(15)) << 3));
            }
            case 3 -> {
                kind = "class";
                q = withTypeAndClass(r, 1 + r.nextInt(6), new int[] {0, 2, 3, 4, 254, 255, 65535, r.nextInt(65536)}[r.nextInt(8)]);
            }
            case 4 -> {
                kind = "type";
                q = withTypeAndClass(r, r.nextInt(65536), 1);
            }
            case 5 -> {
                kind = "qr";
                q[2] |= (byte) 0x80;
            }
            default -> {
                kind = "lying-counts";
                q = setCount(r, q);
                q = setCount(r, q);
            }
        }
        return new FuzzPacket(index, kind, q);
    }

    private static byte[] twoQuestions(SplittableRandom r) {
        int count = 2 + r.nextInt(3);
        WireWriter w = new WireWriter().header(r.nextInt(65536), 0x0100, count, 0, 0, 0);
        for (int i = 0; i < count; i++) {
            w.name(NAMES.get(r.nextInt(NAMES.size()))).question(TYPES[r.nextInt(TYPES.length)], 1);
        }
        return w.toBytes();
    }

    private static byte[] withTypeAndClass(SplittableRandom r, int type, int dclass) {
        return new WireWriter().header(r.nextInt(65536), 0x0100, 1, 0, 0, 0)
                .name(NAMES.get(r.nextInt(NAMES.size()))).question(type, dclass).toBytes();
    }

    private FuzzPacket compression(SplittableRandom r, long index) {
        WireWriter w = new WireWriter();
        String kind;
        switch (r.nextInt(6)) {
            case 0 -> {
                kind = "pointer-to-itself";
                w.header(r.nextInt(65536), 0x0100, 1, 0, 0, 0).pointer(12).question(1, 1);
            }
            case 1 -> {
                kind = "pointer-loop";
                // www -> pointer to the label before it: www.www.www... for ever
                w.header(r.nextInt(65536), 0x0100, 1, 0, 0, 0).u8(3).bytes("www".getBytes()).pointer(12).question(1, 1);
            }
            case 2 -> {
                kind = "pointer-forward";
                w.header(r.nextInt(65536), 0x0100, 1, 0, 0, 0).pointer(12 + 6).question(1, 1).name("web", "shop");
            }
            case 3 -> {
                kind = "pointer-out-of-range";
                w.header(r.nextInt(65536), 0x0100, 1, 0, 0, 0).u8(3).bytes("web".getBytes())
                        .pointer(new int[] {0x3FFF, 20, 200, 4}[r.nextInt(4)]).question(1, 1);
            }
            case 4 -> {
                kind = "pointer-chain";
                // an answer record whose owner points to a pointer that points back to it
                w.header(r.nextInt(65536), 0x0100, 1, 1, 0, 0).name("web", "shop", "svc", "cluster", "local").question(1, 1);
                int at = w.size();
                w.pointer(at + 2).pointer(at).u16(1).u16(1).u32(30).u16(4).u32(0x0A000001);
            }
            default -> {
                kind = "pointer-in-opt";
                w.header(r.nextInt(65536), 0x0100, 1, 0, 0, 1).name("web", "shop", "svc", "cluster", "local").question(1, 1)
                        .pointer(12).optAfterOwner(1232, 0, 0, 0, new byte[0]);
            }
        }
        return new FuzzPacket(index, kind, w.toBytes());
    }

    private FuzzPacket labelsAndNames(SplittableRandom r, long index) {
        WireWriter w = new WireWriter().header(r.nextInt(65536), 0x0100, 1, 0, 0, 0);
        String kind;
        switch (r.nextInt(4)) {
            case 0 -> {
                kind = "label-over-63";
                // 64..191: lengths over 63 are the reserved 01 and 10 label types
                int length = 64 + r.nextInt(128);
                w.u8(length).bytes(filled(r, length)).u8(0).question(1, 1);
            }
            case 1 -> {
                kind = "name-over-255";
                int labels = 4 + r.nextInt(4);
                for (int i = 0; i < labels; i++) {
                    w.u8(63).bytes(filled(r, 63));
                }
                w.u8(0).question(1, 1);
            }
            case 2 -> {
                kind = "name-255-or-256";
                // 3 labels of 63 + one of 61 or 62: 255 or 256 bytes with the root
                for (int i = 0; i < 3; i++) {
                    w.u8(63).bytes(filled(r, 63));
                }
                int last = r.nextBoolean() ? 61 : 62;
                w.u8(last).bytes(filled(r, last)).u8(0).question(1, 1);
            }
            default -> {
                kind = "odd-label-bytes";
                byte[] label = new byte[1 + r.nextInt(63)];
                r.nextBytes(label);
                w.u8(label.length).bytes(label).name("shop", "svc", "cluster", "local").question(1, 1);
            }
        }
        return new FuzzPacket(index, kind, w.toBytes());
    }

    private FuzzPacket optEdgeCase(SplittableRandom r, long index) {
        int id = r.nextInt(65536);
        String[] name = NAMES.get(r.nextInt(NAMES.size()));
        int type = TYPES[r.nextInt(6)];
        WireWriter w = new WireWriter();
        String kind;
        switch (r.nextInt(11)) {
            case 0 -> {
                kind = "two-opts";
                w.header(id, 0x0100, 1, 0, 0, 2).name(name).question(type, 1).opt(1232, 0, 0, 0, new byte[0])
                        .opt(4096, 0, 0, 0x8000, new byte[0]);
            }
            case 1 -> {
                kind = "opt-not-in-additional";
                boolean answer = r.nextBoolean();
                w.header(id, 0x0100, 1, answer ? 1 : 0, answer ? 0 : 1, 0).name(name).question(type, 1).opt(1232, 0, 0, 0, new byte[0]);
            }
            case 2 -> {
                kind = "opt-owner-not-root";
                w.header(id, 0x0100, 1, 0, 0, 1).name(name).question(type, 1).name("x").optAfterOwner(1232, 0, 0, 0, new byte[0]);
            }
            case 3 -> {
                kind = "opt-huge-payload";
                w.header(id, 0x0100, 1, 0, 0, 1).name(name).question(type, 1).opt(65535 - r.nextInt(100), 0, 0, 0, new byte[0]);
            }
            case 4 -> {
                kind = "opt-tiny-payload";
                w.header(id, 0x0100, 1, 0, 0, 1).name(name).question(type, 1).opt(r.nextInt(512), 0, 0, 0, new byte[0]);
            }
            case 5 -> {
                kind = "opt-version";
                w.header(id, 0x0100, 1, 0, 0, 1).name(name).question(type, 1).opt(1232, 0, 1 + r.nextInt(255), 0, new byte[0]);
            }
            case 6 -> {
                kind = "opt-unknown-options";
                byte[] data = new byte[r.nextInt(40)];
                r.nextBytes(data);
                w.header(id, 0x0100, 1, 0, 0, 1).name(name).question(type, 1)
                        .opt(1232, 0, 0, 0, WireWriter.option(new int[] {65001, 3, 8, 10, 12, 15, r.nextInt(65536)}[r.nextInt(7)],
                                data.length, data));
            }
            case 7 -> {
                kind = "opt-option-length-lies";
                byte[] data = new byte[r.nextInt(20)];
                r.nextBytes(data);
                int lie = r.nextBoolean() ? data.length + 1 + r.nextInt(300) : Math.max(0, data.length - 1 - r.nextInt(4));
                w.header(id, 0x0100, 1, 0, 0, 1).name(name).question(type, 1)
                        .opt(1232, 0, 0, 0, WireWriter.option(new int[] {10, 8, 15, 65001}[r.nextInt(4)], lie, data));
            }
            case 8 -> {
                kind = "opt-rdlength-lies";
                w.header(id, 0x0100, 1, 0, 0, 1).name(name).question(type, 1).opt(1232, 0, 0, 0, new byte[0]);
                byte[] b = w.toBytes();
                int rdlength = b.length - 2;
                int lie = r.nextInt(65536);
                b[rdlength] = (byte) (lie >>> 8);
                b[rdlength + 1] = (byte) lie;
                return new FuzzPacket(index, kind, b);
            }
            case 9 -> {
                kind = "opt-do-and-flags";
                w.header(id, 0x0100 | (r.nextInt(2) << 4) | (r.nextInt(2) << 5), 1, 0, 0, 1).name(name).question(type, 1)
                        .opt(512 + r.nextInt(4000), r.nextInt(256), 0, r.nextInt(65536), new byte[0]);
            }
            default -> {
                kind = "opt-with-records";
                // an A record in the additional section besides the OPT (as some clients send ECS probes)
                w.header(id, 0x0100, 1, 0, 0, 2).name(name).question(type, 1).a("x", 30, new byte[] {10, 0, 0, 1})
                        .opt(1232, 0, 0, 0x8000, WireWriter.option(8, 7, new byte[] {0, 1, 24, 0, 10, 0, 0}));
            }
        }
        return new FuzzPacket(index, kind, w.toBytes());
    }

    private static byte[] flipBit(SplittableRandom r, byte[] b) {
        if (b.length > 0) {
            int i = r.nextInt(b.length);
            b[i] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
    }

    private static byte[] insertByte(SplittableRandom r, byte[] b) {
        int at = r.nextInt(b.length + 1);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, at);
        out[at] = (byte) r.nextInt(256);
        System.arraycopy(b, at, out, at + 1, b.length - at);
        return out;
    }

    private static byte[] deleteByte(SplittableRandom r, byte[] b) {
        if (b.length == 0) {
            return b;
        }
        int at = r.nextInt(b.length);
        byte[] out = new byte[b.length - 1];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + 1, out, at, b.length - at - 1);
        return out;
    }

    /** One of the four section counts set to a lie: one more or less, 0, or anything. */
    private static byte[] setCount(SplittableRandom r, byte[] b) {
        if (b.length < 12) {
            return b;
        }
        int at = 4 + 2 * r.nextInt(4);
        int now = ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
        int v = switch (r.nextInt(4)) {
            case 0 -> now + 1;
            case 1 -> now - 1;
            case 2 -> 0;
            default -> r.nextInt(65536);
        };
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
        return b;
    }

    private static byte[] appendGarbage(SplittableRandom r, byte[] b) {
        byte[] tail = new byte[1 + r.nextInt(64)];
        r.nextBytes(tail);
        byte[] out = Arrays.copyOf(b, b.length + tail.length);
        System.arraycopy(tail, 0, out, b.length, tail.length);
        return out;
    }

    private static byte[] filled(SplittableRandom r, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) ('a' + r.nextInt(26));
        }
        return b;
    }

    private static String[] labels(String name) {
        return name.split("\\.");
    }
}
