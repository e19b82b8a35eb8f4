package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ContainerPort;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.LoadBalancerIngress;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceImportType;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.SessionAffinity;
import io.clusterdns.k8s.model.TargetPort;
import io.clusterdns.k8s.model.TrafficPolicy;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a body; every count is checked against the bytes left, so a lying count cannot allocate much. */
final class SnapshotDecoder {
    final byte[] buf;
    int pos;
    String[] strings;
    InetAddress[] addresses;
    /**
     * One key object per service: a service's slices (and its ServiceImport) name it again, and a
     * copy per slice cost 24 bytes each (1.2 MB at 50,000 services); the strings are the string
     * table's already.
     */
    private final Map<ServiceKey, ServiceKey> keys = new HashMap<>();

    /** Whether endpoints keep their Pods' names (see {@link SnapshotCodec#decode(byte[], boolean)}). */
    private final boolean endpointPodNames;

    SnapshotDecoder(byte[] buf, int pos, boolean endpointPodNames) {
        this.buf = buf;
        this.pos = pos;
        this.endpointPodNames = endpointPodNames;
    }

    PersistedSnapshot snapshot() {
        strings = new String[count()];
        for (int i = 0; i < strings.length; i++) {
            int n = count();
            strings[i] = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
        }
        addresses = new InetAddress[count()];
        for (int i = 0; i < addresses.length; i++) {
            int n = u8();
            if (n != 4 && n != 16 || n > buf.length - pos) {
                throw new IllegalStateException("bad address length " + n);
            }
            byte[] raw = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            addresses[i] = address(raw);
        }
        Instant writtenAt = instant();
        long version = varlong();
        Instant createdAt = instant();
        List<ServiceInfo> services = list(this::service);
        List<EndpointSliceInfo> slices = new ArrayList<>();
        int owners = count();
        for (int i = 0; i < owners; i++) {
            key();
            slices.addAll(list(this::slice));
        }
        List<PodInfo> pods = list(this::pod);
        List<NamespaceInfo> namespaces = list(this::namespace);
        List<ServiceImportInfo> imports = list(this::serviceImport);
        List<ImportedSliceInfo> imported = list(() -> new ImportedSliceInfo(string(), slice()));
        List<NodeInfo> nodes = list(() -> new NodeInfo(string(), map()));
        List<ServiceCidrInfo> serviceCidrs = list(() -> new ServiceCidrInfo(string(), list(this::string)));
        if (pos != buf.length) {
            throw new IllegalStateException((buf.length - pos) + " bytes left after the last record");
        }
        return new PersistedSnapshot(new ClusterSnapshot(1, createdAt, services, slices, pods, namespaces, imports, imported, nodes,
                serviceCidrs),
                writtenAt, version);
    }

    private static InetAddress address(byte[] raw) {
        try {
            // an IPv4-mapped IPv6 address stays IPv6, as it was written
            return raw.length == 16 ? Inet6Address.getByAddress(null, raw, -1) : InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    int u8() {
        if (pos >= buf.length) {
            throw new IllegalStateException("cut short");
        }
        return buf[pos++] & 0xFF;
    }

    long varlong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalStateException("varint too long");
    }

    int varint() {
        long v = varlong();
        if (v > Integer.MAX_VALUE) {
            throw new IllegalStateException("number too large: " + v);
        }
        return (int) v;
    }

    /** A count of items, each at least one byte: never more than the bytes left. */
    int count() {
        int n = varint();
        if (n > buf.length - pos) {
            throw new IllegalStateException("count " + n + " beyond the " + (buf.length - pos) + " bytes left");
        }
        return n;
    }

    long zigzag() {
        long v = varlong();
        return (v >>> 1) ^ -(v & 1);
    }

    boolean bool() {
        return u8() != 0;
    }

    String string() {
        int i = varint();
        return i == 0 ? null : strings[i - 1];
    }

    InetAddress address() {
        int i = varint();
        return i == 0 ? null : addresses[i - 1];
    }

    <E extends Enum<E>> E enumOf(Class<E> type) {
        String name = string();
        return name == null ? null : Enum.valueOf(type, name);
    }

    Instant instant() {
        return bool() ? Instant.ofEpochSecond(zigzag(), varint()) : null;
    }

    <T> List<T> list(java.util.function.Supplier<T> each) {
        int n = count();
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(each.get());
        }
        return out;
    }

    List<InetAddress> addresses() {
        return list(this::address);
    }

    Map<String, String> map() {
        int n = count();
        if (n == 0) {
            return null;
        }
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < n - 1; i++) {
            m.put(string(), string());
        }
        return m;
    }

    ServiceKey key() {
        ServiceKey key = new ServiceKey(string(), string());
        return keys.computeIfAbsent(key, k -> k);
    }

    ServiceInfo service() {
        return new ServiceInfo(key(), enumOf(ServiceType.class), addresses(), bool(), list(() -> enumOf(IpFamily.class)),
                list(this::servicePort), string(), addresses(),
                list(() -> new LoadBalancerIngress(address(), string(), string())), list(this::string),
                new SessionAffinity(bool(), varint()), enumOf(TrafficPolicy.class), enumOf(TrafficPolicy.class), varint(), bool(), map(), map(),
                string(), map());
    }

    ServicePort servicePort() {
        return new ServicePort(string(), enumOf(Protocol.class), varint(), new TargetPort(varint(), string()), varint(), string());
    }

    EndpointSliceInfo slice() {
        return new EndpointSliceInfo(string(), key(), enumOf(IpFamily.class), list(this::endpoint),
                list(() -> new EndpointPort(string(), enumOf(Protocol.class), varint(), string())), instant());
    }

    EndpointInfo endpoint() {
        InetAddress address = address();
        String hostname = string();
        String nodeName = string();
        String zone = string();
        int flags = u8();
        String targetPodName = string();
        return new EndpointInfo(address, hostname, nodeName, zone, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0,
                endpointPodNames ? targetPodName : null,
                list(this::string), list(this::string));
    }

    PodInfo pod() {
        String namespace = string();
        String name = string();
        List<InetAddress> ips = addresses();
        String hostname = string();
        String subdomain = string();
        String nodeName = string();
        map(); // labels: a snapshot keeps pods slim (PodInfo.slim); files written before that have them
        String phase = string();
        int flags = u8();
        list(() -> new ContainerPort(string(), varint(), enumOf(Protocol.class))); // container ports, as labels
        return new PodInfo(namespace, name, ips, hostname, subdomain, nodeName, null, phase, (flags & 1) != 0, (flags & 2) != 0,
                null, (flags & 4) != 0, instant());
    }

    NamespaceInfo namespace() {
        return new NamespaceInfo(string(), map());
    }

    ServiceImportInfo serviceImport() {
        return new ServiceImportInfo(key(), enumOf(ServiceImportType.class), addresses(), list(this::servicePort));
    }
}
