package io.clusterdns.agent.netlink;

import io.clusterdns.agent.nft.ContainerDef;
import io.clusterdns.k8s.model.IpAddresses;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The kernel's view of one of the agent's set or map declarations ({@link ContainerDef#type()}):
 * key type id and length, map flag, and the userdata nft writes for it; and how a key written in
 * nft notation ({@code 10.96.0.10 . tcp . 80}) becomes key bytes. Only the declarations the agent
 * makes are known; anything else is an {@link UnsupportedShape}.
 */
record SetType(List<Component> key, boolean map, boolean typeofNumgen, int typeofNumgenMod, List<Component> data, int portDesc) {

    /** A set or verdict map (no data components). */
    SetType(List<Component> key, boolean map, boolean typeofNumgen, int typeofNumgenMod) {
        this(key, map, typeofNumgen, typeofNumgenMod, List.of(), 0);
    }

    /** One component of a (possibly concatenated) key: nft datatype id, bytes. */
    enum Component {
        IPV4_ADDR(7, 4), IPV6_ADDR(8, 16), INET_PROTO(12, 1), INET_SERVICE(13, 2), INTEGER(4, 4);

        final int id;
        final int len;

        Component(int id, int len) {
            this.id = id;
            this.len = len;
        }

        static Component of(String word) {
            return switch (word) {
                case "ipv4_addr" -> IPV4_ADDR;
                case "ipv6_addr" -> IPV6_ADDR;
                case "inet_proto" -> INET_PROTO;
                case "inet_service" -> INET_SERVICE;
                default -> throw new UnsupportedShape("set key type " + word);
            };
        }
    }

    private static final Pattern DNAT_SLOTS = Pattern.compile("typeof numgen random mod \\d+ : ip6? daddr \\. (tcp|udp|sctp) dport");

    static SetType of(ContainerDef def) {
        String type = def.type().strip();
        boolean map = false;
        if (type.endsWith(": verdict")) {
            map = true;
            type = type.substring(0, type.length() - ": verdict".length()).strip();
        } else if (def.map() && DNAT_SLOTS.matcher(type).matches()) {
            // the dnat-slots data map: slot : address . port
            String[] w = type.split("\\s+");
            Component addr = w[6].equals("ip6") ? Component.IPV6_ADDR : Component.IPV4_ADDR;
            int portDesc = switch (w[9]) {
                case "tcp" -> 8;
                case "udp" -> 6;
                default -> 10; // sctp
            };
            return new SetType(List.of(Component.INTEGER), true, true, Integer.parseInt(w[4]), List.of(addr, Component.INET_SERVICE), portDesc);
        } else if (type.contains(":")) {
            throw new UnsupportedShape("map type " + def.type());
        }
        if (def.map() != map) {
            throw new UnsupportedShape((def.map() ? "map" : "set") + " of type " + def.type());
        }
        if (type.startsWith("typeof ")) {
            String[] w = type.substring(7).strip().split("\\s+");
            if (w.length == 4 && w[0].equals("numgen") && w[1].equals("inc") && w[2].equals("mod") && map) {
                return new SetType(List.of(Component.INTEGER), true, true, Integer.parseInt(w[3]));
            }
            throw new UnsupportedShape("set declaration " + def.type());
        }
        List<Component> parts = new ArrayList<>();
        for (String p : type.split("\\.")) {
            parts.add(Component.of(p.strip()));
        }
        if (map && parts.size() < 2) {
            throw new UnsupportedShape("map keyed by one " + type);
        }
        return new SetType(List.copyOf(parts), map, false, 0);
    }

    /** A data map (address . port values) rather than a set or verdict map. */
    boolean dataMap() {
        return !data.isEmpty();
    }

    /** nft's type id of the data, folded like a key's. */
    int dataTypeId() {
        int t = 0;
        for (Component c : data) {
            t = t << 6 | c.id;
        }
        return t;
    }

    int dataLen() {
        int n = 0;
        for (Component c : data) {
            n += (c.len + 3) & ~3;
        }
        return n;
    }

    /** The value bytes of an endpoint: address, then the port padded to 4 bytes (a concatenation's layout). */
    byte[] data(InetAddress ip, int port) {
        byte[] a = ip.getAddress();
        if (a.length != data.get(0).len) {
            throw new UnsupportedShape("address " + IpAddresses.format(ip) + " in a " + data.get(0) + " map value");
        }
        // a plain array, not a ByteBuffer: a full sync writes one per endpoint, mostly in interpreted code
        byte[] out = new byte[dataLen()];
        System.arraycopy(a, 0, out, 0, a.length);
        out[a.length] = (byte) (port >>> 8);
        out[a.length + 1] = (byte) port;
        return out;
    }

    boolean concat() {
        return key.size() > 1;
    }

    /** nft's type id of the key: concatenations fold 6 bits per component. */
    int keyTypeId() {
        int t = 0;
        for (Component c : key) {
            t = concat() ? t << 6 | c.id : c.id;
        }
        return t;
    }

    int keyLen() {
        if (!concat()) {
            return key.get(0).len;
        }
        int n = 0;
        for (Component c : key) {
            n += (c.len + 3) & ~3;
        }
        return n;
    }

    /** What nft 1.0.6 stores in the set's userdata for this declaration. */
    byte[] udata(String comment) {
        Udata u = new Udata();
        if (typeofNumgen && dataMap()) {
            u.u32(Udata.SET_KEYBYTEORDER, Udata.BYTEORDER_HOST).u32(Udata.SET_DATABYTEORDER, Udata.BYTEORDER_INVALID);
            Udata numgen = new Udata().u32(0, 1).u32(1, typeofNumgenMod).u32(2, 0); // type random, modulus, offset
            u.nest(Udata.SET_KEY_TYPEOF, new Udata().u32(Udata.TYPEOF_EXPR, Udata.EXPR_NUMGEN).nest(Udata.TYPEOF_DATA, numgen));
            boolean v6 = data.get(0) == Component.IPV6_ADDR;
            // concatenation: payload (ip|ip6 header, daddr), payload (tcp|udp|sctp header, dport): nft's proto desc and field ids
            Udata daddr = new Udata().u32(Udata.TYPEOF_EXPR, Udata.EXPR_PAYLOAD)
                    .nest(Udata.TYPEOF_DATA, new Udata().u32(0, v6 ? 13 : 12).u32(1, v6 ? 9 : 12));
            Udata dport = new Udata().u32(Udata.TYPEOF_EXPR, Udata.EXPR_PAYLOAD)
                    .nest(Udata.TYPEOF_DATA, new Udata().u32(0, portDesc).u32(1, 2));
            u.nest(Udata.SET_DATA_TYPEOF, new Udata().u32(Udata.TYPEOF_EXPR, Udata.EXPR_CONCAT)
                    .nest(Udata.TYPEOF_DATA, new Udata().nest(0, daddr).nest(1, dport)));
            u.u32(Udata.SET_DATA_INTERVAL, 0);
        } else if (typeofNumgen) {
            u.u32(Udata.SET_KEYBYTEORDER, Udata.BYTEORDER_HOST).u32(Udata.SET_DATABYTEORDER, Udata.BYTEORDER_INVALID);
            Udata numgen = new Udata().u32(0, 0).u32(1, typeofNumgenMod).u32(2, 0); // type inc, modulus, offset
            u.nest(Udata.SET_KEY_TYPEOF, new Udata().u32(Udata.TYPEOF_EXPR, Udata.EXPR_NUMGEN).nest(Udata.TYPEOF_DATA, numgen));
            u.nest(Udata.SET_DATA_TYPEOF, new Udata().u32(Udata.TYPEOF_EXPR, Udata.EXPR_VERDICT).raw(Udata.TYPEOF_DATA, new byte[0]));
            u.u32(Udata.SET_DATA_INTERVAL, 0);
        } else if (concat()) {
            u.u32(Udata.SET_KEYBYTEORDER, Udata.BYTEORDER_INVALID);
            if (map) {
                u.u32(Udata.SET_DATABYTEORDER, Udata.BYTEORDER_INVALID);
            }
            u.nest(Udata.SET_KEY_TYPEOF, new Udata().u32(Udata.TYPEOF_EXPR, Udata.EXPR_CONCAT).raw(Udata.TYPEOF_DATA, new byte[0]));
            if (map) {
                u.u32(Udata.SET_DATA_INTERVAL, 0);
            }
        } else {
            u.u32(Udata.SET_KEYBYTEORDER, Udata.BYTEORDER_BIG_ENDIAN);
        }
        if (comment != null) {
            u.strz(Udata.SET_COMMENT, comment);
        }
        return u.bytes();
    }

    /** The key bytes of {@code parts} (nft notation, one per component). */
    byte[] key(List<String> parts) {
        if (parts.size() != key.size()) {
            throw new UnsupportedShape("element key " + String.join(" . ", parts) + " for " + key.size() + " components");
        }
        // a plain array, not a ByteBuffer: a full sync writes one per element, mostly in interpreted code
        byte[] out = new byte[keyLen()];
        boolean concat = concat();
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            Component c = key.get(i);
            put(out, at, c, parts.get(i));
            at += concat ? (c.len + 3) & ~3 : c.len;
        }
        return out;
    }

    /**
     * Writes {@code text} when it is a canonical dotted quad (what the renderer writes: no leading
     * zeros); false, having written nothing, for anything else. A full sync writes 100,000s of
     * addresses, and {@link IpAddresses#tryParse} makes an {@link InetAddress} of each.
     */
    static boolean dottedQuad(ByteBuffer b, String text) {
        byte[] four = new byte[4];
        if (!dottedQuad(four, 0, text)) {
            return false;
        }
        b.put(four);
        return true;
    }

    /** {@link #dottedQuad(ByteBuffer, String)} into {@code out} at {@code at} (4 bytes); false, having written nothing there. */
    static boolean dottedQuad(byte[] out, int at, String text) {
        int n = text.length();
        int octets = 0;
        int value = -1;
        int quad = 0;
        for (int i = 0; i <= n; i++) {
            char ch = i < n ? text.charAt(i) : '.';
            if (ch == '.') {
                if (value < 0 || octets == 4) {
                    return false;
                }
                quad = quad << 8 | value;
                octets++;
                value = -1;
            } else if (ch >= '0' && ch <= '9' && value != 0) {
                value = (value < 0 ? 0 : value * 10) + (ch - '0');
                if (value > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        if (octets != 4) {
            return false;
        }
        out[at] = (byte) (quad >>> 24);
        out[at + 1] = (byte) (quad >>> 16);
        out[at + 2] = (byte) (quad >>> 8);
        out[at + 3] = (byte) quad;
        return true;
    }

    private static void put(byte[] out, int at, Component c, String text) {
        switch (c) {
            case IPV4_ADDR, IPV6_ADDR -> {
                if (c == Component.IPV4_ADDR && dottedQuad(out, at, text)) {
                    return;
                }
                InetAddress a = IpAddresses.tryParse(text);
                if (a == null || a.getAddress().length != c.len) {
                    throw new UnsupportedShape("address " + text + " in a " + c + " key");
                }
                System.arraycopy(a.getAddress(), 0, out, at, c.len);
            }
            case INET_PROTO -> out[at] = (byte) switch (text) {
                case "tcp" -> 6;
                case "udp" -> 17;
                case "sctp" -> 132;
                default -> throw new UnsupportedShape("protocol " + text);
            };
            case INET_SERVICE -> {
                int v = Integer.parseInt(text);
                out[at] = (byte) (v >>> 8);
                out[at + 1] = (byte) v;
            }
            case INTEGER -> {
                int v = Integer.parseInt(text);
                boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
                for (int k = 0; k < 4; k++) {
                    out[at + k] = (byte) (v >>> (little ? 8 * k : 24 - 8 * k));
                }
            }
        }
    }
}
