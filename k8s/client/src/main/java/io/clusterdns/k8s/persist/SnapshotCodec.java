package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ContainerPort;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.LoadBalancerIngress;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.SessionAffinity;
import io.clusterdns.k8s.model.TargetPort;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 *         services, slices per service (in order), pods, namespaces, ServiceImports, imported slices,
 *         nodes, ServiceCIDRs (since version 4)
 * </pre>
 *
 * A pod's labels and container ports are written empty, as a snapshot keeps its pods slim
 * ({@code PodInfo.slim}), and skipped when read: files written before, which have them, load as
 * before, and files written now load in builds from before.
 *
 * <p>Numbers are unsigned LEB128 varints (signed ones zigzagged); a string or address is its index
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
    public static final int FORMAT_VERSION = 4;
    static final int HEADER_LENGTH = MAGIC.length + 2 + 2 + 4 + 4;

    /** Every record this codec writes (and EndpointInfo, a record's API over compact storage) and, per record, the components it writes, in declaration order. */
    static final Map<Class<?>, List<String>> COMPONENTS = Map.ofEntries(
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
            Map.entry(ServiceCidrInfo.class, List.of("name", "cidrs")),
            Map.entry(ServiceImportInfo.class, List.of("key", "type", "ips", "ports")),
            Map.entry(ImportedSliceInfo.class, List.of("sourceCluster", "slice")));

    private SnapshotCodec() {
    }

    /** The file's bytes: header and body. */
    public static byte[] encode(ClusterSnapshot snapshot, Instant writtenAt) {
        SnapshotEncoder records = new SnapshotEncoder();
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
        records.list(List.copyOf(snapshot.serviceCidrs().values()), records::serviceCidr);

        // the tables, then the records: the body, checksummed and copied into the file's bytes
        // part by part rather than through one more copy of the records
        SnapshotEncoder tables = new SnapshotEncoder();
        List<String> strings = records.strings();
        tables.varint(strings.size());
        for (String s : strings) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            tables.varint(utf8.length);
            tables.bytes(utf8, utf8.length);
        }
        records.addressTable(tables);
        int bodySize = tables.size + records.size;
        CRC32C crc = new CRC32C();
        crc.update(tables.buf, 0, tables.size);
        crc.update(records.buf, 0, records.size);
        ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH + bodySize);
        out.put(MAGIC).putShort((short) FORMAT_VERSION).putShort((short) 0).putInt(bodySize).putInt((int) crc.getValue());
        out.put(tables.buf, 0, tables.size);
        out.put(records.buf, 0, records.size);
        return out.array();
    }

    /**
     * The snapshot these bytes hold, as version 1 of the reading process (built from scratch: its
     * changes are FULL, and the live snapshots that follow it start at version 1 again, never lower);
     * the version it had when written is {@link PersistedSnapshot#writtenVersion()}.
     */
    public static PersistedSnapshot decode(byte[] file) throws SnapshotFormatException {
        return decode(file, true);
    }

    /**
     * {@link #decode(byte[])}, the endpoints keeping the names of their Pods only when
     * {@code endpointPodNames}, as a live source configured so converts them
     * ({@code InformerConfig.endpointPodNames}): the snapshot a restart serves holds what the
     * live snapshots after it hold.
     */
    public static PersistedSnapshot decode(byte[] file, boolean endpointPodNames) throws SnapshotFormatException {
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
            return new SnapshotDecoder(file, HEADER_LENGTH, endpointPodNames).snapshot();
        } catch (RuntimeException e) {
            // a body that passed the checksum but does not decode: written by a build with a bug
            // one log line: the exception may quote the file's own bytes (an enum name), control characters and all
            throw new SnapshotFormatException("undecodable body: " + e.toString().replaceAll("\\p{Cntrl}", "?"));
        }
    }

}
