package io.clusterdns.resolver;

import static io.clusterdns.resolver.Fixtures.clusterIp;
import static io.clusterdns.resolver.Fixtures.epPort;
import static io.clusterdns.resolver.Fixtures.headless;
import static io.clusterdns.resolver.Fixtures.port;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.SnapshotDelta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * An index updated service by service must answer exactly like one built from scratch.
 * Conventions: namespaces a, b; services s0..s9 (even: ClusterIP 10.96.0.&lt;n&gt;, odd: headless);
 * endpoints 10.244.0.0-15 with hostnames h0..h3 on some.
 */
class ResolverIncrementalTest {
    static final Instant T = Instant.ofEpochSecond(1_700_000_000L);

    @Test
    void randomChangesAnswerLikeAFullRebuild() {
        Random random = new Random(7);
        ResolverConfig config = new ResolverConfig(List.of(Name.fromConstantString("cluster.local."), ResolverConfig.IN_ADDR_ARPA),
                5, PodMode.DISABLED, java.util.Set.of(), false, false);
        Resolver incremental = new Resolver(config);
        Map<ServiceKey, ServiceInfo> services = new LinkedHashMap<>();
        Map<String, EndpointSliceInfo> slices = new LinkedHashMap<>();
        List<NamespaceInfo> namespaces = List.of(new NamespaceInfo("a", Map.of()), new NamespaceInfo("b", Map.of()));
        ClusterSnapshot snapshot = new ClusterSnapshot(1, T, List.of(), List.of(), List.of(), namespaces);
        incremental.update(snapshot);
        for (int round = 0; round < 300; round++) {
            SnapshotDelta delta = new SnapshotDelta();
            for (int i = 0; i < 1 + random.nextInt(4); i++) {
                String ns = random.nextBoolean() ? "a" : "b";
                int n = random.nextInt(10);
                ServiceKey key = ServiceKey.of(ns, "s" + n);
                int op = random.nextInt(5);
                if (op == 0) {
                    ServiceInfo s = n % 2 == 0
                            ? clusterIp(ns, "s" + n, List.of("10.96.0." + random.nextInt(12)), port("http", "TCP", 80))
                            : headless(ns, "s" + n, port("http", "TCP", 80));
                    services.put(key, s);
                    delta.putService(s);
                } else if (op == 1) {
                    services.remove(key);
                    delta.removeService(key);
                } else if (op == 4) {
                    String name = "s" + n + "-" + random.nextInt(2);
                    slices.remove(ns + "/" + name);
                    delta.removeSlice(key, name);
                } else {
                    String name = "s" + n + "-" + random.nextInt(2);
                    List<EndpointInfo> eps = new ArrayList<>();
                    for (int e = 0; e < random.nextInt(4); e++) {
                        int host = random.nextInt(16);
                        String hostname = host < 4 ? "h" + host : null;
                        eps.add(random.nextInt(4) == 0 ? Fixtures.notReady("10.244.0." + host, hostname) : Fixtures.ready("10.244.0." + host, hostname));
                    }
                    EndpointSliceInfo slice = Fixtures.slice(ns, "s" + n, name, eps, epPort("http", "TCP", 8080));
                    slices.put(ns + "/" + name, slice);
                    delta.putSlice(slice);
                }
            }
            snapshot = snapshot.apply(delta, T);
            incremental.update(snapshot);
            Resolver scratch = new Resolver(config);
            scratch.update(new ClusterSnapshot(snapshot.version(), T, services.values(), slices.values(), List.of(), namespaces));
            for (String q : questions()) {
                for (int type : new int[] {Type.A, Type.SRV, Type.PTR}) {
                    Name name = Name.fromConstantString(q);
                    assertThat(describe(incremental.resolve(name, type))).as("round %d: %s %s", round, q, Type.string(type))
                            .isEqualTo(describe(scratch.resolve(name, type)));
                }
            }
        }
    }

    private static List<String> questions() {
        List<String> names = new ArrayList<>();
        for (String ns : List.of("a", "b")) {
            for (int n = 0; n < 10; n++) {
                names.add("s" + n + "." + ns + ".svc.cluster.local.");
                names.add("h1.s" + n + "." + ns + ".svc.cluster.local.");
                names.add("10-244-0-9.s" + n + "." + ns + ".svc.cluster.local.");
            }
        }
        for (int i = 0; i < 16; i++) {
            names.add(i + ".0.244.10.in-addr.arpa.");
            names.add(i + ".0.96.10.in-addr.arpa.");
        }
        return names;
    }

    private static String describe(Answer a) {
        if (a instanceof Answer.Records r) {
            List<String> sorted = new ArrayList<>(Fixtures.texts(r.answers()));
            java.util.Collections.sort(sorted);
            List<String> extra = new ArrayList<>(Fixtures.texts(r.additional()));
            java.util.Collections.sort(extra);
            return "records " + sorted + " " + extra;
        }
        return a.getClass().getSimpleName() + " rcode " + a.rcode();
    }
}
