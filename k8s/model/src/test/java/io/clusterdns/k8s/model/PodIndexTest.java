package io.clusterdns.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The snapshot's pods (by name, keys kept by the values alone, and by address) answer as a plain
 * map of every pod does: by name across namespaces, by address with host-network pods sharing
 * one, IPv6 and dual-stack pods, pods without an address, through updates and deletes applied as
 * deltas, and every version untouched by the next.
 */
class PodIndexTest {
    static final Instant T0 = Instant.ofEpochSecond(1_700_000_000L);
    static final List<String> NAMESPACES = List.of("ns0", "ns1", "ns2");

    /** The addresses pods get: few, so that they are shared and reused. */
    static final List<InetAddress> V4 = new ArrayList<>();
    static final List<InetAddress> V6 = new ArrayList<>();

    static {
        for (int i = 0; i < 24; i++) {
            V4.add(IpAddresses.parse("10.244." + (i % 3) + "." + i));
            V6.add(IpAddresses.parse("fd00::" + Integer.toHexString(i + 1)));
        }
    }

    static PodInfo pod(Random random, String ns, String name) {
        List<InetAddress> ips = switch (random.nextInt(6)) {
            case 0 -> List.of(); // not scheduled yet
            case 1 -> List.of(V6.get(random.nextInt(V6.size())));
            case 2 -> List.of(V4.get(random.nextInt(V4.size())), V6.get(random.nextInt(V6.size())));
            case 3 -> List.of(V6.get(random.nextInt(V6.size())), V4.get(random.nextInt(V4.size())));
            default -> List.of(V4.get(random.nextInt(V4.size())));
        };
        boolean hostNetwork = random.nextInt(5) == 0;
        Instant created = switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> T0.plusMillis(random.nextInt(5_000));
            default -> T0.plusSeconds(random.nextInt(5));
        };
        Map<String, String> labels = switch (random.nextInt(3)) {
            case 0 -> Map.of();
            case 1 -> Map.of("app", name);
            default -> Map.of("app", name, "pod-template-hash", "7d4b9c8f5", "tier", "t" + random.nextInt(2));
        };
        return new PodInfo(ns, name, ips, random.nextInt(8) == 0 ? "h" : null, random.nextInt(8) == 0 ? "sub" : null,
                "node-" + random.nextInt(3), labels, random.nextBoolean() ? "Running" : "Pending", random.nextBoolean(),
                random.nextInt(6) == 0, List.of(), hostNetwork, created);
    }

    @Test
    void randomDeltasAnswerAsAMapOfEveryPod() {
        Random random = new Random(7);
        Map<String, PodInfo> expected = new LinkedHashMap<>();
        ClusterSnapshot snapshot = ClusterSnapshot.EMPTY;
        for (int round = 0; round < 300; round++) {
            ClusterSnapshot before = snapshot;
            Set<PodInfo> expectedBefore = new HashSet<>(expected.values());
            SnapshotDelta delta = new SnapshotDelta();
            for (int op = 0, ops = round == 0 ? 400 : 1 + random.nextInt(6); op < ops; op++) {
                String ns = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
                // few names, so that one name is in several namespaces
                String name = "pod-" + random.nextInt(round == 0 ? 200 : 40);
                if (random.nextInt(4) == 0) {
                    expected.remove(ns + "/" + name);
                    delta.removePod(ns, name);
                } else {
                    PodInfo p = pod(random, ns, name);
                    // labels and container ports are not kept
                    expected.put(ns + "/" + name, p.slim());
                    delta.putPod(p);
                }
            }
            snapshot = snapshot.apply(delta, T0);
            assertAnswersAs(snapshot, expected.values());
            assertThat(new HashSet<>(before.pods())).as("the base after an apply").isEqualTo(expectedBefore);
            if (round % 50 == 0) {
                ClusterSnapshot scratch = new ClusterSnapshot(1, T0, List.of(), List.of(), expected.values(), List.of());
                assertAnswersAs(scratch, expected.values());
            }
        }
    }

    /**
     * A snapshot, built or applied, keeps its pods slim: labels and container ports are read by
     * endpoint derivation only, before a snapshot is built. The rest of the pod is as given.
     */
    @Test
    void aSnapshotKeepsItsPodsWithoutLabelsAndPorts() {
        PodInfo full = new PodInfo("shop", "web-7d4b9c8f6d-x2k9q", List.of(IpAddresses.parse("10.244.0.7")), "web", "sub", "node-1",
                Map.of("app", "web", "pod-template-hash", "7d4b9c8f6d"), "Running", true, true,
                List.of(new ContainerPort("http", 8080, Protocol.TCP)), true, T0);
        PodInfo slim = full.slim();
        assertThat(slim.labels()).isEmpty();
        assertThat(slim.ports()).isEmpty();
        assertThat(slim).isNotEqualTo(full).isEqualTo(new PodInfo("shop", "web-7d4b9c8f6d-x2k9q", List.of(IpAddresses.parse("10.244.0.7")),
                "web", "sub", "node-1", null, "Running", true, true, null, true, T0));
        assertThat(slim.slim()).isSameAs(slim);
        assertThat(List.of(slim.namespace(), slim.name(), slim.hostname(), slim.subdomain(), slim.nodeName(), slim.phase()))
                .containsExactly("shop", "web-7d4b9c8f6d-x2k9q", "web", "sub", "node-1", "Running");
        assertThat(List.of(slim.ready(), slim.terminating(), slim.hostNetwork())).containsExactly(true, true, true);
        assertThat(slim.ips()).isEqualTo(full.ips());
        assertThat(slim.created()).isEqualTo(T0);

        ClusterSnapshot built = new ClusterSnapshot(1, T0, List.of(), List.of(), List.of(full), List.of());
        ClusterSnapshot applied = ClusterSnapshot.EMPTY.apply(new SnapshotDelta().putPod(full), T0);
        for (ClusterSnapshot s : List.of(built, applied)) {
            assertThat(s.pods()).containsExactly(slim);
            assertThat(s.podsByIP(IpAddresses.parse("10.244.0.7"))).containsExactly(slim);
            assertThat(s.hasPod("shop", IpAddresses.parse("10.244.0.7"))).isTrue();
        }
        assertThat(applied.apply(new SnapshotDelta().removePod("shop", "web-7d4b9c8f6d-x2k9q"), T0).pods()).isEmpty();
    }

    @Test
    void hostNetworkPodsShareTheirNodesAddressAndLeaveItOneByOne() {
        PodInfo exporter = hostPod("kube-system", "node-exporter");
        PodInfo agent = hostPod("default", "metrics-agent");
        PodInfo proxy = hostPod("kube-system", "kube-proxy");
        ClusterSnapshot s = ClusterSnapshot.EMPTY.apply(new SnapshotDelta().putPod(exporter).putPod(agent).putPod(proxy), T0);
        InetAddress node = IpAddresses.parse("192.168.1.10");
        assertThat(s.podsByIP(node)).containsExactly(exporter, agent, proxy);
        assertThat(s.podCountByIP(node)).isEqualTo(3);
        assertThat(List.of(s.podByIP(node, 0), s.podByIP(node, 1), s.podByIP(node, 2))).containsExactly(exporter, agent, proxy);
        assertThat(s.hasPod("default", node)).isTrue();
        assertThat(s.hasPod("shop", node)).isFalse();

        ClusterSnapshot less = s.apply(new SnapshotDelta().removePod("default", "metrics-agent"), T0);
        assertThat(less.podsByIP(node)).containsExactly(exporter, proxy);
        assertThat(less.hasPod("default", node)).isFalse();
        ClusterSnapshot one = less.apply(new SnapshotDelta().removePod("kube-system", "node-exporter"), T0);
        assertThat(one.podsByIP(node)).containsExactly(proxy);
        assertThat(one.podByIP(node, 0)).isEqualTo(proxy);
        assertThatThrownBy(() -> one.podByIP(node, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        ClusterSnapshot none = one.apply(new SnapshotDelta().removePod("kube-system", "kube-proxy"), T0);
        assertThat(none.podsByIP(node)).isEmpty();
        assertThat(none.podCountByIP(node)).isZero();
        assertThat(none.pods()).isEmpty();
        assertThat(s.podsByIP(node)).as("the first version, untouched").containsExactly(exporter, agent, proxy);
    }

    @Test
    void oneNameInSeveralNamespacesIsSeveralPods() {
        PodInfo a = new PodInfo("a", "web-0", List.of(IpAddresses.parse("10.244.0.1")), null, null, "n", Map.of(), "Running", true,
                false, List.of());
        PodInfo b = new PodInfo("b", "web-0", List.of(IpAddresses.parse("10.244.0.2")), null, null, "n", Map.of(), "Running", true,
                false, List.of());
        ClusterSnapshot s = ClusterSnapshot.EMPTY.apply(new SnapshotDelta().putPod(a).putPod(b), T0);
        assertThat(s.pods()).containsExactlyInAnyOrder(a, b);
        ClusterSnapshot moved = s.apply(new SnapshotDelta().putPod(new PodInfo("a", "web-0", List.of(IpAddresses.parse("10.244.0.3")),
                null, null, "n", Map.of(), "Running", true, false, List.of())), T0);
        assertThat(moved.pods()).hasSize(2);
        assertThat(moved.hasPod("a", IpAddresses.parse("10.244.0.1"))).isFalse();
        assertThat(moved.hasPod("a", IpAddresses.parse("10.244.0.3"))).isTrue();
        assertThat(moved.hasPod("b", IpAddresses.parse("10.244.0.2"))).isTrue();
        ClusterSnapshot gone = moved.apply(new SnapshotDelta().removePod("b", "web-0").removePod("c", "web-0"), T0);
        assertThat(gone.pods()).extracting(PodInfo::namespace).containsExactly("a");
    }

    @Test
    void creationTimesCompareAsTheirInstantsWithUnknownFirst() {
        Random random = new Random(9);
        for (int i = 0; i < 2_000; i++) {
            PodInfo a = pod(random, "ns0", "a");
            PodInfo b = pod(random, "ns0", "b");
            Instant x = a.created();
            Instant y = b.created();
            int expected = x == null || y == null ? Boolean.compare(x != null, y != null) : x.compareTo(y);
            assertThat(Integer.signum(a.compareCreated(b))).as("%s vs %s", x, y).isEqualTo(Integer.signum(expected));
        }
    }

    /** Per question (pods verified, autopath): looking pods up by address makes no object, a list or an Instant. */
    @Test
    void lookingPodsUpByAddressAllocatesNothing() {
        Random random = new Random(1);
        SnapshotDelta delta = new SnapshotDelta();
        for (int i = 0; i < 300; i++) {
            delta.putPod(pod(random, NAMESPACES.get(i % 3), "pod-" + i));
        }
        delta.putPod(hostPod("kube-system", "node-exporter")).putPod(hostPod("default", "metrics-agent"));
        ClusterSnapshot s = ClusterSnapshot.EMPTY.apply(delta, T0);
        List<InetAddress> all = new ArrayList<>(V4);
        all.addAll(V6);
        all.add(IpAddresses.parse("192.168.1.10"));
        InetAddress[] ips = all.toArray(InetAddress[]::new);
        long found = lookUp(s, ips, 1_000); // once through the interpreter and compilers first
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        found += lookUp(s, ips, 20_000);
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertThat(found).isPositive();
        // a list or an Instant per look-up would be megabytes here; the counter itself may take a few bytes
        assertThat(allocated).as("bytes allocated by %s look-ups", 20_000L * ips.length).isLessThan(4_096);
    }

    private static long lookUp(ClusterSnapshot s, InetAddress[] ips, int rounds) {
        long found = 0;
        for (int r = 0; r < rounds; r++) {
            for (InetAddress ip : ips) {
                if (s.hasPod(NAMESPACES.get(r % 3), ip)) {
                    found++;
                }
                PodInfo first = null;
                for (int i = 0, n = s.podCountByIP(ip); i < n; i++) {
                    PodInfo p = s.podByIP(ip, i);
                    if (first != null && p.compareCreated(first) > 0 && p.running() && !p.terminal() && !p.hostNetwork()) {
                        found++;
                    }
                    first = p;
                }
            }
        }
        return found;
    }

    private static PodInfo hostPod(String ns, String name) {
        return new PodInfo(ns, name, List.of(IpAddresses.parse("192.168.1.10")), null, null, "node-1", Map.of(), "Running", true, false,
                List.of(), true, T0);
    }

    /** Every way of reading the snapshot's pods gives what a map of {@code pods} gives. */
    static void assertAnswersAs(ClusterSnapshot snapshot, java.util.Collection<PodInfo> pods) {
        assertThat(snapshot.pods()).hasSize(pods.size());
        assertThat(new HashSet<>(snapshot.pods())).isEqualTo(new HashSet<>(pods));
        Map<InetAddress, Set<PodInfo>> byIp = new HashMap<>();
        for (PodInfo p : pods) {
            for (InetAddress ip : p.ips()) {
                byIp.computeIfAbsent(ip, k -> new HashSet<>()).add(p);
            }
        }
        List<InetAddress> all = new ArrayList<>(V4);
        all.addAll(V6);
        all.add(IpAddresses.parse("192.168.1.10"));
        for (InetAddress ip : all) {
            Set<PodInfo> want = byIp.getOrDefault(ip, Set.of());
            assertThat(new HashSet<>(snapshot.podsByIP(ip))).as("pods at %s", ip).isEqualTo(want);
            assertThat(snapshot.podCountByIP(ip)).as("pods at %s", ip).isEqualTo(want.size());
            Set<PodInfo> indexed = new HashSet<>();
            for (int i = 0; i < snapshot.podCountByIP(ip); i++) {
                indexed.add(snapshot.podByIP(ip, i));
            }
            assertThat(indexed).as("pods at %s by index", ip).isEqualTo(want);
            for (String ns : NAMESPACES) {
                assertThat(snapshot.hasPod(ns, ip)).as("a pod of %s at %s", ns, ip)
                        .isEqualTo(want.stream().anyMatch(p -> p.namespace().equals(ns)));
            }
        }
    }
}
