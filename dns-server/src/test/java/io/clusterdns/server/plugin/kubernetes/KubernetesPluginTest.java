package io.clusterdns.server.plugin.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.TargetPort;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.Outcomes;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.Requests;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * The plugin answering the very request whose question {@link KubernetesPlugin#answersItself}
 * just looked up (a block with {@code cache} asks that first) takes that answer rather than a
 * second look-up, but never one made at another index or for another type.
 */
class KubernetesPluginTest {
    static final String WEB = "web.default.svc.cluster.local.";

    static ClusterSnapshot web(long version, String ip) {
        ServiceInfo web = new ServiceInfo(ServiceKey.of("default", "web"), ServiceType.CLUSTER_IP, List.of(IpAddresses.parse(ip)), false,
                List.of(IpFamily.IPV4), List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 0, null)), null, null,
                null, null, null, null, null, 0, false, Map.of("app", "web"), null);
        return new ClusterSnapshot(version, Instant.ofEpochSecond(1_700_000_000L + version), List.of(web), List.of(), List.of(),
                List.of(new NamespaceInfo("default", Map.of())));
    }

    @Test
    void takesTheAnswerJustLookedUpOnlyAtTheSameIndexAndType() {
        Resolver resolver = new Resolver(ResolverConfig.defaults());
        resolver.update(web(1, "10.96.45.100"));
        KubernetesPlugin plugin = new KubernetesPlugin(resolver, Fallthrough.NONE);
        Request request = Requests.of(WEB, Type.A);

        assertThat(plugin.answersItself(request.qname(), Type.A)).isTrue();
        assertThat(Outcomes.of(plugin, request)).isEqualTo("NOERROR aa | " + WEB + " 5 A 10.96.45.100");

        // looked up at one index, served at the next: the new index's answer, not the one noted
        assertThat(plugin.answersItself(request.qname(), Type.A)).isTrue();
        resolver.update(web(2, "10.96.45.101"));
        assertThat(Outcomes.of(plugin, request)).isEqualTo("NOERROR aa | " + WEB + " 5 A 10.96.45.101");

        // the same name object asked for another type: the request's own type is looked up
        assertThat(plugin.answersItself(request.qname(), Type.AAAA)).isTrue();
        assertThat(Outcomes.of(plugin, request)).isEqualTo("NOERROR aa | " + WEB + " 5 A 10.96.45.101");
    }

    /**
     * The answer kept for this thread is the request's own (its very name object): another request
     * for the same name at the same index, spelled otherwise, made on the same thread after it (a
     * dig after a dig), is looked up and gets its own spelling.
     */
    @Test
    void anotherRequestOfTheSameNameNeverTakesTheAnswerKeptForTheFirst() {
        Resolver resolver = new Resolver(ResolverConfig.defaults());
        resolver.update(web(1, "10.96.45.100"));
        KubernetesPlugin plugin = new KubernetesPlugin(resolver, Fallthrough.NONE);
        String mixed = "Web.DEFAULT.svc.Cluster.local.";

        Request first = Requests.of(mixed, Type.A);
        assertThat(plugin.answersItself(first.qname(), Type.A)).isTrue();
        assertThat(Outcomes.of(plugin, first)).isEqualTo("NOERROR aa | " + mixed + " 5 A 10.96.45.100");
        assertThat(Outcomes.of(plugin, Requests.of(WEB, Type.A))).isEqualTo("NOERROR aa | " + WEB + " 5 A 10.96.45.100");

        // the first one's look-up kept, and a second request served without its own (a cache hit took it before)
        assertThat(plugin.answersItself(Requests.of(mixed, Type.A).qname(), Type.A)).isTrue();
        assertThat(Outcomes.of(plugin, Requests.of(WEB, Type.A))).isEqualTo("NOERROR aa | " + WEB + " 5 A 10.96.45.100");
    }
}
