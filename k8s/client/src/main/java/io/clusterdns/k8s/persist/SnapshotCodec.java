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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The binary form of a {@link ClusterSnapshot} kept on disk so that a restart while the API
 * server is unreachable can answer from the last known cluster.
 *
 * <pre>
 * header  "CDNSSNAP" (8 bytes) | format version (u16) | reserved (u16, 0) | body length (u32) | CRC32C of the body (u32)
 * body    string table (every name, label, enum constant once), address table (4 or 16 bytes each)
 *         written-at, snapshot version, created-at
 *         services, slices per service (in order), pods, namespaces, ServiceImports, imported slices
 * </pre>
 *
 * Numbers are unsigned LEB128 varints (signed ones zigzagged); a string or address is its index
 * in its table, plus one (0 is null). Enums are written by constant name, so reordering an enum
 * keeps old files readable.
 *
 * <p>Version policy: {@link #FORMAT_VERSION} changes whenever a record written here gains, loses or
 * retypes a component ({@link #COMPONENTS} lists the ones this version knows; a test compares it
 * with the records by reflection). A file of another version is not read: the process starts as if
 * there were none, which is safe (it waits for the API server as before) and only costs the stale
 * start once, after an upgrade.
 */
public final class SnapshotCodec {
    static final byte[] MAGIC = "CDNSSNAP".getBytes(StandardCharsets.US_ASCII);
    /** Bump with any change to the body layout or to {@link #COMPONENTS}. */
    public static final int FORMAT_VERSION = 3;
    static final int HEADER_LENGTH = MAGIC.length + 2 + 2 + 4 + 4;

    /** Every record this codec writes and, per record, the components it writes, in declaration order. */
    static final Map<Class<? extends Record>, List<String>> COMPONENTS = Map.ofEntries(
            Map.entry(ServiceKey.class, List.of("namespace", "name")),
            Map.entry(ServiceInfo.class, List.of("key", "type", "clusterIPs", "headless", "ipFamilies", "ports", "externalName",
                    "externalIPs", "loadBalancerIngress", "loadBalancerSourceRanges", "sessionAffinity", "externalTrafficPolicy",
                    "internalTrafficPolicy", "healthCheckNodePort", "publishNotReadyAddresses", "selector", "labels",
                    "trafficDistribution", "annotations")),
            Map.entry(SessionAffinity.class, List.of("clientIp", "timeoutSeconds")),
            Map.entry(ServicePort.class, List.of("name", "protocol", "port", "targetPort", "nodePort", "appProtocol")),
            Map.entry(TargetPort.class, List.of("number", "name")),
            Map.entry(LoadBalancerIngress.class, List.of("ip", "hostname", "ipMode")),
            Map.entry(EndpointSliceInfo.class, List.of("name", "service", "addressType", "endpoints", "ports", "triggerTime")),
            Map.entry(EndpointInfo.class, List.of("address", "hostname", "nodeName", "zone", "ready", "serving", "terminating",
                    "targetPodName", "zoneHints", "nodeHints")),
            Map.entry(EndpointPort.class, List.of("name", "protocol", "port", "appProtocol")),
            Map.entry(PodInfo.class, List.of("namespace", "name", "ips", "hostname", "subdomain", "nodeName", "labels", "phase", "ready",
                    "terminating", "ports", "hostNetwork", "created")),
            Map.entry(ContainerPort.class, List.of("name", "containerPort", "protocol")),
            Map.entry(NamespaceInfo.class, List.of("name", "labels")),
            Map.entry(NodeInfo.class, List.of("name", "labels")),
            Map.entry(ServiceImportInfo.class, List.of("key", "type", "ips", "ports")),
            Map.entry(ImportedSliceInfo.class, List.of("sourceCluster", "slice")));

    private SnapshotCodec() {
    }

    /** The file's bytes: header and body. */
    public static byte[] encode(ClusterSnapshot snapshot, Instant writtenAt) {
        Writer records = new Writer();
        records.instant(writtenAt);
        records.varlong(snapshot.version());
        records.instant(snapshot.createdAt());
        records.list(List.copyOf(snapshot.services().values()), records::service);
        records.varint(snapshot.slicesByService().size());
        snapshot.slicesByService().forEach((key, slices) -> {
            records.key(key);
            records.list(slices, records::slice);
        });
        records.list(List.copyOf(snapshot.pods()), records::pod);
        records.list(List.copyOf(snapshot.namespaces().values()), records::namespace);
        records.list(List.copyOf(snapshot.serviceImports().values()), records::serviceImport);
        List<ImportedSliceInfo> imported = new ArrayList<>();
        // also the slices whose ServiceImport is not (yet) there
        snapshot.importedSlicesByImport().values().forEach(imported::addAll);
        records.list(imported, records::importedSlice);
        records.list(List.copyOf(snapshot.nodes().values()), records::node);

        Writer body = new Writer();
        body.varint(records.strings.size());
        for (String s : records.strings.keySet()) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            body.varint(utf8.length);
            body.bytes(utf8, utf8.length);
        }
        body.varint(records.addresses.size());
        for (InetAddress a : records.addresses.keySet()) {
            byte[] raw = a.getAddress();
            body.u8(raw.length);
            body.bytes(raw, raw.length);
        }
        body.bytes(records.buf, records.size);

        CRC32C crc = new CRC32C();
        crc.update(body.buf, 0, body.size);
        ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH + body.size);
        out.put(MAGIC).putShort((short) FORMAT_VERSION).putShort((short) 0).putInt(body.size).putInt((int) crc.getValue());
        out.put(body.buf, 0, body.size);
        return out.array();
    }

    /**
     * The snapshot these bytes hold, as version 1 of the reading process (built from scratch: its
     * changes are FULL, and the live snapshots that follow it start at version 1 again, never lower);
     * the version it had when written is {@link PersistedSnapshot#writtenVersion()}.
     */
    public static PersistedSnapshot decode(byte[] file) throws SnapshotFormatException {
        if (file.length < MAGIC.length || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new SnapshotFormatException("not a clusterdns snapshot file (no CDNSSNAP header)");
        }
        if (file.length < HEADER_LENGTH) {
            throw new SnapshotFormatException("truncated: " + file.length + " bytes, shorter than the header");
        }
        ByteBuffer header = ByteBuffer.wrap(file, MAGIC.length, HEADER_LENGTH - MAGIC.length);
        int version = Short.toUnsignedInt(header.getShort());
        if (version != FORMAT_VERSION) {
            throw new SnapshotFormatException("format version " + version + ", this build reads version " + FORMAT_VERSION);
        }
        header.getShort();
        long length = Integer.toUnsignedLong(header.getInt());
        int checksum = header.getInt();
        if (file.length - HEADER_LENGTH != length) {
            throw new SnapshotFormatException("truncated: body of " + (file.length - HEADER_LENGTH) + " bytes, the header says " + length);
        }
        CRC32C crc = new CRC32C();
        crc.update(file, HEADER_LENGTH, file.length - HEADER_LENGTH);
        if ((int) crc.getValue() != checksum) {
            throw new SnapshotFormatException("checksum mismatch (CRC32C of the body)");
        }
        try {
            return new Reader(file, HEADER_LENGTH).snapshot();
        } catch (RuntimeException e) {
            // a body that passed the checksum but does not decode: written by a build with a bug
            // one log line: the exception may quote the file's own bytes (an enum name), control characters and all
            throw new SnapshotFormatException("undecodable body: " + e.toString().replaceAll("\\p{Cntrl}", "?"));
        }
    }

    /** A growing byte array with the interning tables of the strings and addresses written through it. */
    private static final class Writer {
        final Map<String, Integer> strings = new LinkedHashMap<>();
        final Map<InetAddress, Integer> addresses = new LinkedHashMap<>();
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
            varint(s == null ? 0 : strings.computeIfAbsent(s, k -> strings.size()) + 1);
        }

        void address(InetAddress a) {
            varint(a == null ? 0 : addresses.computeIfAbsent(a, k -> addresses.size()) + 1);
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
                address(e.address());
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

    /** Reads a body; every count is checked against the bytes left, so a lying count cannot allocate much. */
    private static final class Reader {
        final byte[] buf;
        int pos;
        String[] strings;
        InetAddress[] addresses;

        Reader(byte[] buf, int pos) {
            this.buf = buf;
            this.pos = pos;
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
            if (pos != buf.length) {
                throw new IllegalStateException((buf.length - pos) + " bytes left after the last record");
            }
            return new PersistedSnapshot(new ClusterSnapshot(1, createdAt, services, slices, pods, namespaces, imports, imported, nodes),
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
            return new ServiceKey(string(), string());
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
            return new EndpointInfo(address, hostname, nodeName, zone, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, targetPodName,
                    list(this::string), list(this::string));
        }

        PodInfo pod() {
            String namespace = string();
            String name = string();
            List<InetAddress> ips = addresses();
            String hostname = string();
            String subdomain = string();
            String nodeName = string();
            Map<String, String> labels = map();
            String phase = string();
            int flags = u8();
            List<ContainerPort> ports = list(() -> new ContainerPort(string(), varint(), enumOf(Protocol.class)));
            return new PodInfo(namespace, name, ips, hostname, subdomain, nodeName, labels, phase, (flags & 1) != 0, (flags & 2) != 0,
                    ports, (flags & 4) != 0, instant());
        }

        NamespaceInfo namespace() {
            return new NamespaceInfo(string(), map());
        }

        ServiceImportInfo serviceImport() {
            return new ServiceImportInfo(key(), enumOf(ServiceImportType.class), addresses(), list(this::servicePort));
        }
    }
}
