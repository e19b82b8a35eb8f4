package io.clusterdns.server.fast;

import static io.clusterdns.server.fast.FastPathFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.SnapshotDelta;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.wire.Transport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Type;

/**
 * The fast path keeps its answers across snapshots and drops only those a snapshot changed: after
 * each of many random, seeded changes (services added, removed and changed in every shape,
 * endpoints moved between addresses that other services share, namespaces appearing and going,
 * the DNS service moved; most as deltas, some as snapshots rebuilt from scratch), every question
 * of a fixed set gets from the fast path the bytes the chain sends, and the questions about what
 * the change did not touch are answered from what was encoded before it.
 *
 * <pre>
 * namespaces   ns-a, ns-b, ns-c (each present or not), kube-system (kube-dns, its IP moves)
 * services     s0 .. s5 in each: ClusterIP on 10.96.0.1-8, headless with hostnames h0/h1 on
 *              10.244.0.1-10 (ready or not), ExternalName outside or to another service here
 * questions    every service name with _http._tcp/_dns._udp/_tcp/h0/h1/endpoint-IP prefixes,
 *              namespace, pod, apex, ns.dns, and the reverse names of both pools; A, AAAA, SRV,
 *              PTR, CNAME, SOA, NS; plain and EDNS with DO
 * </pre>
 */
class FastPathChurnTest {
    private static final List<String> NAMESPACES = List.of("ns-a", "ns-b", "ns-c");
    private static final int SERVICES = 6;
    private static final int CLUSTER_IPS = 8;
    private static final int POD_IPS = 10;
    private static final int[] TYPES = {Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.CNAME, Type.SOA, Type.NS};
    private static final List<Variant> ASKED = List.of(VARIANTS.get(0), VARIANTS.get(5));
    private static final Name ZONE = Name.fromConstantString("cluster.local.");

    /** The cluster as the test edits it: what the snapshots are made of. */
    private final Map<String, NamespaceInfo> namespaces = new TreeMap<>();
    private final Map<ServiceKey, ServiceInfo> services = new LinkedHashMap<>();
    private final Map<ServiceKey, EndpointSliceInfo> slices = new LinkedHashMap<>();
    private ClusterSnapshot snapshot;
    private long second = 1_700_000_000L;

