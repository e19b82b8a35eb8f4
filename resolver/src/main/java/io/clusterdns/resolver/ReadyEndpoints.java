package io.clusterdns.resolver;

import io.clusterdns.k8s.model.EndpointPort;
import java.net.InetAddress;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A service's ready endpoints stored as columns: an array of addresses, names only when some
 * endpoint has one, and one port list when all share it (the usual case: one slice, or slices
 * with the same ports). {@link #get} makes the {@link ReadyEndpoint} on demand. A list of records
 * cost a 24-byte record and a slot per endpoint plus the list, about 120 bytes for a
 * three-endpoint service against 56 here: 3 MB of live heap at 50,000 services.
 */
final class ReadyEndpoints extends AbstractList<ReadyEndpoint> implements RandomAccess {
    private final InetAddress[] addresses;
    /** Null when no endpoint has a name. */
    private final String[] names;
    /** A {@code List<EndpointPort>} shared by every endpoint, or a {@code List<EndpointPort>[]} per endpoint. */
    private final Object ports;

    private ReadyEndpoints(InetAddress[] addresses, String[] names, Object ports) {
        this.addresses = addresses;
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
        InetAddress[] addresses = new InetAddress[n];
        String[] names = null;
        List<EndpointPort> shared = endpoints.get(0).ports();
        boolean uniform = true;
        for (int i = 0; i < n; i++) {
            ReadyEndpoint e = endpoints.get(i);
            addresses[i] = e.address();
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
        return new ReadyEndpoints(addresses, names, ports);
    }

    @Override
    @SuppressWarnings("unchecked")
    public ReadyEndpoint get(int index) {
        List<EndpointPort> p = ports instanceof List<?> l ? (List<EndpointPort>) l : ((List<EndpointPort>[]) ports)[index];
        return new ReadyEndpoint(addresses[index], names == null ? null : names[index], p);
    }

    @Override
    public int size() {
        return addresses.length;
    }

    /** The address of endpoint {@code index}, without making its record. */
    InetAddress address(int index) {
        return addresses[index];
    }

    /** The name of endpoint {@code index} (null: known by its dashed IP), without making its record. */
    String name(int index) {
        return names == null ? null : names[index];
    }
}
