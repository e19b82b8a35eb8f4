package io.clusterdns.resolver;

import static io.clusterdns.resolver.Fixtures.clusterIp;
import static io.clusterdns.resolver.Fixtures.epPort;
import static io.clusterdns.resolver.Fixtures.externalName;
import static io.clusterdns.resolver.Fixtures.ip;
import static io.clusterdns.resolver.Fixtures.port;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.SnapshotDelta;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Type;

/**
 * What a lookup reads ({@link Dependencies}) and what an index changed ({@link IndexChange}): the
 * two halves a cache of answers needs to drop only what a snapshot changed.
 * Conventions: namespaces a, b; a/web ClusterIP 10.96.0.1 with endpoint 10.244.0.1; a/db
 * ClusterIP 10.96.0.2; b/alias ExternalName to web.a.svc.cluster.local.
 */
class ResolverDependencyTest {
    private static final Instant T = Instant.ofEpochSecond(1_700_000_000L);
    private static final ResolverConfig CONFIG = new ResolverConfig(List.of(Name.fromConstantString("cluster.local."),
            ResolverConfig.IN_ADDR_ARPA), 5, PodMode.INSECURE, Set.of(), false, false);
    private static final ServiceKey WEB = ServiceKey.of("a", "web");
    private static final ServiceKey DB = ServiceKey.of("a", "db");

    private static ClusterSnapshot cluster(String webIp) {
        return new ClusterSnapshot(1, T, List.of(clusterIp("a", "web", List.of(webIp), port("http", "TCP", 80)),
                clusterIp("a", "db", List.of("10.96.0.2"), port("sql", "TCP", 5432)),
                externalName("b", "alias", "web.a.svc.cluster.local")),
                List.of(Fixtures.slice("a", "web", "web-1", List.of(Fixtures.ready("10.244.0.1", null)), epPort("http", "TCP", 8080))),
                List.of(), List.of(new NamespaceInfo("a", Map.of()), new NamespaceInfo("b", Map.of())));
    }

    @Test
    void notesThePartsOfTheIndexEachAnswerReads() {
        Resolver r = new Resolver(CONFIG);
        r.update(cluster("10.96.0.1"));

        assertThat(read(r, "web.a.svc.cluster.local.", Type.A)).containsExactly(Dependency.service(WEB));
        assertThat(read(r, "nope.a.svc.cluster.local.", Type.A)).as("NXDOMAIN: the service it names")
                .containsExactly(Dependency.service(ServiceKey.of("a", "nope")));
        assertThat(read(r, "a.svc.cluster.local.", Type.A)).containsExactly(Dependency.namespace("a"));
        assertThat(read(r, "10-244-0-9.b.pod.cluster.local.", Type.A)).containsExactly(Dependency.namespace("b"));
        assertThat(read(r, "alias.b.svc.cluster.local.", Type.A)).as("an in-zone CNAME reads its target too")
                .containsExactly(Dependency.service(ServiceKey.of("b", "alias")), Dependency.service(WEB));
        assertThat(read(r, ReverseMap.fromAddress(ip("10.244.0.1")).toString(), Type.PTR))
                .containsExactly(Dependency.address(ip("10.244.0.1")));
        assertThat(read(r, "cluster.local.", Type.NS)).containsExactly(Dependency.service(ServiceKey.of("kube-system", "kube-dns")));
        assertThat(read(r, "dns-version.cluster.local.", Type.TXT)).isEmpty();

        // a cache holds these as long as the answer: an existing service is named by its own key, not a copy
        Dependency web = read(r, "WEB.a.svc.cluster.local.", Type.A).iterator().next();
        assertThat(web.key()).isSameAs(r.index().snapshot().services().get(WEB).key());
    }

    @Test
    void listsWhatEachIndexChangedAndTheChangesSinceAnEarlierOne() {
        Resolver r = new Resolver(CONFIG);
        ClusterSnapshot first = cluster("10.96.0.1");
        r.update(first);
        IndexChange c1 = r.change();
        assertThat(c1.all()).as("the first index: everything").isTrue();

        ClusterSnapshot second = first.apply(new SnapshotDelta().putService(clusterIp("a", "web", List.of("10.96.0.7"),
                port("http", "TCP", 80))), T.plusSeconds(1));
        r.update(second);
        IndexChange c2 = r.change();
        assertThat(c2.all()).isFalse();
        assertThat(c2.previousId()).isEqualTo(c1.id());
        assertThat(c2.serial()).isEqualTo(c1.serial() + 1);
        assertThat(c2.changed()).as("the service, its old and new cluster IPs, its endpoint").containsExactlyInAnyOrder(
                Dependency.service(WEB), Dependency.address(ip("10.96.0.1")), Dependency.address(ip("10.96.0.7")),
                Dependency.address(ip("10.244.0.1")));

        // rebuilt from scratch (a relist): only what differs, found by entry identity; a namespace gone
        r.update(new ClusterSnapshot(3, T.plusSeconds(2), second.services().values().stream().filter(s -> !s.key().equals(DB)).toList(),
                second.slicesByService().values().stream().flatMap(List::stream).toList(), List.of(),
                List.of(new NamespaceInfo("a", Map.of()))));
        IndexChange c3 = r.change();
        assertThat(c3.changed()).containsExactlyInAnyOrder(Dependency.service(DB), Dependency.address(ip("10.96.0.2")),
                Dependency.service(ServiceKey.of("b", "alias")), Dependency.namespace("b"), Dependency.PODS);

        assertThat(r.changesSince(c1.id())).containsExactly(c2, c3);
        assertThat(r.changesSince(c2.id())).containsExactly(c3);
        assertThat(r.changesSince(-5)).as("not known: drop everything").isNull();
        for (int i = 0; i < ZoneIndex.HISTORY; i++) {
            r.update(r.index().snapshot().apply(new SnapshotDelta().removeService(DB), T.plusSeconds(3 + i)));
        }
        assertThat(r.changesSince(c1.id())).as("older than the history kept").isNull();
    }

    private static Set<Dependency> read(Resolver r, String name, int type) {
        Dependencies d = new Dependencies();
        r.resolve(Name.fromConstantString(name), type, d);
        assertThat(d.indexId()).isEqualTo(r.indexId());
        return d.read();
    }
}
