import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes one synthetic cluster twice, for the versus-Knot benchmark (vs-knot.sh): as Kubernetes
 * manifests for clusterdns and as the zone files of the records clusterdns answers for them, for
 * Knot DNS, plus the dnsperf query files. Not part of the build: run as a single source file on any
 * Java 17+ ({@code java dns-server/bench/SyntheticCluster.java --services 5000 --out DIR}), so the
 * bench needs no test-classpath build. (ScaleBenchmark and BenchCluster build model records in
 * memory; the server on the command line needs YAML, and Knot needs a zone file.)
 *
 * <p>Service {@code i} lives in namespace {@code ns-(i % 100)} and is, by {@code i % 10}:
 * 0-6 a ClusterIP service {@code svc-i} with 3 ready endpoints; 7 a headless StatefulSet service
 * {@code sts-i} whose 3 endpoints carry the hostnames {@code sts-i-0..2}; 8 an ExternalName
 * service {@code ext-i} (CNAME to {@code ext-i.example.com}); 9 a dual-stack service
 * {@code dual-i} (IPv4 and IPv6 cluster IPs, one EndpointSlice per family). Every service but the
 * ExternalName ones has one port, {@code http}/TCP 80. Addresses are a function of {@code i}, so
 * the two outputs agree by construction, and the query files are drawn with a fixed seed.
 *
 * <p>Outputs in {@code DIR}: {@code manifests/cluster.yaml}; {@code zones/cluster.local.zone},
 * {@code zones/in-addr.arpa.zone}, {@code zones/ip6.arpa.zone}; {@code hit.txt} (70% A, 10% SRV,
 * 10% AAAA NODATA, 10% search-path NXDOMAIN), {@code nxdomain.txt} (the names a pod's ndots:5
 * search path tries before the real one), {@code check.txt} (questions of every kind, PTR included,
 * whose answers the script compares between the two servers) and {@code ready.txt} (the last
 * service's name and address: the answer that says the whole cluster is loaded).
 */
public final class SyntheticCluster {
    static final int NAMESPACES = 100;
    static final int ENDPOINTS = 3;
    static final int MAX_SERVICES = 80_000;
    static final String ZONE = "cluster.local";
    static final int TTL = 5;
    static final int QUERIES = 100_000;

    enum Kind { CLUSTER_IP, HEADLESS, EXTERNAL, DUAL }

    private SyntheticCluster() {
    }

    public static void main(String[] args) throws IOException {
        int services = 5000;
        Path out = null;
        for (int a = 0; a < args.length; a++) {
            String arg = args[a];
            if (a + 1 >= args.length) {
                fail("usage: java SyntheticCluster.java --services N --out DIR");
            }
            switch (arg) {
                case "--services" -> services = positive(args[++a]);
                case "--out" -> out = Path.of(args[++a]);
                default -> fail("unknown option " + arg + " (usage: java SyntheticCluster.java --services N --out DIR)");
            }
        }
        if (out == null) {
            fail("--out DIR is required");
        }
        if (services > MAX_SERVICES) {
            fail("--services: at most " + MAX_SERVICES + " (the pod address range), got " + services);
        }
        Files.createDirectories(out.resolve("manifests"));
        Files.createDirectories(out.resolve("zones"));
        writeManifests(services, out.resolve("manifests/cluster.yaml"));
        writeZones(services, out.resolve("zones"));
        writeQueries(services, out);
    }

    static Kind kind(int i) {
        int k = i % 10;
        return k < 7 ? Kind.CLUSTER_IP : k == 7 ? Kind.HEADLESS : k == 8 ? Kind.EXTERNAL : Kind.DUAL;
    }

    static String name(int i) {
        return switch (kind(i)) {
            case CLUSTER_IP -> "svc-" + i;
            case HEADLESS -> "sts-" + i;
            case EXTERNAL -> "ext-" + i;
            case DUAL -> "dual-" + i;
        };
    }

    static String namespace(int i) {
        return "ns-" + (i % NAMESPACES);
    }

    static String fqdn(int i) {
        return name(i) + "." + namespace(i) + ".svc." + ZONE + ".";
    }

    /** Cluster IPs from 10.96.0.0/12, skipping the first few (10.96.0.1 is the API server's). */
    static int[] clusterIp(int i) {
        int k = i + 16;
        return new int[] {10, 96 + (k >> 16), (k >> 8) & 0xFF, k & 0xFF};
    }

    static String clusterIp6(int i) {
        return "fd00:10:96::" + low64(i + 16);
    }

    /** The last two groups of an address ending in {@code k}, in RFC 5952 text (as the server writes it). */
    static String low64(int k) {
        return (k >> 16 == 0 ? "" : Integer.toHexString(k >> 16) + ":") + Integer.toHexString(k & 0xFFFF);
    }

    /** Pod IPs from 10.244.0.0/14: endpoint {@code e} of service {@code i}. */
    static int[] podIp(int i, int e) {
        int k = i * ENDPOINTS + e + 16;
        return new int[] {10, 244 + (k >> 16), (k >> 8) & 0xFF, k & 0xFF};
    }

    static String podIp6(int i, int e) {
        return "fd00:10:244::" + low64(i * ENDPOINTS + e + 16);
    }

    static String dotted(int[] ip) {
        return ip[0] + "." + ip[1] + "." + ip[2] + "." + ip[3];
    }

    static String dashed(int[] ip) {
        return ip[0] + "-" + ip[1] + "-" + ip[2] + "-" + ip[3];
    }

    /** CoreDNS's endpoint name for an IPv6 address without a hostname: the text form, ':' as '-'. */
    static String dashed6(String ip6) {
        return ip6.replace(':', '-');
    }

    /** The endpoint's owner name: its hostname (StatefulSet) or its dashed address. */
    static String endpointName(int i, int e, boolean v6) {
        if (kind(i) == Kind.HEADLESS) {
            return name(i) + "-" + e + "." + fqdn(i);
        }
        return (v6 ? dashed6(podIp6(i, e)) : dashed(podIp(i, e))) + "." + fqdn(i);
    }

    // ---------------------------------------------------------------- manifests

    static void writeManifests(int services, Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int n = 0; n < Math.min(services, NAMESPACES); n++) {
                w.write("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-" + n + "}\n---\n");
            }
            for (int i = 0; i < services; i++) {
                String name = name(i);
                String ns = namespace(i);
                String meta = "metadata: {name: " + name + ", namespace: " + ns + "}\n";
                String ports = "  ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080}]\n";
                w.write("apiVersion: v1\nkind: Service\n" + meta + "spec:\n");
                switch (kind(i)) {
                    case CLUSTER_IP -> w.write("  clusterIP: " + dotted(clusterIp(i)) + "\n" + ports);
                    case HEADLESS -> w.write("  clusterIP: None\n" + ports);
                    case EXTERNAL -> w.write("  type: ExternalName\n  externalName: " + name + ".example.com\n");
                    case DUAL -> w.write("  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv6]\n  clusterIP: "
                            + dotted(clusterIp(i)) + "\n  clusterIPs: [" + dotted(clusterIp(i)) + ", \"" + clusterIp6(i) + "\"]\n" + ports);
                }
                w.write("---\n");
                if (kind(i) != Kind.EXTERNAL) {
                    writeSlice(w, i, false);
                }
                if (kind(i) == Kind.DUAL) {
                    writeSlice(w, i, true);
                }
            }
        }
    }

    static void writeSlice(BufferedWriter w, int i, boolean v6) throws IOException {
        String name = name(i);
        w.write("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: " + name + (v6 ? "-v6" : "-v4")
                + ", namespace: " + namespace(i) + ", labels: {kubernetes.io/service-name: " + name + "}}\n");
        w.write("addressType: " + (v6 ? "IPv6" : "IPv4") + "\nendpoints:\n");
        for (int e = 0; e < ENDPOINTS; e++) {
            w.write("- addresses: [\"" + (v6 ? podIp6(i, e) : dotted(podIp(i, e))) + "\"]\n");
            if (kind(i) == Kind.HEADLESS) {
                w.write("  hostname: " + name + "-" + e + "\n");
            }
            w.write("  conditions: {ready: true}\n  nodeName: node-" + (e % 3) + "\n");
        }
        w.write("ports: [{name: http, port: 8080, protocol: TCP}]\n---\n");
    }

    // ---------------------------------------------------------------- zones

    static void writeZones(int services, Path dir) throws IOException {
        try (BufferedWriter z = Files.newBufferedWriter(dir.resolve("cluster.local.zone"), StandardCharsets.UTF_8);
             BufferedWriter r4 = Files.newBufferedWriter(dir.resolve("in-addr.arpa.zone"), StandardCharsets.UTF_8);
             BufferedWriter r6 = Files.newBufferedWriter(dir.resolve("ip6.arpa.zone"), StandardCharsets.UTF_8)) {
            z.write("$TTL " + TTL + "\n" + ZONE + ". SOA ns.dns." + ZONE + ". hostmaster." + ZONE + ". 1 7200 1800 86400 " + TTL + "\n");
            z.write(ZONE + ". NS ns.dns." + ZONE + ".\nns.dns." + ZONE + ". A 127.0.0.1\n");
            for (BufferedWriter r : List.of(r4, r6)) {
                String apex = r == r4 ? "in-addr.arpa." : "ip6.arpa.";
                r.write("$TTL " + TTL + "\n" + apex + " SOA ns.dns." + ZONE + ". hostmaster." + ZONE + ". 1 7200 1800 86400 " + TTL + "\n");
                r.write(apex + " NS ns.dns." + ZONE + ".\n");
            }
            for (int i = 0; i < services; i++) {
                String owner = fqdn(i);
                String srv = "_http._tcp." + owner;
                switch (kind(i)) {
                    case CLUSTER_IP -> {
                        z.write(owner + " A " + dotted(clusterIp(i)) + "\n");
                        z.write(owner + " SRV 0 100 80 " + owner + "\n" + srv + " SRV 0 100 80 " + owner + "\n");
                        r4.write(ptr4(clusterIp(i)) + " PTR " + owner + "\n");
                        endpoints(z, r4, r6, i, false);
                    }
                    case HEADLESS -> {
                        int weight = 100 / ENDPOINTS;
                        for (int e = 0; e < ENDPOINTS; e++) {
                            String host = endpointName(i, e, false);
                            z.write(owner + " A " + dotted(podIp(i, e)) + "\n");
                            // a headless service's SRV records carry the endpoints' port
                            z.write(owner + " SRV 0 " + weight + " 8080 " + host + "\n" + srv + " SRV 0 " + weight + " 8080 " + host + "\n");
                        }
                        endpoints(z, r4, r6, i, false);
                    }
                    case EXTERNAL -> z.write(owner + " CNAME " + name(i) + ".example.com.\n");
                    case DUAL -> {
                        z.write(owner + " A " + dotted(clusterIp(i)) + "\n" + owner + " AAAA " + clusterIp6(i) + "\n");
                        // one SRV record per cluster IP, identical once the target is the service name (CoreDNS dedups them)
                        z.write(owner + " SRV 0 50 80 " + owner + "\n" + srv + " SRV 0 50 80 " + owner + "\n");
                        r4.write(ptr4(clusterIp(i)) + " PTR " + owner + "\n");
                        r6.write(ptr6(clusterIp6(i)) + " PTR " + owner + "\n");
                        endpoints(z, r4, r6, i, false);
                        endpoints(z, r4, r6, i, true);
                    }
                }
            }
        }
    }

    /** The endpoint names (A/AAAA) and their PTR records. */
    static void endpoints(BufferedWriter z, BufferedWriter r4, BufferedWriter r6, int i, boolean v6) throws IOException {
        for (int e = 0; e < ENDPOINTS; e++) {
            String host = endpointName(i, e, v6);
            if (v6) {
                z.write(host + " AAAA " + podIp6(i, e) + "\n");
                r6.write(ptr6(podIp6(i, e)) + " PTR " + host + "\n");
            } else {
                z.write(host + " A " + dotted(podIp(i, e)) + "\n");
                r4.write(ptr4(podIp(i, e)) + " PTR " + host + "\n");
            }
        }
    }

    static String ptr4(int[] ip) {
        return ip[3] + "." + ip[2] + "." + ip[1] + "." + ip[0] + ".in-addr.arpa.";
    }

    static String ptr6(String ip6) {
        byte[] bytes;
        try {
            bytes = java.net.InetAddress.getByName(ip6).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(ip6, e);
        }
        StringBuilder sb = new StringBuilder();
        for (int b = bytes.length - 1; b >= 0; b--) {
            sb.append(Character.forDigit(bytes[b] & 0xF, 16)).append('.').append(Character.forDigit((bytes[b] >> 4) & 0xF, 16)).append('.');
        }
        return sb.append("ip6.arpa.").toString();
    }

    // ---------------------------------------------------------------- queries

    static void writeQueries(int services, Path dir) throws IOException {
        Random random = new Random(11);
        List<String> hit = new ArrayList<>(QUERIES);
        List<String> nx = new ArrayList<>(QUERIES);
        for (int q = 0; q < QUERIES; q++) {
            int slot = q % 10;
            if (slot < 7) {
                hit.add(aQuestion(services, random));
            } else if (slot == 7) {
                int i = withPorts(services, random);
                hit.add((random.nextBoolean() ? "_http._tcp." : "") + fqdn(i) + " SRV");
            } else if (slot == 8) {
                hit.add(fqdn(ofKind(services, random, Kind.CLUSTER_IP)) + " AAAA");
            } else {
                hit.add(searchPathMiss(services, random, 0));
            }
            nx.add(searchPathMiss(services, random, q % 4));
        }
        write(dir.resolve("hit.txt"), shuffled(hit, random));
        write(dir.resolve("nxdomain.txt"), shuffled(nx, random));
        write(dir.resolve("check.txt"), check(services, random));
        int last = services - 1;
        while (kind(last) != Kind.CLUSTER_IP) {
            last--;
        }
        write(dir.resolve("ready.txt"), List.of(fqdn(last) + " " + dotted(clusterIp(last))));
    }

    /** An A question a client asks: mostly ClusterIP services, also headless, StatefulSet pods, dual-stack and ExternalName. */
    static String aQuestion(int services, Random random) {
        int i = random.nextInt(services);
        if (kind(i) == Kind.HEADLESS && random.nextBoolean()) {
            return name(i) + "-" + random.nextInt(ENDPOINTS) + "." + fqdn(i) + " A";
        }
        return fqdn(i) + " A";
    }

    /**
     * What a pod in another namespace's ndots:5 search path asks before the real name, for a
     * service written {@code name.ns} (form 0) or fully ({@code name.ns.svc.cluster.local}, forms
     * 1-3: the three search domains), all NXDOMAIN.
     */
    static String searchPathMiss(int services, Random random, int form) {
        int i = random.nextInt(services);
        String own = "ns-" + random.nextInt(NAMESPACES);
        String full = fqdn(i);
        String qtype = random.nextInt(4) == 0 ? " AAAA" : " A";
        return switch (form) {
            case 0 -> name(i) + "." + namespace(i) + "." + own + ".svc." + ZONE + "." + qtype;
            case 1 -> full + own + ".svc." + ZONE + "." + qtype;
            case 2 -> full + "svc." + ZONE + "." + qtype;
            default -> full + ZONE + "." + qtype;
        };
    }

    /** Questions of every kind for the answer comparison: 400 services, all their names and types. */
    static List<String> check(int services, Random random) {
        List<String> out = new ArrayList<>();
        out.add(ZONE + ". NS");
        out.add("svc." + ZONE + ". A");
        // blocks of 10 consecutive services (every kind) spread over the cluster: 40 blocks
        for (int start = 0; start < services; start += Math.max(10, services / 40)) {
            for (int j = start; j < Math.min(services, start + 10); j++) {
                String owner = fqdn(j);
                out.add(owner + " A");
                out.add(owner + " AAAA");
                // (not SRV of an ExternalName service: clusterdns answers NODATA, as CoreDNS; Knot its CNAME)
                if (kind(j) != Kind.EXTERNAL) {
                    out.add(owner + " SRV");
                    out.add("_http._tcp." + owner + " SRV");
                    for (int e = 0; e < ENDPOINTS; e++) {
                        out.add(endpointName(j, e, false) + " A");
                        out.add(ptr4(podIp(j, e)) + " PTR");
                    }
                }
                if (kind(j) == Kind.CLUSTER_IP || kind(j) == Kind.DUAL) {
                    out.add(ptr4(clusterIp(j)) + " PTR");
                }
                if (kind(j) == Kind.DUAL) {
                    out.add(ptr6(clusterIp6(j)) + " PTR");
                    for (int e = 0; e < ENDPOINTS; e++) {
                        out.add(endpointName(j, e, true) + " AAAA");
                        out.add(ptr6(podIp6(j, e)) + " PTR");
                    }
                }
            }
        }
        for (int q = 0; q < 200; q++) {
            out.add(searchPathMiss(services, random, q % 4));
        }
        return out;
    }

    static int withPorts(int services, Random random) {
        int i;
        do {
            i = random.nextInt(services);
        } while (kind(i) == Kind.EXTERNAL);
        return i;
    }

    static int ofKind(int services, Random random, Kind kind) {
        int i;
        do {
            i = random.nextInt(services);
        } while (kind(i) != kind);
        return i;
    }

    static List<String> shuffled(List<String> lines, Random random) {
        java.util.Collections.shuffle(lines, random);
        return lines;
    }

    static void write(Path file, List<String> lines) throws IOException {
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    static int positive(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail("--services: a positive number, got \"" + text + "\"");
        return 0;
    }

    static void fail(String message) {
        System.err.println("SyntheticCluster: " + message);
        System.exit(2);
    }
}
