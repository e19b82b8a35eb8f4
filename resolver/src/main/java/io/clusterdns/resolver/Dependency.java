package io.clusterdns.resolver;

import io.clusterdns.k8s.model.ServiceKey;
import java.net.InetAddress;

/**
 * A part of a zone index that an answer is read from: a service's entry (its addresses, ports,
 * endpoints, ExternalName), whether a namespace is exposed, the PTR owners of an address, or the
 * pods ({@code pods verified}). An answer made from one index is, but for the SOA serial, the
 * answer of a later index when none of the parts it read changed in between ({@link IndexChange}):
 * what lets a cache of answers drop only the answers a snapshot changed.
 *
 * @param key a {@link ServiceKey}, a namespace name, an {@link InetAddress}, or null for {@link Kind#PODS}
 */
public record Dependency(Kind kind, Object key) {
    /** What kind of part. */
    public enum Kind { SERVICE, NAMESPACE, ADDRESS, PODS }

    /** The pods of the snapshot, all of them: {@code pods verified} answers read them. */
    public static final Dependency PODS = new Dependency(Kind.PODS, null);
    /** The cluster's DNS service: the NS records and {@code ns.dns.<zone>} addresses come from it. */
    static final Dependency NAMESERVERS = service(ZoneIndex.DNS_SERVICE);

    public static Dependency service(ServiceKey key) {
        return new Dependency(Kind.SERVICE, key);
    }

    public static Dependency namespace(String name) {
        return new Dependency(Kind.NAMESPACE, name);
    }

    public static Dependency address(InetAddress ip) {
        return new Dependency(Kind.ADDRESS, ip);
    }
}
