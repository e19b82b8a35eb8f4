package io.clusterdns.agent.nft;

import io.clusterdns.agent.lb.NameDigest;
import io.clusterdns.agent.model.Endpoint;
import io.clusterdns.agent.model.ServicePortName;

/**
 * Per-service chain and set names: {@code service-ULMVA6XW-ns1/svc1/tcp/p80} and
 * {@code endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80}, the scheme of kube-proxy's nftables
 * mode. The readable part says whose chain it is; the hash in front keeps names unique if they
 * ever have to be truncated and makes neighbours (endpoints differing in one digit) easy to tell
 * apart. Names depend only on the service port (and endpoint), so they are stable across syncs and
 * restarts.
 */
public final class ChainNames {
    /** nft's limit on object names (NFT_NAME_MAXLEN 256, including the terminating NUL). */
    static final int NAME_MAX = 255;
    /** Longest prefix ({@code "affinity-"}, {@code "external-"}...) plus slack, as kube-proxy reserves. */
    static final int PREFIX_MAX = 16;

    public static final String SERVICE = "service-";
    public static final String LOCAL = "local-";
    public static final String EXTERNAL = "external-";
    public static final String FIREWALL = "firewall-";
    public static final String ENDPOINT = "endpoint-";
    public static final String AFFINITY = "affinity-";
    public static final String MAGLEV = "maglev-";
    public static final String MAGLEV_LOCAL = "maglev-local-";

    private ChainNames() {
    }

    public static String service(ServicePortName sp) {
        return SERVICE + hashed(sp.chainBase());
    }

    public static String local(ServicePortName sp) {
        return LOCAL + hashed(sp.chainBase());
    }

    public static String external(ServicePortName sp) {
        return EXTERNAL + hashed(sp.chainBase());
    }

    public static String firewall(ServicePortName sp) {
        return FIREWALL + hashed(sp.chainBase());
    }

    /** The Maglev table of {@code service-X}. */
    public static String maglev(ServicePortName sp) {
        return MAGLEV + hashed(sp.chainBase());
    }

    /** The Maglev table of {@code local-X} (this node's endpoints only). */
    public static String maglevLocal(ServicePortName sp) {
        return MAGLEV_LOCAL + hashed(sp.chainBase());
    }

    public static String endpoint(ServicePortName sp, Endpoint ep) {
        return ENDPOINT + hashed(endpointBase(sp, ep));
    }

    public static String affinity(ServicePortName sp, Endpoint ep) {
        return AFFINITY + hashed(endpointBase(sp, ep));
    }

    /** Per-service objects all contain '/', the fixed ones never do. */
    public static boolean isServiceObject(String name) {
        return name.indexOf('/') >= 0;
    }

    /** {@code ns/svc/tcp/port__10.244.1.5/8080}; IPv6 colons (not allowed in names) become dots. */
    static String endpointBase(ServicePortName sp, Endpoint ep) {
        return sp.chainBase() + "__" + io.clusterdns.k8s.model.IpAddresses.format(ep.ip()).replace(':', '.') + "/" + ep.port();
    }

    /** {@code HASH8-name}, truncated with "..." past the length nft allows after the longest prefix. */
    static String hashed(String name) {
        return hashed(name, NameDigest.sha256(name));
    }

    /** {@link #hashed(String)} given the name's SHA-256 (a caller that needs it for more than one name). */
    static String hashed(String name, byte[] sha256) {
        String out = base32(sha256) + "-" + name;
        int max = NAME_MAX - PREFIX_MAX;
        return out.length() > max ? out.substring(0, max - 3) + "..." : out;
    }

    private static String base32(byte[] h) {
        // RFC 4648 base32 of the first 5 bytes = exactly 8 characters
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        long bits = 0;
        for (int i = 0; i < 5; i++) {
            bits = (bits << 8) | (h[i] & 0xff);
        }
        StringBuilder sb = new StringBuilder(8);
        for (int i = 7; i >= 0; i--) {
            sb.append(alphabet.charAt((int) ((bits >>> (i * 5)) & 31)));
        }
        return sb.toString();
    }
}
