package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * A growing byte array with the interning tables of the strings and addresses written through it.
 *
 * <p>The tables are open-addressing arrays of indexes rather than maps: the writer encodes the
 * whole snapshot at once, and at 50,000 services a map entry, a boxed index and an address
 * object for each of 300,000 addresses held some 34 MB while the file was written (the largest
 * garbage after a sync); the addresses are kept as the bytes the file's address table holds,
 * 5 bytes for IPv4, and the strings as the snapshot's own instances.
 */
final class SnapshotEncoder {
    /** The strings in the order first written, found by {@link #stringSlots}. */
    private String[] strings = new String[64];
    private int stringCount;
    private final IndexSlots stringSlots = new IndexSlots();
    /** The address table's bytes: per address its length (4 or 16), then the address, in the order first written. */
    private byte[] addressTable = new byte[256];
    private int addressTableSize;
    /** Where each address starts in {@link #addressTable}, by index; found by {@link #addressSlots}. */
    private int[] addressAt = new int[64];
    private int addressCount;
    private final IndexSlots addressSlots = new IndexSlots();
    byte[] buf = new byte[4096];
    int size;

    void u8(int b) {
        if (size == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[size++] = (byte) b;
    }

    void bytes(byte[] b, int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
        System.arraycopy(b, 0, buf, size, n);
        size += n;
    }

    void varlong(long v) {
        while ((v & ~0x7FL) != 0) {
            u8((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        u8((int) v);
    }

    void varint(int v) {
        varlong(Integer.toUnsignedLong(v));
    }

    void zigzag(long v) {
        varlong((v << 1) ^ (v >> 63));
    }

    void bool(boolean b) {
        u8(b ? 1 : 0);
    }

    void string(String s) {
        varint(s == null ? 0 : stringIndex(s) + 1);
    }

    void address(InetAddress a) {
        if (a == null) {
            varint(0);
        } else if (a instanceof Inet4Address) {
            addressV4(IpAddresses.v4(a));
        } else {
            byte[] raw = a.getAddress();
            varint(addressIndex(raw, raw.length) + 1);
        }
    }

    /** {@link #address} of the IPv4 address {@code v4}, without an address object. */
    void addressV4(int v4) {
        byte[] raw = {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
        varint(addressIndex(raw, 4) + 1);
    }

    /** The strings written, in the order of their indexes. */
    List<String> strings() {
        return Arrays.asList(strings).subList(0, stringCount);
    }

    /** The file's address table: the count, then each address's length and bytes, in the order of their indexes. */
    void addressTable(SnapshotEncoder out) {
        out.varint(addressCount);
        out.bytes(addressTable, addressTableSize);
    }

    /**
     * Indexes (0, 1, 2, ... in the order added) by hash, in an open-addressing array (index + 1;
     * 0 empty) that grows at half full: what an index stands for is its owner's, which compares
     * the candidates {@link #at} yields along a probe.
     */
    private static final class IndexSlots {
        private int[] slots = new int[128];

        /** The first slot to probe for {@code hash}: the top bits of the hash times the golden ratio. */
        int first(int hash) {
            return (int) (((hash * 0x9E3779B9) & 0xFFFFFFFFL) * slots.length >>> 32);
        }

        int next(int slot) {
            return (slot + 1) & (slots.length - 1);
        }

        /** The index in {@code slot}, -1 when it is empty (the probe ends there). */
        int at(int slot) {
            return slots[slot] - 1;
        }

        /** Adds {@code index}, the newest, of {@code hash}; on growth every index is placed again by {@code hashOf}. */
        void add(int index, int hash, IntUnaryOperator hashOf) {
            if ((index + 1) * 2 > slots.length) {
                slots = new int[slots.length * 2];
                for (int k = 0; k <= index; k++) {
                    place(hashOf.applyAsInt(k), k);
                }
            } else {
                place(hash, index);
            }
        }

        private void place(int hash, int index) {
            int i = first(hash);
            while (slots[i] != 0) {
                i = next(i);
            }
            slots[i] = index + 1;
        }
    }

    private int stringIndex(String s) {
        int hash = s.hashCode();
        for (int i = stringSlots.first(hash); stringSlots.at(i) >= 0; i = stringSlots.next(i)) {
            if (strings[stringSlots.at(i)].equals(s)) {
                return stringSlots.at(i);
            }
        }
        if (stringCount == strings.length) {
            strings = Arrays.copyOf(strings, stringCount * 2);
        }
        strings[stringCount] = s;
        stringSlots.add(stringCount, hash, k -> strings[k].hashCode());
        return stringCount++;
    }

    /**
     * The hash of the address {@code a[from, from + length)}: an IPv4 address is its own int, an
     * IPv6 one its four ints mixed. Not {@code Arrays.hashCode}, whose {@code 31 * h + b} gives a
     * /16 of addresses some 8,000 values, tens of probes per address in a pod network.
     */
    private static int hashOf(byte[] a, int from, int length) {
        int h = 0;
        for (int i = from; i + 3 < from + length; i += 4) {
            int word = (a[i] & 0xFF) << 24 | (a[i + 1] & 0xFF) << 16 | (a[i + 2] & 0xFF) << 8 | (a[i + 3] & 0xFF);
            h = Integer.rotateLeft(h * 0x9E3779B9, 15) ^ word;
        }
        return h;
    }

    private int addressIndex(byte[] raw, int length) {
        int hash = hashOf(raw, 0, length);
        for (int i = addressSlots.first(hash); addressSlots.at(i) >= 0; i = addressSlots.next(i)) {
            int start = addressAt[addressSlots.at(i)];
            if (addressTable[start] == length && Arrays.equals(addressTable, start + 1, start + 1 + length, raw, 0, length)) {
                return addressSlots.at(i);
            }
        }
        if (addressCount == addressAt.length) {
            addressAt = Arrays.copyOf(addressAt, addressCount * 2);
        }
        if (addressTableSize + 1 + length > addressTable.length) {
            addressTable = Arrays.copyOf(addressTable, Math.max(addressTable.length * 2, addressTableSize + 1 + length));
        }
        addressAt[addressCount] = addressTableSize;
        addressTable[addressTableSize] = (byte) length;
        System.arraycopy(raw, 0, addressTable, addressTableSize + 1, length);
        addressTableSize += 1 + length;
        addressSlots.add(addressCount, hash, k -> hashOf(addressTable, addressAt[k] + 1, addressTable[addressAt[k]]));
        return addressCount++;
    }

    void enumName(Enum<?> e) {
        string(e == null ? null : e.name());
    }

    void instant(Instant t) {
        bool(t != null);
        if (t != null) {
            zigzag(t.getEpochSecond());
            varint(t.getNano());
        }
    }

    <T> void list(List<T> items, java.util.function.Consumer<T> each) {
        varint(items.size());
        items.forEach(each);
    }

    void addresses(List<InetAddress> list) {
        list(list, this::address);
    }

    void strings(List<String> list) {
        list(list, this::string);
    }

    /** Null and empty differ for a selector: 0 is null, n + 1 entries otherwise. */
    void map(Map<String, String> m) {
        if (m == null) {
            varint(0);
            return;
        }
        varint(m.size() + 1);
        m.forEach((k, v) -> {
            string(k);
            string(v);
        });
    }

    void key(ServiceKey k) {
        string(k.namespace());
        string(k.name());
    }

    void service(ServiceInfo s) {
        key(s.key());
        enumName(s.type());
        addresses(s.clusterIPs());
        bool(s.headless());
        list(s.ipFamilies(), this::enumName);
        list(s.ports(), this::servicePort);
        string(s.externalName());
        addresses(s.externalIPs());
        list(s.loadBalancerIngress(), i -> {
            address(i.ip());
            string(i.hostname());
            string(i.ipMode());
        });
        strings(s.loadBalancerSourceRanges());
        bool(s.sessionAffinity().clientIp());
        varint(s.sessionAffinity().timeoutSeconds());
        enumName(s.externalTrafficPolicy());
        enumName(s.internalTrafficPolicy());
        varint(s.healthCheckNodePort());
        bool(s.publishNotReadyAddresses());
        map(s.selector());
        map(s.labels());
        string(s.trafficDistribution());
        map(s.annotations());
    }

    void servicePort(ServicePort p) {
        string(p.name());
        enumName(p.protocol());
        varint(p.port());
        varint(p.targetPort().number());
        string(p.targetPort().name());
        varint(p.nodePort());
        string(p.appProtocol());
    }

    void slice(EndpointSliceInfo s) {
        string(s.name());
        key(s.service());
        enumName(s.addressType());
        list(s.endpoints(), e -> {
            if (e.isIpv4()) {
                addressV4(e.ipv4());
            } else {
                address(e.address());
            }
            string(e.hostname());
            string(e.nodeName());
            string(e.zone());
            u8((e.ready() ? 1 : 0) | (e.serving() ? 2 : 0) | (e.terminating() ? 4 : 0));
            string(e.targetPodName());
            strings(e.zoneHints());
            strings(e.nodeHints());
        });
        list(s.ports(), p -> {
            string(p.name());
            enumName(p.protocol());
            varint(p.port());
            string(p.appProtocol());
        });
        instant(s.triggerTime());
    }

    void pod(PodInfo p) {
        string(p.namespace());
        string(p.name());
        addresses(p.ips());
        string(p.hostname());
        string(p.subdomain());
        string(p.nodeName());
        map(p.labels());
        string(p.phase());
        u8((p.ready() ? 1 : 0) | (p.terminating() ? 2 : 0) | (p.hostNetwork() ? 4 : 0));
        list(p.ports(), c -> {
            string(c.name());
            varint(c.containerPort());
            enumName(c.protocol());
        });
        instant(p.created());
    }

    void namespace(NamespaceInfo n) {
        string(n.name());
        map(n.labels());
    }

    void node(NodeInfo n) {
        string(n.name());
        map(n.labels());
    }

    void serviceCidr(ServiceCidrInfo c) {
        string(c.name());
        strings(c.cidrs());
    }

    void serviceImport(ServiceImportInfo i) {
        key(i.key());
        enumName(i.type());
        addresses(i.ips());
        list(i.ports(), this::servicePort);
    }

    void importedSlice(ImportedSliceInfo i) {
        string(i.sourceCluster());
        slice(i.slice());
    }
}
