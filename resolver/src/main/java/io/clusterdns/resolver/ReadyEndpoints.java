package io.clusterdns.resolver;

import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.IpAddresses;
import java.net.InetAddress;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A service's ready endpoints stored as columns: IPv4 addresses as ints (an {@code InetAddress}
 * costs 56 bytes; other addresses in a second array, only when there are any), names only when some
 * endpoint has one, and one port list when all share it (the usual case: one slice, or slices
 * with the same ports). {@link #get} makes the {@link ReadyEndpoint} on demand. A list of records
 * cost a 24-byte record and a slot per endpoint plus the list, about 120 bytes for a
 * three-endpoint service against 56 here: 3 MB of live heap at 50,000 services.
 */
final class ReadyEndpoints extends AbstractList<ReadyEndpoint> implements RandomAccess {
    private final int[] v4;
    /** Null when every address is IPv4; else the address where it is not. */
    private final InetAddress[] other;
    /** Null when no endpoint has a name. */
    private final String[] names;
    /** A {@code List<EndpointPort>} shared by every endpoint, or a {@code List<EndpointPort>[]} per endpoint. */
    private final Object ports;

    private ReadyEndpoints(int[] v4, InetAddress[] other, String[] names, Object ports) {
        this.v4 = v4;
        this.other = other;
        this.names = names;
        this.ports = ports;
    }

    /** {@code endpoints} in compact form; an empty list stays {@code List.of()}. */
    static List<ReadyEndpoint> of(List<ReadyEndpoint> endpoints) {
        int n = endpoints.size();
        if (n == 0) {
            return List.of();
        }
        if (endpoints instanceof ReadyEndpoints) {
            return endpoints;
        }
        int[] v4 = new int[n];
        InetAddress[] other = null;
        String[] names = null;
        List<EndpointPort> shared = endpoints.get(0).ports();
        boolean uniform = true;
        for (int i = 0; i < n; i++) {
            ReadyEndpoint e = endpoints.get(i);
            if (e.address() instanceof java.net.Inet4Address) {
                v4[i] = IpAddresses.v4(e.address());
            } else {
                if (other == null) {
                    other = new InetAddress[n];
                }
                other[i] = e.address();
            }
            if (e.name() != null) {
                if (names == null) {
                    names = new String[n];
                }
                names[i] = e.name();
            }
            uniform &= e.ports() == shared || e.ports().equals(shared);
        }
        Object ports = shared;
        if (!uniform) {
            @SuppressWarnings("unchecked")
            List<EndpointPort>[] each = new List[n];
            for (int i = 0; i < n; i++) {
                each[i] = endpoints.get(i).ports();
            }
            ports = each;
        }
        return new ReadyEndpoints(v4, other, names, ports);
    }

    @Override
    @SuppressWarnings("unchecked")
    public ReadyEndpoint get(int index) {
        List<EndpointPort> p = ports instanceof List<?> l ? (List<EndpointPort>) l : ((List<EndpointPort>[]) ports)[index];
        return new ReadyEndpoint(address(index), names == null ? null : names[index], p);
    }

    @Override
    public int size() {
        return v4.length;
    }

    /** The address of endpoint {@code index}, without making its record (an IPv4 one is made here). */
    InetAddress address(int index) {
        return other != null && other[index] != null ? other[index] : IpAddresses.v4(v4[index]);
    }

    /** True when endpoint {@code index} has {@code address}, without making either. */
    boolean hasAddress(int index, InetAddress address) {
        if (other != null && other[index] != null) {
            return other[index].equals(address);
        }
        return address instanceof java.net.Inet4Address && IpAddresses.v4(address) == v4[index];
    }

    /** The name of endpoint {@code index} (null: known by its dashed IP), without making its record. */
    String name(int index) {
        return names == null ? null : names[index];
    }
}
