package io.clusterdns.resolver;

import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.IpAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A service's merged ready endpoints stored as columns, for services whose slices overlap or hold
 * endpoints that are not ready (else {@link SliceEndpoints} reads the slices themselves): IPv4
 * addresses as ints (an {@code InetAddress} costs 56 bytes; other addresses in a second array,
 * only when there are any), names only when some endpoint has one, and one port list when all
 * share it. A list of records cost a 24-byte record and a slot per endpoint plus the list, about
 * 120 bytes for a three-endpoint service against 56 here. With more than {@link #SCAN} names a
 * hash table finds an endpoint by name (a large StatefulSet) instead of a scan.
 */
final class ReadyEndpoints extends EndpointList {
    private final int[] v4;
    /** Null when every address is IPv4; else the address where it is not. */
    private final InetAddress[] other;
    /** Null when no endpoint has a name. */
    private final String[] names;
    /** A {@code List<EndpointPort>} shared by every endpoint, or a {@code List<EndpointPort>[]} per endpoint. */
    private final Object ports;
    /**
     * Null when at most {@link #SCAN} endpoints have a name; else an open-addressing table (linear
     * probing, a power of two at most half full) holding 1 + the index of each named endpoint, 0
     * where none is. Filled in index order, so endpoints sharing a name are met in that order.
     */
    private final int[] byName;

    private ReadyEndpoints(int[] v4, InetAddress[] other, String[] names, Object ports) {
        this.v4 = v4;
        this.other = other;
        this.names = names;
        this.ports = ports;
        this.byName = nameTable(names);
    }

    /** {@code endpoints} (at least one) in compact form. */
    static ReadyEndpoints of(List<ReadyEndpoint> endpoints) {
        int n = endpoints.size();
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
        return new ReadyEndpoint(address(index), name(index), p);
    }

    @Override
    public int size() {
        return v4.length;
    }

    @Override
    InetAddress address(int index) {
        return other != null && other[index] != null ? other[index] : IpAddresses.v4(v4[index]);
    }

    @Override
    boolean hasAddress(int index, InetAddress address) {
        if (other != null && other[index] != null) {
            return other[index].equals(address);
        }
        return address instanceof java.net.Inet4Address && IpAddresses.v4(address) == v4[index];
    }

    @Override
    String name(int index) {
        return names == null ? null : names[index];
    }

    @Override
    List<ReadyEndpoint> named(String name) {
        if (names == null) {
            return List.of();
        }
        if (byName == null) {
            return super.named(name);
        }
        List<ReadyEndpoint> out = new ArrayList<>(1);
        int mask = byName.length - 1;
        for (int slot = spread(name.hashCode()) & mask; byName[slot] != 0; slot = (slot + 1) & mask) {
            int i = byName[slot] - 1;
            if (name.equals(names[i])) {
                out.add(get(i));
            }
        }
        return List.copyOf(out);
    }

    private static int[] nameTable(String[] names) {
        if (names == null) {
            return null;
        }
        int named = 0;
        for (String n : names) {
            if (n != null) {
                named++;
            }
        }
        if (named <= SCAN) {
            return null;
        }
        int[] table = new int[Integer.highestOneBit(named) << 2];
        int mask = table.length - 1;
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                int slot = spread(names[i].hashCode()) & mask;
                while (table[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                table[slot] = i + 1;
            }
        }
        return table;
    }

    /** A string hash with its high bits folded into the low ones the table uses. */
    private static int spread(int h) {
        int x = h * 0x9E3779B9;
        return x ^ (x >>> 16);
    }
}
