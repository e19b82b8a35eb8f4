package io.clusterdns.resolver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Name;

/** Complete {@code in-addr.arpa} / full-nibble {@code ip6.arpa} names to addresses (the kubernetes and hosts plugins' PTR). */
public final class ReverseName {
    private ReverseName() {
    }

    /** The address a complete reverse name denotes, or null for partial or malformed names. */
    public static InetAddress toAddress(Name name) {
        if (name.subdomain(ResolverConfig.IN_ADDR_ARPA)) {
            return name.labels() == 7 ? v4(name) : null;
        }
        if (name.subdomain(ResolverConfig.IP6_ARPA)) {
            return name.labels() == 35 ? v6(name) : null;
        }
        return null;
    }

    private static InetAddress v4(Name name) {
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String l = name.getLabelString(i);
            if (l.isEmpty() || l.length() > 3 || (l.length() > 1 && l.charAt(0) == '0')) {
                return null;
            }
            int v = 0;
            for (int c = 0; c < l.length(); c++) {
                char ch = l.charAt(c);
                if (ch < '0' || ch > '9') {
                    return null;
                }
                v = v * 10 + (ch - '0');
            }
            if (v > 255) {
                return null;
            }
            b[3 - i] = (byte) v;
        }
        return byAddress(b);
    }

    private static InetAddress v6(Name name) {
        byte[] b = new byte[16];
        for (int i = 0; i < 32; i++) {
            String l = name.getLabelString(i);
            int d = l.length() == 1 ? Character.digit(l.charAt(0), 16) : -1;
            if (d < 0) {
                return null;
            }
            int byteIndex = 15 - i / 2;
            b[byteIndex] |= (byte) (i % 2 == 0 ? d : d << 4);
        }
        return byAddress(b);
    }

    private static InetAddress byAddress(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError("length is 4 or 16", e);
        }
    }
}