    @Test
    void answersAsTheChainAfterEveryRandomChangeAndKeepsWhatItDidNotTouch() {
        Random random = new Random(20261207L);
        namespaces.put("kube-system", new NamespaceInfo("kube-system", Map.of()));
        putService(GeneratedCluster.clusterIp("kube-system", "kube-dns", List.of("10.96.0.10"), dnsPort()), null);
        for (String ns : NAMESPACES) {
            namespaces.put(ns, new NamespaceInfo(ns, Map.of()));
            for (int i = 0; i < SERVICES; i++) {
                randomService(random, ServiceKey.of(ns, "s" + i), null);
            }
        }
        snapshot = scratch(1);
        Resolver resolver = new Resolver(GeneratedCluster.config());
        resolver.update(snapshot);
        ServerPath chain = new ServerPath(resolver, false, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        ServerPath fast = new ServerPath(resolver, true, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        AnswerCache cache = ((FastPath) fast.front).cache(ZONE);
        List<String> names = names();
        askAll(names, chain, fast, 0, Set.of());

        int steps = 150;
        long kept = 0;
        long queries = 0;
        for (int step = 1; step <= steps; step++) {
            Set<ServiceKey> touched = new HashSet<>();
            SnapshotDelta delta = new SnapshotDelta();
            int edits = 1 + random.nextInt(3);
            boolean namespaceChanged = false;
            for (int e = 0; e < edits; e++) {
                namespaceChanged |= randomEdit(random, delta, touched);
            }
            second += random.nextInt(3); // the SOA serial: now the same, now later
            snapshot = random.nextInt(8) == 0 ? scratch(snapshot.version() + 1) : snapshot.apply(delta, Instant.ofEpochSecond(second));
            resolver.update(snapshot);

            long hitsBefore = cache.hits.sum();
            long encodedBefore = cache.encoded.sum();
            kept += askAll(names, chain, fast, step, namespaceChanged ? null : survivors(touched));
            queries += (long) names.size() * TYPES.length * ASKED.size();
            assertThat(cache.hits.sum() - hitsBefore + cache.encoded.sum() - encodedBefore).as("step %d: every question looked up", step)
                    .isEqualTo((long) names.size() * TYPES.length * ASKED.size());
        }
        assertThat(cache.indexesFollowed.sum()).as("snapshots followed change by change").isEqualTo(steps);
        assertThat(cache.startedOver.sum()).as("started over only at the first index").isEqualTo(1);
        assertThat(kept).as("answers about untouched services kept and answered from the cache").isPositive();
        System.out.printf("churn: %d snapshots, %d questions after them: %.1f %% hits (%d kept untouched services' answers),"
                        + " %d encoded, %d found stale; whole-cache drop would encode each of the %d keys once per snapshot%n",
                steps, queries, 100.0 * cache.hits.sum() / (cache.hits.sum() + cache.encoded.sum()), kept, cache.encoded.sum(),
                cache.stale.sum(), names.size() * TYPES.length * ASKED.size());
    }

    /**
     * The figure for the hit rate under endpoint churn, on 800 services (100 namespaces): each
     * snapshot moves one ClusterIP service's endpoints, then a mix of 500 questions is asked once
     * (A, SRV, AAAA NODATA, headless A, a search-path NXDOMAIN). Dropping the whole cache would
     * answer none of them from it; only the moved service's answers are made again.
     */
    @Test
    void keepsAlmostEveryAnswerUnderEndpointChurn() {
        int namespaceCount = 100;
        GeneratedCluster big = new GeneratedCluster(namespaceCount);
        Resolver resolver = new Resolver(GeneratedCluster.config());
        ClusterSnapshot current = big.snapshot(1);
        resolver.update(current);
        ServerPath fast = new ServerPath(resolver, true, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        AnswerCache cache = ((FastPath) fast.front).cache(ZONE);
        List<byte[]> mix = new ArrayList<>();
        for (int i = 0; i < namespaceCount; i++) {
            String ns = ".ns-" + i + ".svc.cluster.local.";
            mix.add(query(1, "svc-" + i + ns, Type.A, ASKED.get(0)));
            mix.add(query(2, "_http._tcp.svc-" + i + ns, Type.SRV, ASKED.get(0)));
            mix.add(query(3, "dual-" + i + ns, Type.AAAA, ASKED.get(0)));
            mix.add(query(4, "sts-" + i + ns, Type.A, ASKED.get(0)));
            mix.add(query(5, "svc-" + i + ".ns-" + (i + 1) % namespaceCount + ".svc.cluster.local.", Type.A, ASKED.get(0)));
        }
        mix.forEach(q -> fast.handle(q, Transport.UDP, CLIENT));
        Random random = new Random(11);
        int steps = 200;
        long hits = cache.hits.sum();
        long encoded = cache.encoded.sum();
        for (int step = 1; step <= steps; step++) {
            int moved = random.nextInt(namespaceCount);
            String ip = "10.245." + random.nextInt(250) + "." + (1 + random.nextInt(250));
            current = current.apply(new SnapshotDelta().putSlice(GeneratedCluster.slice("ns-" + moved, "svc-" + moved, "a", IpFamily.IPV4,
                    List.of(new EndpointInfo(IpAddresses.parse(ip), null, "node-1", null, true, true, false, null)),
                    List.of(new EndpointPort("http", Protocol.TCP, 8080, null)))), Instant.ofEpochSecond(1_800_000_000L + step));
            resolver.update(current);
            long before = cache.encoded.sum();
            mix.forEach(q -> fast.handle(q, Transport.UDP, CLIENT));
            assertThat(cache.encoded.sum() - before).as("step %d: only svc-%d's A and SRV made again", step, moved).isEqualTo(2);
        }
        hits = cache.hits.sum() - hits;
        encoded = cache.encoded.sum() - encoded;
        System.out.printf("endpoint churn: 800 services, %d snapshots, %d questions after them: %.2f %% answered from the cache"
                + " (%d made again); whole-cache drop: 0 %%%n", steps, hits + encoded, 100.0 * hits / (hits + encoded), encoded);
    }

    /**
     * Asks every question of both paths and compares the bytes. Questions about {@code survivors}'
     * own names (null: none) must be answered from the cache: returns how many were.
     */
    private static long askAll(List<String> names, ServerPath chain, ServerPath fast, int step, Set<String> survivors) {
        AnswerCache cache = ((FastPath) fast.front).cache(ZONE);
        long kept = 0;
        int id = 0;
        for (String name : names) {
            for (int type : TYPES) {
                for (Variant v : ASKED) {
                    byte[] q = query(++id & 0xFFFF, name, type, v);
                    long encoded = cache.encoded.sum();
                    byte[] actual = fast.handle(q, Transport.UDP, CLIENT);
                    byte[] expected = chain.handle(q, Transport.UDP, CLIENT);
                    assertThat(hex(actual)).as("step %d: %s %s %s", step, name, Type.string(type), v.label()).isEqualTo(hex(expected));
                    if (survivors != null && survivors.contains(name)) {
                        assertThat(cache.encoded.sum()).as("step %d: %s %s kept from before the change", step, name, Type.string(type))
                                .isEqualTo(encoded);
                        kept++;
                    }
                }
            }
        }
        return kept;
    }

    /**
     * The names whose answers a step that edited {@code touched} (and no namespace) must not
     * change: the names of every other service, unless it is or was an ExternalName (it may point
     * at a touched one). Reverse and namespace-wide names are left out: addresses are shared.
     */
    private Set<String> survivors(Set<ServiceKey> touched) {
        Set<String> out = new HashSet<>();
        for (String ns : NAMESPACES) {
            for (int i = 0; i < SERVICES; i++) {
                ServiceKey key = ServiceKey.of(ns, "s" + i);
                if (!touched.contains(key) && !aliases.contains(key)) {
                    out.addAll(serviceNames(key));
                }
            }
        }
        return out;
    }

    /** Services that were ExternalNames at some point: their answers follow their targets. */
    private final Set<ServiceKey> aliases = new HashSet<>();

    /** One random edit, recorded in {@code delta} and in this cluster; true when it was a namespace's. */
    private boolean randomEdit(Random random, SnapshotDelta delta, Set<ServiceKey> touched) {
        int what = random.nextInt(20);
        if (what == 0) {
            String ns = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
            if (namespaces.remove(ns) != null) {
                delta.removeNamespace(ns);
            } else {
                NamespaceInfo info = new NamespaceInfo(ns, Map.of());
                namespaces.put(ns, info);
                delta.putNamespace(info);
            }
            return true;
        }
        if (what == 1) {
            ServiceInfo dns = GeneratedCluster.clusterIp("kube-system", "kube-dns", List.of("10.96.0." + (10 + random.nextInt(2))), dnsPort());
            putService(dns, null);
            delta.putService(dns);
            touched.add(dns.key());
            return false;
        }
        ServiceKey key = ServiceKey.of(NAMESPACES.get(random.nextInt(NAMESPACES.size())), "s" + random.nextInt(SERVICES));
        touched.add(key);
        if (what < 5) {
            services.remove(key);
            delta.removeService(key);
            if (slices.remove(key) != null) {
                delta.removeSlice(key, key.name() + "-a");
            }
        } else if (what < 10 && slices.containsKey(key)) {
            EndpointSliceInfo slice = endpoints(random, key);
            slices.put(key, slice);
            delta.putSlice(slice);
        } else {
            randomService(random, key, delta);
        }
        return false;
    }

    /** A random service of any shape at {@code key}, with its slice (or none), into this cluster and {@code delta}. */
    private void randomService(Random random, ServiceKey key, SnapshotDelta delta) {
        String ns = key.namespace();
        String name = key.name();
        ServicePort http = GeneratedCluster.port("http", Protocol.TCP, 80);
        ServiceInfo svc = switch (random.nextInt(4)) {
            case 0, 1 -> GeneratedCluster.clusterIp(ns, name, List.of("10.96.0." + (1 + random.nextInt(CLUSTER_IPS))),
                    random.nextBoolean() ? new ServicePort[] {http, dnsPort()} : new ServicePort[] {http});
            case 2 -> GeneratedCluster.headless(ns, name, random.nextBoolean() ? new ServicePort[] {http} : new ServicePort[0]);
            default -> random.nextBoolean() ? GeneratedCluster.externalName(ns, name, "db.example.com")
                    : GeneratedCluster.externalName(ns, name, "s" + random.nextInt(SERVICES) + "." + NAMESPACES.get(random.nextInt(3))
                            + ".svc.cluster.local");
        };
        if (svc.externalName() != null) {
            aliases.add(key);
        }
        EndpointSliceInfo slice = svc.externalName() != null || random.nextInt(5) == 0 ? null : endpoints(random, key);
        EndpointSliceInfo old = putService(svc, slice);
        if (delta != null) {
            delta.putService(svc);
            if (slice != null) {
                delta.putSlice(slice);
            } else if (old != null) {
                delta.removeSlice(key, old.name());
            }
        }
    }

    private EndpointSliceInfo putService(ServiceInfo svc, EndpointSliceInfo slice) {
        services.put(svc.key(), svc);
        return slice == null ? slices.remove(svc.key()) : slices.put(svc.key(), slice);
    }

    /** One to three endpoints on the shared pod addresses, named h0/h1 or not, ready or not. */
    private static EndpointSliceInfo endpoints(Random random, ServiceKey key) {
        List<EndpointInfo> eps = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            String hostname = random.nextBoolean() ? "h" + random.nextInt(2) : null;
            boolean ready = random.nextInt(5) != 0;
            eps.add(new EndpointInfo(IpAddresses.parse("10.244.0." + (1 + random.nextInt(POD_IPS))), hostname, "node-1", null,
                    ready, ready, false, null));
        }
        return GeneratedCluster.slice(key.namespace(), key.name(), "a", IpFamily.IPV4, eps,
                List.of(new EndpointPort("http", Protocol.TCP, 8080, null), new EndpointPort("dns", Protocol.UDP, 53, null)));
    }

    private static ServicePort dnsPort() {
        return GeneratedCluster.port("dns", Protocol.UDP, 53);
    }

    /** This cluster as a snapshot built from scratch (the resolver rebuilds its index, reusing unchanged entries). */
    private ClusterSnapshot scratch(long version) {
        return new ClusterSnapshot(version, Instant.ofEpochSecond(second), services.values(), slices.values(), List.of(),
                namespaces.values());
    }

    private static List<String> serviceNames(ServiceKey key) {
        String name = key.name() + "." + key.namespace() + ".svc.cluster.local.";
        List<String> out = new ArrayList<>(List.of(name));
        for (String prefix : List.of("_http._tcp.", "_dns._udp.", "_tcp.", "h0.", "h1.", "10-244-0-3.")) {
            out.add(prefix + name);
        }
        return out;
    }

    private static List<String> names() {
        List<String> out = new ArrayList<>(List.of("cluster.local.", "ns.dns.cluster.local.", "kube-dns.kube-system.svc.cluster.local.",
                "nope.cluster.local."));
        for (String ns : NAMESPACES) {
            out.add(ns + ".svc.cluster.local.");
            out.add("10-244-0-1." + ns + ".pod.cluster.local.");
            for (int i = 0; i < SERVICES; i++) {
                out.addAll(serviceNames(ServiceKey.of(ns, "s" + i)));
            }
        }
        for (int i = 1; i <= 11; i++) {
            out.add(ReverseMap.fromAddress(IpAddresses.parse("10.96.0." + i)).toString());
        }
        for (int i = 1; i <= POD_IPS; i++) {
            out.add(ReverseMap.fromAddress(IpAddresses.parse("10.244.0." + i)).toString());
        }
        return out;
    }
}
