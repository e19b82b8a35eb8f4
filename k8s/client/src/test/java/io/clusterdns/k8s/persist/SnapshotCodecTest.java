package io.clusterdns.k8s.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.IpFamily;
import java.lang.reflect.Constructor;
import java.net.InetAddress;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class SnapshotCodecTest {
    static final Instant WRITTEN = Instant.parse("2026-12-06T18:00:00.123456789Z");

    /** The records a snapshot holds, as its widest constructor takes them. */
    static final List<Class<?>> ROOTS = List.of(ServiceInfo.class, EndpointSliceInfo.class, PodInfo.class,
            NamespaceInfo.class, ServiceImportInfo.class, ImportedSliceInfo.class, NodeInfo.class,
            ServiceCidrInfo.class);

    @Test
    void everyComponentOfEveryRecordInASnapshotIsOneTheCodecWrites() {
        Set<Class<?>> seen = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(ROOTS);
        List<String> problems = new ArrayList<>();
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (!seen.add(c)) {
                continue;
            }
            List<String> actual = components(c);
            List<String> known = SnapshotCodec.COMPONENTS.get(c);
            if (known == null) {
                problems.add("record " + c.getSimpleName() + " " + actual + " is part of a snapshot, but SnapshotCodec does not write it");
            } else if (!known.equals(actual)) {
                List<String> added = new ArrayList<>(actual);
                added.removeAll(known);
                List<String> removed = new ArrayList<>(known);
                removed.removeAll(actual);
                problems.add(c.getSimpleName() + ": components " + actual + ", SnapshotCodec writes " + known
                        + (added.isEmpty() ? "" : "; not written: " + added) + (removed.isEmpty() ? "" : "; gone: " + removed)
                        + (added.isEmpty() && removed.isEmpty() ? "; order changed" : ""));
            }
            for (Type t : componentTypes(c)) {
                modelRecords(t, todo);
            }
        }
        if (!problems.isEmpty()) {
            fail("The snapshot file format does not match the model records. Teach SnapshotCodec the change (encode, decode and"
                    + " COMPONENTS) and bump SnapshotCodec.FORMAT_VERSION:\n  " + String.join("\n  ", problems));
        }
        assertThat(new HashSet<Class<?>>(SnapshotCodec.COMPONENTS.keySet())).as("records the codec knows that no snapshot holds any more")
                .containsExactlyInAnyOrderElementsOf(seen);
    }

    @Test
    void theSnapshotHoldsNoKindOfObjectTheCodecDoesNotWrite() {
        Constructor<?> widest = Arrays.stream(ClusterSnapshot.class.getConstructors())
                .max((a, b) -> Integer.compare(a.getParameterCount(), b.getParameterCount())).orElseThrow();
        List<String> kinds = new ArrayList<>();
        for (Type t : widest.getGenericParameterTypes()) {
            kinds.add(t instanceof ParameterizedType p ? ((Class<?>) p.getActualTypeArguments()[0]).getSimpleName()
                    : ((Class<?>) t).getSimpleName());
        }
        assertThat(kinds).as("ClusterSnapshot's widest constructor: a new kind needs SnapshotCodec to write it (and a new FORMAT_VERSION)")
                .containsExactly("long", "Instant", "ServiceInfo", "EndpointSliceInfo", "PodInfo", "NamespaceInfo", "ServiceImportInfo",
                        "ImportedSliceInfo", "NodeInfo", "ServiceCidrInfo");
    }

    @Test
    void aSnapshotWithEveryComponentSetComesBackEqual() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            ClusterSnapshot original = new GeneratedSnapshots(seed).snapshot(25);
            PersistedSnapshot back = SnapshotCodec.decode(SnapshotCodec.encode(original, WRITTEN));
            assertThat(back.writtenAt()).isEqualTo(WRITTEN);
            assertThat(back.writtenVersion()).isEqualTo(original.version());
            assertSameContent(back.snapshot(), original);
            assertThat(back.snapshot().version()).as("a decoded snapshot is version 1 of the reading process").isEqualTo(1);
        }
    }

    @Test
    void aLargeSnapshotComesBackEqual() throws Exception {
        // thousands of strings and addresses, IPv4 and IPv6, many repeated: the encoder's tables grow and collide
        ClusterSnapshot original = new GeneratedSnapshots(21).snapshot(2_000);
        assertSameContent(SnapshotCodec.decode(SnapshotCodec.encode(original, WRITTEN)).snapshot(), original);
    }

    @Test
    void anEmptySnapshotComesBackEmpty() throws Exception {
        PersistedSnapshot back = SnapshotCodec.decode(SnapshotCodec.encode(ClusterSnapshot.EMPTY, WRITTEN));
        assertSameContent(back.snapshot(), ClusterSnapshot.EMPTY);
    }

    static void assertSameContent(ClusterSnapshot actual, ClusterSnapshot expected) {
        assertThat(actual.createdAt()).isEqualTo(expected.createdAt());
        assertThat(new HashMap<>(actual.services())).isEqualTo(new HashMap<>(expected.services()));
        assertThat(new HashMap<>(actual.slicesByService())).as("slices per service, in order").isEqualTo(new HashMap<>(expected.slicesByService()));
        assertThat(new HashSet<>(actual.pods())).isEqualTo(new HashSet<>(expected.pods()));
        for (PodInfo p : expected.pods()) {
            for (InetAddress ip : p.ips()) {
                assertThat(new HashSet<>(actual.podsByIP(ip))).as("pods at %s", ip).isEqualTo(new HashSet<>(expected.podsByIP(ip)));
                assertThat(actual.hasPod(p.namespace(), ip)).as("a pod of %s at %s", p.namespace(), ip).isTrue();
            }
        }
        assertThat(new HashMap<>(actual.namespaces())).isEqualTo(new HashMap<>(expected.namespaces()));
        assertThat(new HashMap<>(actual.serviceImports())).isEqualTo(new HashMap<>(expected.serviceImports()));
        assertThat(new HashMap<>(actual.importedSlicesByImport())).isEqualTo(new HashMap<>(expected.importedSlicesByImport()));
        assertThat(new HashMap<>(actual.nodes())).isEqualTo(new HashMap<>(expected.nodes()));
        assertThat(new HashMap<>(actual.serviceCidrs())).isEqualTo(new HashMap<>(expected.serviceCidrs()));
    }

    @Test
    void aDecodedSliceNamesItsServiceWithTheServicesOwnKey() throws Exception {
        ServiceKey key = ServiceKey.of("ns", "web");
        InetAddress ip = InetAddress.getByName("10.96.0.10");
        ServiceInfo service = new ServiceInfo(ServiceKey.of("ns", "web"), ServiceType.CLUSTER_IP, List.of(ip), false,
                List.of(IpFamily.IPV4), List.of(), null, null, null, null, null, null, null, 0, false, null, null);
        EndpointSliceInfo slice = new EndpointSliceInfo("web-abcde", ServiceKey.of("ns", "web"), IpFamily.IPV4,
                List.of(new EndpointInfo(InetAddress.getByName("10.1.0.1"), null, null, null, true, true, false, null)), List.of(), null);
        ClusterSnapshot original = new ClusterSnapshot(3, WRITTEN, List.of(service), List.of(slice), List.of(), List.of());
        ClusterSnapshot back = SnapshotCodec.decode(SnapshotCodec.encode(original, WRITTEN)).snapshot();
        assertThat(back.slices(key)).hasSize(1);
        assertThat(back.slices(key).get(0).service()).as("one key object per service (24 bytes a slice)")
                .isSameAs(back.service(key).key());
    }

    @Test
    void endpointsDecodeWithTheNamesOfTheirPodsOnlyWhenAskedFor() throws Exception {
        ServiceKey key = ServiceKey.of("ns", "web");
        EndpointSliceInfo slice = new EndpointSliceInfo("web-abcde", key, IpFamily.IPV4,
                List.of(new EndpointInfo(InetAddress.getByName("10.1.0.1"), null, "node-1", null, true, true, false, "web-7d4b9-x2k9p")),
                List.of(), null);
        byte[] file = SnapshotCodec.encode(new ClusterSnapshot(3, WRITTEN, List.of(), List.of(slice), List.of(), List.of()), WRITTEN);

        assertThat(SnapshotCodec.decode(file).snapshot().slices(key).get(0)).as("as written").isEqualTo(slice);
        assertThat(SnapshotCodec.decode(file, true).snapshot().slices(key).get(0)).isEqualTo(slice);
        EndpointInfo without = SnapshotCodec.decode(file, false).snapshot().slices(key).get(0).endpoints().get(0);
        assertThat(without.targetPodName()).as("what a live source without endpoint_pod_names keeps").isNull();
        assertThat(without.nodeName()).as("the rest as written").isEqualTo("node-1");
        assertThat(without.address()).isEqualTo(InetAddress.getByName("10.1.0.1"));
    }

    /**
     * A file written by the build before snapshots kept their pods slim (this format version, pods
     * with labels and named container ports: the resource was written by that build) loads, its
     * pods slim and every other component as written.
     */
    @Test
    void aFileWithPodLabelsAndPortsFromTheBuildBeforeLoadsItsPodsSlim() throws Exception {
        byte[] file;
        try (var in = SnapshotCodecTest.class.getResourceAsStream("v4-pods-with-labels.snapshot")) {
            file = in.readAllBytes();
        }
        assertThat(ByteBuffer.wrap(file).getShort(SnapshotCodec.MAGIC.length)).as("the resource's format version").isEqualTo((short) 4);
        assertThat(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1)).as("the resource holds labels and ports")
                .contains("pod-template-hash", "metrics");
        PersistedSnapshot back = SnapshotCodec.decode(file);
        assertThat(back.writtenVersion()).isEqualTo(7);
        assertThat(new HashSet<>(back.snapshot().pods())).containsExactlyInAnyOrder(
                new PodInfo("shop", "web-7d4b9c8f6d-x2k9q", List.of(InetAddress.getByName("10.244.1.7")), null, null, "node-1",
                        null, "Running", true, false, null, false, Instant.parse("2026-12-01T10:00:00Z")),
                new PodInfo("shop", "db-0", List.of(InetAddress.getByName("10.244.2.9"), InetAddress.getByName("fd00::9")), "db-0", "db",
                        "node-2", null, "Running", true, true, null, false, Instant.parse("2026-12-01T10:00:00.5Z")),
                new PodInfo("kube-system", "agent-7xk2p", List.of(InetAddress.getByName("192.168.0.3")), null, null, "node-1",
                        null, "Pending", false, false, null, true, null));
        assertThat(back.snapshot().hasPod("shop", InetAddress.getByName("fd00::9"))).isTrue();
    }

    /** Pods are written without labels and ports (a snapshot has none to write), so a label's text is not in the file. */
    @Test
    void podsAreWrittenWithoutLabelsAndPorts() throws Exception {
        PodInfo labelled = new PodInfo("shop", "web-1", List.of(InetAddress.getByName("10.244.1.7")), null, null, "node-1",
                java.util.Map.of("app", "web", "tier", "frontend-tier"), "Running", true, false,
                List.of(new io.clusterdns.k8s.model.ContainerPort("named-port", 8080, io.clusterdns.k8s.model.Protocol.TCP)), false, null);
        ClusterSnapshot snapshot = new ClusterSnapshot(3, WRITTEN, List.of(), List.of(), List.of(labelled), List.of());
        byte[] file = SnapshotCodec.encode(snapshot, WRITTEN);
        assertThat(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("frontend-tier", "named-port");
        assertThat(SnapshotCodec.decode(file).snapshot().pods()).containsExactly(labelled.slim());
    }

    @Test
    void aFileOfAnotherFormatVersionIsRefusedByName() {
        byte[] file = SnapshotCodec.encode(new GeneratedSnapshots(3).snapshot(2), WRITTEN);
        ByteBuffer.wrap(file).putShort(SnapshotCodec.MAGIC.length, (short) (SnapshotCodec.FORMAT_VERSION + 1));
        assertThatThrownBy(() -> SnapshotCodec.decode(file)).isInstanceOf(SnapshotFormatException.class)
                .hasMessage("format version " + (SnapshotCodec.FORMAT_VERSION + 1) + ", this build reads version " + SnapshotCodec.FORMAT_VERSION);
    }

    @Test
    void corruptTruncatedOrForeignFilesAreRefusedWithOneLine() {
        byte[] file = SnapshotCodec.encode(new GeneratedSnapshots(4).snapshot(5), WRITTEN);
        byte[] flipped = file.clone();
        flipped[file.length / 2] ^= 0x10;
        assertThatThrownBy(() -> SnapshotCodec.decode(flipped)).hasMessage("checksum mismatch (CRC32C of the body)");
        assertThatThrownBy(() -> SnapshotCodec.decode(Arrays.copyOf(file, file.length - 7)))
                .hasMessageStartingWith("truncated: body of " + (file.length - 7 - SnapshotCodec.HEADER_LENGTH));
        assertThatThrownBy(() -> SnapshotCodec.decode(Arrays.copyOf(file, 10))).hasMessageStartingWith("truncated: 10 bytes");
        assertThatThrownBy(() -> SnapshotCodec.decode("apiVersion: v1\nkind: Service\n".getBytes()))
                .hasMessage("not a clusterdns snapshot file (no CDNSSNAP header)");
        assertThatThrownBy(() -> SnapshotCodec.decode(new byte[0])).isInstanceOf(SnapshotFormatException.class);
    }

    @Test
    void aBodyThatPassesTheChecksumButLiesAboutItsCountsIsRefusedWithoutAllocatingIt() {
        // a string table claiming 2^31-1 strings
        byte[] body = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0, 0};
        assertThatThrownBy(() -> SnapshotCodec.decode(withHeader(body))).isInstanceOf(SnapshotFormatException.class)
                .hasMessageStartingWith("undecodable body: ").hasMessageContaining("beyond the");
    }

    @Test
    void randomMutationsNeverEscapeAsAnythingButAFormatError() {
        byte[] file = SnapshotCodec.encode(new GeneratedSnapshots(5).snapshot(5), WRITTEN);
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] mutated = file.clone();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                mutated[SnapshotCodec.HEADER_LENGTH + random.nextInt(mutated.length - SnapshotCodec.HEADER_LENGTH)] = (byte) random.nextInt();
            }
            // re-checksummed, so that the decoder itself meets the garbage
            byte[] body = Arrays.copyOfRange(mutated, SnapshotCodec.HEADER_LENGTH, mutated.length);
            try {
                SnapshotCodec.decode(withHeader(body));
            } catch (SnapshotFormatException expected) {
                assertThat(expected.getMessage()).doesNotContain("\n");
            }
        }
    }

    static byte[] withHeader(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return ByteBuffer.allocate(SnapshotCodec.HEADER_LENGTH + body.length).put(SnapshotCodec.MAGIC)
                .putShort((short) SnapshotCodec.FORMAT_VERSION).putShort((short) 0).putInt(body.length).putInt((int) crc.getValue())
                .put(body).array();
    }

    /**
     * A record's component names; for a model value class (a record's API with compact storage,
     * such as EndpointInfo) the codec's names when its widest constructor takes as many
     * parameters, else that constructor's parameter count, which then differs from the codec's.
     */
    private static List<String> components(Class<?> c) {
        if (c.isRecord()) {
            return Arrays.stream(c.getRecordComponents()).map(RecordComponent::getName).toList();
        }
        int n = widestConstructor(c).getParameterCount();
        List<String> known = SnapshotCodec.COMPONENTS.get(c);
        return known != null && known.size() == n ? known : List.of(n + " constructor parameters");
    }

    static List<Type> componentTypes(Class<?> c) {
        if (c.isRecord()) {
            return Arrays.stream(c.getRecordComponents()).map(RecordComponent::getGenericType).toList();
        }
        return List.of(widestConstructor(c).getGenericParameterTypes());
    }

    static Constructor<?> widestConstructor(Class<?> c) {
        return Arrays.stream(c.getConstructors()).max((a, b) -> Integer.compare(a.getParameterCount(), b.getParameterCount()))
                .orElseThrow();
    }

    /** A model record, or a final model class the codec writes as one (see {@link #components}). */
    static boolean modelValue(Class<?> c) {
        return c.getPackageName().startsWith("io.clusterdns.k8s.model") && !c.isEnum()
                && (c.isRecord() || (java.lang.reflect.Modifier.isFinal(c.getModifiers()) && SnapshotCodec.COMPONENTS.containsKey(c)));
    }

    private static void modelRecords(Type type, Deque<Class<?>> into) {
        if (type instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                modelRecords(arg, into);
            }
        } else if (type instanceof Class<?> c && modelValue(c)) {
            into.add(c);
        }
    }
}
