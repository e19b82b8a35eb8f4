package io.clusterdns.server.bench;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ContainerPort;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.SnapshotDelta;
import io.clusterdns.k8s.model.TargetPort;
import io.clusterdns.resolver.PodMode;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * Memory and update latency of the DNS side at cluster scale (not a test; run by
 * {@code bench/scale.sh}, one JVM per size so that RSS means something). It builds what the
 * informer source holds and publishes, the way it does: one record per object, converted once,
 * with strings of their own as JSON parsing makes them; the first snapshot from all records at
 * once (as at sync), then {@link ClusterSnapshot#apply} of one-object deltas, each followed by
 * {@link Resolver#update} (what the server does with every publish).
 *
 * <p>Cluster: {@code services} services in 100 namespaces, {@code 1 in 5} headless, each with
 * {@code endpoints} ready endpoints in one EndpointSlice; with {@code --pods verified} one Pod per
 * endpoint too (CoreDNS only watches Pods then). Reports heap used after a full GC (the retained
 * snapshot and zone index, minus the empty JVM), the process RSS, CoreDNS's published sizing
 * formula for the same cluster, the time of the first snapshot and first index, and the median
 * and 99th percentile of one incremental change (snapshot apply + index update).
 *
 * <pre>
 * java -Xmx1g -cp ... io.clusterdns.server.bench.ScaleBenchmark --services 50000 [--endpoints 5] [--pods verified] [--repetitions 2000]
 * </pre>
 */
public final class ScaleBenchmark {
    static final int NAMESPACES = 100;
    static final int HEADLESS_EVERY = 5;
    static final Instant T0 = Instant.ofEpochSecond(1_700_000_000L);

    private final int services;
    private final int endpoints;
    private final boolean pods;
    private final int repetitions;

    ScaleBenchmark(int services, int endpoints, boolean pods, int repetitions) {
        this.services = services;
        this.endpoints = endpoints;
        this.pods = pods;
        this.repetitions = repetitions;
    }

    public static void main(String[] args) throws Exception {
        int services = 10_000;
        int endpoints = 5;
        boolean pods = false;
        int repetitions = 2000;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--services" -> services = Integer.parseInt(args[i + 1]);
                case "--endpoints" -> endpoints = Integer.parseInt(args[i + 1]);
                case "--pods" -> pods = args[i + 1].equals("verified");
                case "--repetitions" -> repetitions = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--services N --endpoints N --pods verified|disabled --repetitions N)");
            }
        }
        new ScaleBenchmark(services, endpoints, pods, repetitions).run();
    }

    void run() throws IOException {
        long emptyHeap = heapAfterGc();
        Records records = build();
        int objects = records.services.size() + records.slices.size() + records.pods.size() + records.namespaces.size();
        long t0 = System.nanoTime();
        ClusterSnapshot first = new ClusterSnapshot(1, T0, records.services, records.slices, records.pods, records.namespaces);
        long t1 = System.nanoTime();
        // From here only the snapshot (and then the index) stay reachable: what the server keeps.
        records = null;
        long snapshotHeap = heapAfterGc() - emptyHeap;
        Resolver resolver = new Resolver(new ResolverConfig(List.of(Name.fromConstantString("cluster.local."),
                ResolverConfig.IN_ADDR_ARPA, ResolverConfig.IP6_ARPA), 5, pods ? PodMode.VERIFIED : PodMode.DISABLED, Set.of(),
                false, false));
        long t2 = System.nanoTime();
        resolver.update(first);
        long t3 = System.nanoTime();
        long retained = heapAfterGc() - emptyHeap;
        double rss = rssBytes();

        ClusterSnapshot current = first;
        Timings serviceChange = new Timings(repetitions);
        Timings sliceChange = new Timings(repetitions);
        for (int r = 0; r < repetitions; r++) {
            current = serviceChange.time(current, resolver, serviceDelta(r), r);
            current = sliceChange.time(current, resolver, sliceDelta(r), r);
        }
        report(objects, new long[] {snapshotHeap, retained}, rss, t1 - t0, t3 - t2, serviceChange, sliceChange, resolver.version());
    }

    /** Per repetition: the whole change, and its two halves (snapshot apply, index update). */
    private record Timings(long[] total, long[] apply, long[] index) {
        Timings(int n) {
            this(new long[n], new long[n], new long[n]);
        }

        ClusterSnapshot time(ClusterSnapshot current, Resolver resolver, SnapshotDelta delta, int r) {
            long start = System.nanoTime();
            ClusterSnapshot next = current.apply(delta, T0.plusSeconds(r));
            long applied = System.nanoTime();
            resolver.update(next);
            long end = System.nanoTime();
            total[r] = end - start;
            apply[r] = applied - start;
            index[r] = end - applied;
            return next;
        }

        String describe() {
            return String.format("%.0f µs / %.0f µs (%.0f + %.0f)", percentile(total, 50) / 1e3, percentile(total, 99) / 1e3,
                    percentile(apply, 50) / 1e3, percentile(index, 50) / 1e3);
        }
    }

    /** A ClusterIP service moving to another cluster IP and port (a kubectl apply of one Service). */
    private SnapshotDelta serviceDelta(int r) {
        int i = clusterIpIndex(r);
        return new SnapshotDelta().putService(service(i, 80 + 1 + (r % 1000), ip(10, 200 + (r % 50), (r >> 8) & 0xFF, r & 0xFF)));
    }

    /** A headless service's slice with its first endpoint flipping readiness (a pod restarting). */
    private SnapshotDelta sliceDelta(int r) {
        int i = headlessIndex(r);
        return new SnapshotDelta().putSlice(slice(i, r % 2 == 0));
    }

    private int clusterIpIndex(int r) {
        int i = (r * 7919) % services;
        return i % HEADLESS_EVERY == 0 ? (i + 1) % services : i;
    }

    private int headlessIndex(int r) {
        return ((r * 7919) % (services / HEADLESS_EVERY)) * HEADLESS_EVERY;
    }

    /** The records, as the converters make them: separate string instances per object. */
    private record Records(List<ServiceInfo> services, List<EndpointSliceInfo> slices, List<PodInfo> pods,
                           List<NamespaceInfo> namespaces) {
    }

    private Records build() {
        List<ServiceInfo> svcs = new ArrayList<>(services);
        List<EndpointSliceInfo> slices = new ArrayList<>(services);
        List<PodInfo> podList = new ArrayList<>(pods ? services * endpoints : 0);
        for (int i = 0; i < services; i++) {
            svcs.add(service(i, 80, i % HEADLESS_EVERY == 0 ? null : clusterIp(i)));
            slices.add(slice(i, true));
            if (pods) {
                for (int e = 0; e < endpoints; e++) {
                    podList.add(pod(i, e));
                }
            }
        }
        List<NamespaceInfo> namespaces = new ArrayList<>();
        for (int n = 0; n < NAMESPACES; n++) {
            namespaces.add(new NamespaceInfo(fresh("ns-" + n), Map.of(fresh("kubernetes.io/metadata.name"), fresh("ns-" + n))));
        }
        return new Records(svcs, slices, podList, namespaces);
    }

    private ServiceInfo service(int i, int port, InetAddress vip) {
        boolean headless = i % HEADLESS_EVERY == 0;
        if (headless) {
            vip = null;
        }
        String name = "svc-" + i;
        ServicePort p = new ServicePort(fresh("http"), Protocol.TCP, port, TargetPort.of(8080), 0, null);
        return new ServiceInfo(ServiceKey.of(fresh(namespace(i)), fresh(name)), ServiceType.CLUSTER_IP,
                vip == null ? List.of() : List.of(vip), headless, List.of(IpFamily.IPV4), List.of(p), null, null, null, null,
                null, null, null, 0, false, Map.of(fresh("app"), fresh(name)), Map.of(fresh("app"), fresh(name)));
    }

    private EndpointSliceInfo slice(int i, boolean firstReady) {
        List<EndpointInfo> eps = new ArrayList<>(endpoints);
        for (int e = 0; e < endpoints; e++) {
            boolean ready = e != 0 || firstReady;
            eps.add(new EndpointInfo(podIp(i, e), null, fresh("node-" + (e % 50)), null, ready, ready, false, fresh(podName(i, e))));
        }
        return new EndpointSliceInfo(fresh("svc-" + i + "-x7k2p"), ServiceKey.of(fresh(namespace(i)), fresh("svc-" + i)), IpFamily.IPV4,
                eps, List.of(new EndpointPort(fresh("http"), Protocol.TCP, 8080, null)), T0);
    }

    private PodInfo pod(int i, int e) {
        return new PodInfo(fresh(namespace(i)), fresh(podName(i, e)), List.of(podIp(i, e)), null, null, fresh("node-" + (e % 50)),
                Map.of(fresh("app"), fresh("svc-" + i), fresh("pod-template-hash"), fresh("5d78c9869d")), fresh("Running"), true,
                false, List.of(new ContainerPort(fresh("http"), 8080, Protocol.TCP)));
    }

    private static String namespace(int i) {
        return "ns-" + (i % NAMESPACES);
    }

    private static String podName(int i, int e) {
        return "svc-" + i + "-5d78c9869d-" + Integer.toString(e + 36 * 36 * 36, 36);
    }

    private static InetAddress clusterIp(int i) {
        return ip(10, 96 + (i >> 16), (i >> 8) & 0xFF, i & 0xFF);
    }

    private InetAddress podIp(int i, int e) {
        int n = i * endpoints + e;
        return ip(10, 128 + ((n >> 16) & 0x3F), (n >> 8) & 0xFF, n & 0xFF);
    }

    private static InetAddress ip(int a, int b, int c, int d) {
        return IpAddresses.parse(a + "." + b + "." + c + "." + d);
    }

    /** A string of its own, as Jackson hands one out per JSON value. */
    private static String fresh(String s) {
        return new String(s.toCharArray());
    }

    /** @param heap live heap after the snapshot, and after snapshot + index */
    private void report(int objects, long[] heap, double rss, long firstSnapshot, long firstIndex, Timings serviceChange,
                        Timings sliceChange, long version) {
        long podCount = pods ? (long) services * endpoints : 0;
        // CoreDNS's scaling guide: MB = (pods + services) / 1000 + 54 with default settings; pods count
        // there whether or not they are watched (endpoints grow with them).
        double coredns = ((double) services * endpoints + services) / 1000 + 54;
        System.out.printf("services %d, endpoints %d, pods watched %d, objects %d, snapshots applied %d, JVM %s, %s%n",
                services, (long) services * endpoints, podCount, objects, version, Runtime.version(), jvmFlags());
        System.out.printf("| %,d | %,d | %s | %.0f MB (%.0f + %.0f) | %.0f MB | %.0f MB | %d ms | %d ms | %s | %s |%n",
                services, (long) services * endpoints, pods ? "verified" : "disabled", heap[1] / 1e6, heap[0] / 1e6,
                (heap[1] - heap[0]) / 1e6, rss / 1e6, coredns,
                firstSnapshot / 1_000_000, firstIndex / 1_000_000, serviceChange.describe(), sliceChange.describe());
    }

    private static String jvmFlags() {
        return String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    private static double percentile(long[] values, int p) {
        // the first quarter is warm-up for the JIT
        int from = values.length / 4;
        long[] measured = Arrays.copyOfRange(values, from, values.length);
        Arrays.sort(measured);
        return measured[Math.min(measured.length - 1, measured.length * p / 100)];
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024.0;
            }
        }
        return Double.NaN;
    }
}
