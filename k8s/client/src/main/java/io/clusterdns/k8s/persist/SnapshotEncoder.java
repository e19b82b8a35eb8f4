package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.IpAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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
    /** The strings in the order first written; {@link #stringSlots} holds index + 1 by hash, 0 empty. */
    private String[] strings = new String[64];
    private int stringCount;
    private int[] stringSlots = new int[128];
    /** The address table's bytes: per address its length (4 or 16), then the address, in the order first written. */
    private byte[] addressTable = new byte[256];
    private int addressTableSize;
    /** Where each address starts in {@link #addressTable}, by index; {@link #addressSlots} as {@link #stringSlots}. */
    private int[] addressAt = new int[64];
    private int addressCount;
    private int[] addressSlots = new int[128];
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

    /** The first slot to probe in a table of {@code mask + 1} slots: the top bits of the hash times the golden ratio. */
    private static int slot(int hash, int mask) {
        return (int) (((hash * 0x9E3779B9) & 0xFFFFFFFFL) * (mask + 1L) >>> 32);
    }

    private int stringIndex(String s) {
        int mask = stringSlots.length - 1;
        for (int i = slot(s.hashCode(), mask); ; i = (i + 1) & mask) {
            int at = stringSlots[i];
            if (at == 0) {
                break;
            }
            if (strings[at - 1].equals(s)) {
                return at - 1;
            }
        }
        if (stringCount == strings.length) {
            strings = Arrays.copyOf(strings, stringCount * 2);
        }
        strings[stringCount] = s;
        stringCount++;
        if (stringCount * 2 > stringSlots.length) {
            stringSlots = new int[stringSlots.length * 2];
            for (int k = 0; k < stringCount; k++) {
                placeSlot(stringSlots, slot(strings[k].hashCode(), stringSlots.length - 1), k);
            }
        } else {
            placeSlot(stringSlots, slot(s.hashCode(), mask), stringCount - 1);
        }
        return stringCount - 1;
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
        int mask = addressSlots.length - 1;
        for (int i = slot(hash, mask); ; i = (i + 1) & mask) {
            int at = addressSlots[i];
            if (at == 0) {
                break;
            }
            int start = addressAt[at - 1];
            if (addressTable[start] == length && Arrays.equals(addressTable, start + 1, start + 1 + length, raw, 0, length)) {
                return at - 1;
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
        addressCount++;
        if (addressCount * 2 > addressSlots.length) {
            addressSlots = new int[addressSlots.length * 2];
            for (int k = 0; k < addressCount; k++) {
                int start = addressAt[k];
                placeSlot(addressSlots, slot(hashOf(addressTable, start + 1, addressTable[start]), addressSlots.length - 1), k);
            }
        } else {
            placeSlot(addressSlots, slot(hash, mask), addressCount - 1);
        }
        return addressCount - 1;
    }

    /** Puts {@code index} into the first empty slot from {@code i}. */
    private static void placeSlot(int[] slots, int i, int index) {
        int mask = slots.length - 1;
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = index + 1;
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
