package io.clusterdns.k8s.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.informer.InformerClusterSource;
import io.clusterdns.k8s.informer.InformerConfig;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceKey;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.management.NotificationEmitter;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * Heap of an {@link InformerClusterSource} through its first list and through a relist after an
 * API outage whose watches came back expired (410 Gone), against {@link BenchApiServerMain} in a
 * child JVM. Never run by the tests; {@code k8s/client/bench/relist-heap.sh} runs it.
 *
 * <p>Live heap is sampled with class histograms ({@code GC.class_histogram}, a full collection
 * each: the live objects at that moment) every {@code --sample-ms} while a list is in progress;
 * the largest sample is the phase's peak, and its histogram says where the memory is. Steady
 * state is the live heap once synced and watching.
 *
 * <pre>
 * RelistHeapBenchmark --services 50000 --endpoints 5 --page-size 500 --churn 500
 * </pre>
 */
public final class RelistHeapBenchmark {
    private static final ObjectName DIAGNOSTICS = name("com.sun.management:type=DiagnosticCommand");

    private final List<String> classpath;
    private long maxAfterGc;
    private final AtomicReference<Histogram> peak = new AtomicReference<>();

    private RelistHeapBenchmark(List<String> classpath) {
        this.classpath = classpath;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>(Map.of("--services", "50000", "--endpoints", "5", "--page-size", "500",
                "--churn", "500", "--sample-ms", "200", "--tail-ms", "15000", "--server-xmx", "2g"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        int services = Integer.parseInt(opts.get("--services"));
        int pageSize = Integer.parseInt(opts.get("--page-size"));
        int churn = Integer.parseInt(opts.get("--churn"));
        long sampleMs = Long.parseLong(opts.get("--sample-ms"));
        long tailMs = Long.parseLong(opts.get("--tail-ms"));
        RelistHeapBenchmark bench = new RelistHeapBenchmark(List.of(System.getProperty("java.class.path")));
        bench.run(services, Integer.parseInt(opts.get("--endpoints")), pageSize, churn, sampleMs, tailMs, opts.get("--server-xmx"));
    }

    private void run(int services, int endpoints, int pageSize, int churn, long sampleMs, long tailMs, String serverXmx) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(List.of(java, "-Xmx" + serverXmx, "-XX:+UseParallelGC", "-cp", String.join(File.pathSeparator, classpath),
                BenchApiServerMain.class.getName(), Integer.toString(services), Integer.toString(endpoints)))
                .redirectError(ProcessBuilder.Redirect.appendTo(new File("target/bench-apiserver.log"))).start();
        BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        Writer serverIn = new OutputStreamWriter(server.getOutputStream(), StandardCharsets.UTF_8);
        try {
            String ready = serverOut.readLine();
            if (ready == null || !ready.startsWith("READY ")) {
                throw new IllegalStateException("bench API server did not start (target/bench-apiserver.log): " + ready);
            }
            String url = ready.substring("READY ".length());
            watchCollections();
            long empty = live().total;

            InformerConfig config = InformerConfig.of(ClusterConnection.master(url)).withListPageSize(pageSize);
            try (InformerClusterSource source = new InformerClusterSource(config)) {
                AtomicReference<ClusterSnapshot> last = new AtomicReference<>();
                source.subscribe(last::set);
                long t0 = System.nanoTime();
                source.start();
                Phase initial = sample("first list", sampleMs, tailMs, () -> last.get() != null && watching(source));
                long syncMs = (initial.doneNanos - t0) / 1_000_000;
                Histogram steady = initial.end;

                ServiceKey newest = ServiceKey.of("ns-" + ((services + churn - 1) % 100), "svc-" + (services + churn - 1));
                long t1 = System.nanoTime();
                command(serverIn, serverOut, "outage " + churn, "RESTARTED");
                Phase relist = sample("relist", sampleMs, tailMs, () -> {
                    ClusterSnapshot s = last.get();
                    return s != null && s.services().size() == services
                            && s.services().containsKey(newest) && watching(source);
                });
                long relistMs = (relist.doneNanos - t1) / 1_000_000;
                Histogram after = relist.end;
                String lists = command(serverIn, serverOut, "lists", "LISTS");

                System.out.printf("services %d, endpoints per slice %d, page size %s, churn %d; source JVM -Xmx%d MB; %s%n",
                        services, endpoints, pageSize == 0 ? "none (one list)" : pageSize, churn,
                        Runtime.getRuntime().maxMemory() >> 20, lists);
                System.out.printf("objects held: %s%n", source.stats().objects());
                System.out.printf("empty JVM live heap: %s%n", mb(empty));
                System.out.printf("| page size | steady live heap | first list peak (x steady) | relist peak (x steady) | after relist | max heap after any GC | sync | relist |%n");
                System.out.printf("| %s | %s | %s (%.2fx) | %s (%.2fx) | %s | %s | %d ms | %d ms |%n",
                        pageSize == 0 ? "none" : pageSize, mb(steady.total - empty),
                        mb(initial.peak.total - empty), (double) (initial.peak.total - empty) / (steady.total - empty),
                        mb(relist.peak.total - empty), (double) (relist.peak.total - empty) / (steady.total - empty),
                        mb(after.total - empty), mb(maxAfterGc - empty), syncMs, relistMs);
                System.out.printf("%nsteady state, by owner:%n%s%n", steady.groups());
                System.out.printf("first list peak (%d samples), by owner:%n%s%ntop classes:%n%s%n", initial.samples, initial.peak.groups(), initial.peak.top(12));
                System.out.printf("relist peak (%d samples), by owner:%n%s%ntop classes:%n%s%n", relist.samples, relist.peak.groups(), relist.peak.top(12));
            }
            command(serverIn, serverOut, "quit", "BYE");
        } finally {
            // by PID: the child and nothing else
            ProcessHandle.of(server.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean watching(InformerClusterSource source) {
        Map<WatchedKind, Boolean> w = source.stats().watching();
        return !w.isEmpty() && w.values().stream().allMatch(b -> b);
    }

    /** The largest sample, the last one (at the end of the tail), how many, and System.nanoTime() when done. */
    private record Phase(Histogram peak, Histogram end, int samples, long doneNanos) {
    }

    /**
     * Samples the live heap until {@code done}, at most 30 minutes, then for {@code tailMs} more:
     * the informers' callbacks may still be working through queued objects when the last
     * snapshot is out and every watch is open.
     */
    private Phase sample(String what, long everyMs, long tailMs, BooleanSupplier done) throws InterruptedException {
        Histogram best = null;
        Histogram last = null;
        int n = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        long tailEnd = Long.MAX_VALUE;
        while (System.nanoTime() - tailEnd < 0) {
            if (tailEnd == Long.MAX_VALUE && done.getAsBoolean()) {
                tailEnd = System.nanoTime() + Duration.ofMillis(tailMs).toNanos();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not finish");
            }
            last = live();
            n++;
            if (best == null || last.total > best.total) {
                best = last;
            }
            Thread.sleep(everyMs);
        }
        return new Phase(best, last, n, tailEnd - Duration.ofMillis(tailMs).toNanos());
    }

    private static String command(Writer in, BufferedReader out, String command, String answer) throws IOException {
        in.write(command + "\n");
        in.flush();
        String line = out.readLine();
        if (line == null || !line.startsWith(answer)) {
            throw new IllegalStateException(command + " answered " + line);
        }
        return line;
    }

    /** Tracks the largest heap occupancy right after any collection (young ones included). */
    private void watchCollections() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long used = 0;
                // the map holds the non-heap pools (metaspace, code cache) too: count the heap only
                for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (isHeapPool(e.getKey())) {
                        used += e.getValue().getUsed();
                    }
                }
                synchronized (this) {
                    maxAfterGc = Math.max(maxAfterGc, used);
                }
            }, null, null);
        }
    }

    private static boolean isHeapPool(String pool) {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .anyMatch(p -> p.getName().equals(pool) && p.getType() == java.lang.management.MemoryType.HEAP);
    }

    /** A class histogram of the live objects (a full collection first). */
    private static Histogram live() {
        try {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(DIAGNOSTICS, "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return Histogram.parse(text);
        } catch (Exception e) {
            throw new IllegalStateException("GC.class_histogram: " + e, e);
        }
    }

    private static ObjectName name(String s) {
        try {
            return new ObjectName(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }

    /** One histogram: bytes per class, in the JVM's order (largest first). */
    record Histogram(long total, List<Map.Entry<String, Long>> classes) {
        static Histogram parse(String text) {
            List<Map.Entry<String, Long>> classes = new ArrayList<>();
            long total = 0;
            for (String line : text.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    long bytes = Long.parseLong(f[2]);
                    classes.add(Map.entry(f[3], bytes));
                } else if (f.length >= 3 && f[0].equals("Total")) {
                    total = Long.parseLong(f[2]);
                }
            }
            return new Histogram(total, classes);
        }

        /**
         * Bytes per owner, by class name: fabric8's model objects (and the maps its Jackson
         * deserializer fills), the clusterdns model records, the snapshot's sharded maps, and the
         * rest (strings and arrays are shared by all of them, so they are a group of their own).
         */
        String groups() {
            Map<String, Long> g = new LinkedHashMap<>();
            for (String k : List.of(FABRIC8, CLUSTERDNS, MAPS, STRINGS, BUFFERS, OTHER)) {
                g.put(k, 0L);
            }
            for (Map.Entry<String, Long> c : classes) {
                g.merge(owner(c.getKey()), c.getValue(), Long::sum);
            }
            StringBuilder out = new StringBuilder();
            g.forEach((k, v) -> out.append(String.format("  %-42s %s%n", k, mb(v))));
            return out.toString();
        }

        private static final String FABRIC8 = "fabric8 model objects (io.fabric8...model)";
        private static final String CLUSTERDNS = "clusterdns records and snapshot (io.clusterdns)";
        private static final String MAPS = "java.util maps (state, stores, fabric8 extras)";
        private static final String STRINGS = "strings (String, byte[]), shared by all";
        private static final String BUFFERS = "JSON/IO buffers (char[], Jackson)";
        private static final String OTHER = "other";

        private static String owner(String cls) {
            if (cls.startsWith("io.fabric8.kubernetes.api.model.")) {
                return FABRIC8;
            }
            if (cls.startsWith("io.clusterdns.")) {
                return CLUSTERDNS;
            }
            if (cls.startsWith("java.util.HashMap") || cls.startsWith("java.util.LinkedHashMap") || cls.startsWith("java.util.concurrent.ConcurrentHashMap")
                    || cls.startsWith("java.util.concurrent.ConcurrentSkipList") || cls.equals("[Ljava.util.HashMap$Node;")
                    || cls.equals("[Ljava.util.concurrent.ConcurrentHashMap$Node;")) {
                return MAPS;
            }
            if (cls.equals("java.lang.String") || cls.equals("[B")) {
                return STRINGS;
            }
            if (cls.equals("[C") || cls.startsWith("com.fasterxml.jackson.")) {
                return BUFFERS;
            }
            return OTHER;
        }

        String top(int n) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < Math.min(n, classes.size()); i++) {
                out.append(String.format("  %-70s %s%n", classes.get(i).getKey(), mb(classes.get(i).getValue())));
            }
            return out.toString();
        }
    }
}
