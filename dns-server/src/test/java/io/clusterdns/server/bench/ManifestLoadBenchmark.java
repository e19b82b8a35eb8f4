package io.clusterdns.server.bench;

import io.clusterdns.k8s.manifest.ManifestClusterSource;
import io.clusterdns.k8s.manifest.ManifestConfig;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.resolver.PodMode;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * CPU time of reading a manifest folder and building the first zone index from it, in a cold JVM
 * as at start (not a test; run by {@code bench/manifest-load.sh}, one JVM per size, so that a
 * step that grows faster than the cluster shows as a growing per-service cost).
 *
 * <p>Cluster (one YAML file per namespace, 100 namespaces): {@code services} ClusterIP services,
 * one in five headless, each selecting {@code endpoints} Running and Ready Pods, so that the
 * endpoints are derived from the Pods as the endpoints controller would; every tenth service
 * has an EndpointSlice of its own instead, naming Pods its selector does not match (so every
 * service has {@code endpoints} Pods: 50,000 services and 3 endpoints are 150,000 Pods). Prints one Markdown row: the CPU time of the loading
 * thread and of the whole process (JIT compiler and GC threads included) for the load (parse,
 * allocate cluster IPs, derive endpoints, first snapshot) and for the first index.
 *
 * <pre>
 * java -cp ... io.clusterdns.server.bench.ManifestLoadBenchmark --services 5000 [--endpoints 5] [--dir /tmp/m5k]
 * </pre>
 */
public final class ManifestLoadBenchmark {
    static final int NAMESPACES = 100;

    private ManifestLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int services = 5000;
        int endpoints = 5;
        Path dir = null;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--services" -> services = Integer.parseInt(args[i + 1]);
                case "--endpoints" -> endpoints = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--services N --endpoints N --dir PATH)");
            }
        }
        if (dir == null) {
            dir = Files.createTempDirectory("manifest-load");
        }
        write(dir, services, endpoints);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long thread0 = threads.getCurrentThreadCpuTime();
        long process0 = os.getProcessCpuTime();
        ClusterSnapshot snapshot;
        try (ManifestClusterSource source = new ManifestClusterSource(ManifestConfig.of(dir).withWatch(false))) {
            source.start();
            snapshot = source.current();
        }
        long thread1 = threads.getCurrentThreadCpuTime();
        long process1 = os.getProcessCpuTime();
        Resolver resolver = new Resolver(new ResolverConfig(List.of(Name.fromConstantString("cluster.local."),
                ResolverConfig.IN_ADDR_ARPA, ResolverConfig.IP6_ARPA), 5, PodMode.DISABLED, Set.of(), false, false));
        resolver.update(snapshot);
        long thread2 = threads.getCurrentThreadCpuTime();
        long process2 = os.getProcessCpuTime();
        long objects = snapshot.services().size() + (long) snapshot.sliceCount() + snapshot.pods().size();
        System.out.printf("| %,d | %,d | %,d | %d / %d ms | %d / %d ms | %d / %d ms | %.0f µs |%n",
                services, snapshot.sliceCount(), snapshot.pods().size(),
                ms(thread1 - thread0), ms(process1 - process0), ms(thread2 - thread1), ms(process2 - process1),
                ms(thread2 - thread0), ms(process2 - process0), (process2 - process0) / 1000.0 / services);
        if (objects == 0) {
            throw new IllegalStateException("nothing loaded from " + dir);
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** One file per namespace: its Namespace, services, their pods, and every tenth service's own slice. */
    static void write(Path dir, int services, int endpoints) throws IOException {
        Files.createDirectories(dir);
        for (int ns = 0; ns < NAMESPACES; ns++) {
            try (Writer out = Files.newBufferedWriter(dir.resolve("ns-" + ns + ".yaml"))) {
                out.write("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-" + ns + "\n");
                for (int i = ns; i < services; i += NAMESPACES) {
                    writeService(out, i, endpoints);
                }
            }
        }
    }

    private static void writeService(Writer out, int i, int endpoints) throws IOException {
        String ns = "ns-" + (i % NAMESPACES);
        String name = "svc-" + i;
        out.write("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\nspec:\n"
                + (i % 5 == 0 ? "  clusterIP: None\n" : "")
                + "  selector:\n    app: " + name + "\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n");
        // every tenth service has a slice of its own (its selector matches no pod, as the label
        // of its pods differs, so nothing is derived for it); every service has its pods, as a
        // cluster has them: 50,000 services with 3 endpoints each are the 150,000 pods
        boolean ownSlice = i % 10 == 1;
        if (ownSlice) {
            out.write("---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: " + name + "-x1\n  namespace: " + ns
                    + "\n  labels:\n    kubernetes.io/service-name: " + name + "\naddressType: IPv4\nports:\n- name: http\n  port: 8080\n"
                    + "  protocol: TCP\nendpoints:\n");
            for (int e = 0; e < endpoints; e++) {
                out.write("- addresses: [" + podIp(i * endpoints + e) + "]\n  conditions: {ready: true}\n  targetRef: {kind: Pod, name: "
                        + podName(name, e) + ", namespace: " + ns + "}\n");
            }
        }
        String app = ownSlice ? name + "-own" : name;
        for (int e = 0; e < endpoints; e++) {
            int pod = i * endpoints + e;
            String ip = podIp(pod);
            out.write("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " + podName(name, e)
                    + "\n  namespace: " + ns + "\n  labels:\n    app: " + app + "\n    pod-template-hash: 7d4b9c8f5\nspec:\n"
                    + "  nodeName: node-" + (pod % 200) + "\n  containers:\n  - name: app\n    image: nginx:1.27\n    ports:\n"
                    + "    - name: http\n      containerPort: 8080\nstatus:\n  phase: Running\n  conditions:\n"
                    + "  - {type: Ready, status: \"True\"}\n  podIP: " + ip + "\n  podIPs:\n  - ip: " + ip + "\n");
        }
    }

    private static String podName(String service, int e) {
        return service + "-7d4b9c8f5-" + Integer.toString(100000 + e, 36);
    }

    private static String podIp(int pod) {
        return "10." + (128 + (pod >> 16)) + "." + ((pod >> 8) & 255) + "." + (pod & 255);
    }
}
