package io.clusterdns.k8s.model;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * IP literal parsing and formatting without ever touching DNS: {@link InetAddress#getByName}
 * resolves anything that is not a literal, which a manifest typo must never trigger.
 */
public final class IpAddresses {
    private IpAddresses() {
    }

    /** True when {@code text} is an IPv4 dotted quad or an IPv6 literal (no zone id). */
    public static boolean isLiteral(String text) {
        return tryParse(text) != null;
    }

    /** Parses an IP literal; throws IllegalArgumentException naming the bad value. */
    public static InetAddress parse(String text) {
        InetAddress a = tryParse(text);
        if (a == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IP address");
        }
        return a;
    }

    /** Parses an IP literal or returns null. */
    public static InetAddress tryParse(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        boolean colon = text.indexOf(':') >= 0;
        if (colon) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                    return null;
                }
            }
        } else {
            return dottedQuad(text);
        }
        try {
            return InetAddress.getByAddress(InetAddress.getByName(text).getAddress());
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * An IPv4 literal read by hand, null unless it is four decimal parts of 0..255 without leading
     * zeros: a leading zero is refused, as Go's net.ParseIP (and so the API server and CoreDNS)
     * does ("010" must not silently mean 10). A split and the JDK's parse, twice, were most of the
     * garbage of converting 185k addresses from manifests ({@code DottedQuadTest} compares the two).
     */
    private static InetAddress dottedQuad(String text) {
        int address = 0;
        int part = 0;
        int digits = 0;
        int parts = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (digits == 0 || parts == 4) {
                    return null;
                }
                address = address << 8 | part;
                part = 0;
                digits = 0;
                parts++;
            } else if (c < '0' || c > '9' || (digits == 1 && part == 0) || digits == 3) {
                // not a digit, a leading zero, or a fourth digit
                return null;
            } else {
                part = part * 10 + (c - '0');
                digits++;
                if (part > 255) {
                    return null;
                }
            }
        }
        return digits == 0 || parts != 4 ? null : v4(address << 8 | part);
    }


    /** Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6 ({@code fd00::1}). */
    public static String format(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // longest run of zero words (length >= 2) is replaced by "::", first one on ties
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] == 0) {
                int j = i;
                while (j < 8 && words[j] == 0) {
                    j++;
                }
                if (j - i > bestLen && j - i >= 2) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(words[i]));
        }
        return sb.toString();
    }

    /**
     * An IPv4 address as an int, most significant byte first, without copying its bytes (what
     * {@link Inet4Address#hashCode()} returns: the JDK's definition since 1.0, relied on here).
     */
    public static int v4(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("not an IPv4 address: " + address);
        }
        return address.hashCode();
    }

    /** The IPv4 address of an int, most significant byte first. */
    public static InetAddress v4(int address) {
        byte[] b = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean isV6(InetAddress address) {
        return address instanceof Inet6Address;
    }

    /**
     * An immutable copy of {@code addresses} (no nulls, as {@link List#copyOf}); a list of one
     * IPv4 address, the common case by far (a ClusterIP service's cluster IPs, a Pod's IPs), keeps
     * it as an int: 24 bytes against about 80 for a one-element list, its {@code Inet4Address}
     * and the address's holder (11 MB at 50,000 services and 135,000 Pods). Such a list makes
     * the {@code InetAddress} on each {@code get}; it equals, and hashes as, any list of the same
     * addresses.
     */
    public static List<InetAddress> compactList(List<InetAddress> addresses) {
        if (addresses instanceof OneV4) {
            return addresses;
        }
        if (addresses.size() == 1 && addresses.get(0) instanceof Inet4Address a) {
            return new OneV4(v4(a));
        }
        return List.copyOf(addresses);
    }

    /** True when {@code addresses} is a {@link #compactList} of one IPv4 address. */
    static boolean isOneV4(List<InetAddress> addresses) {
        return addresses instanceof OneV4;
    }

    /** The {@link #compactList} of one IPv4 address given as an int. */
    static List<InetAddress> oneV4(int address) {
        return new OneV4(address);
    }

    /** See {@link #compactList}. */
    private static final class OneV4 extends AbstractList<InetAddress> implements RandomAccess {
        private final int address;

        OneV4(int address) {
            this.address = address;
        }

        @Override
        public InetAddress get(int index) {
            if (index != 0) {
                throw new IndexOutOfBoundsException(index);
            }
            return v4(address);
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public boolean contains(Object o) {
            return o instanceof Inet4Address a && v4(a) == address;
        }

        @Override
        public int hashCode() {
            return 31 + address;
        }
    }
}
