package io.clusterdns.server.plugin.k8sexternal;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.LoadBalancerIngress;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.TargetPort;
import io.clusterdns.resolver.ExternalConfig;
import io.clusterdns.resolver.ExternalResolver;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.Wire;
import io.clusterdns.server.chain.BlockChain;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.Requests;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.wire.Responses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code k8s_external} link, one request at a time without sockets: what it answers, what it
 * passes on, and a load balancer hostname's addresses asked of the block's chain after the CNAME.
 *
 * <pre>
 * zone example.org (fallthrough as each case says); namespace shop
 * shop/lb     ingress 203.0.113.10, http 80/TCP
 * shop/elb    ingress hostname abc.elb.example.net
 * shop/self   ingress hostname api.example.org (inside the zone)
 * </pre>
 */
class K8sExternalPluginTest {
    static final String SOA = "example.org. 5 SOA ns1.dns.example.org. hostmaster.dns.example.org. 1700000000 7200 1800 86400 5";

    static ServiceInfo loadBalancer(String name, LoadBalancerIngress ingress) {
        return new ServiceInfo(ServiceKey.of("shop", name), ServiceType.LOAD_BALANCER, List.of(IpAddresses.parse("10.96.3.1")), false,
                List.of(IpFamily.IPV4), List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 30080, null)), null, null,
                List.of(ingress), null, null, null, null, 0, false, Map.of("app", name), null);
    }

    static Resolver cluster() {
        Resolver r = new Resolver(ResolverConfig.defaults());
        r.update(new ClusterSnapshot(1, Instant.ofEpochSecond(1_700_000_000L), List.of(
                loadBalancer("lb", new LoadBalancerIngress(IpAddresses.parse("203.0.113.10"), null, null)),
                loadBalancer("elb", new LoadBalancerIngress(null, "abc.elb.example.net", null)),
                loadBalancer("self", new LoadBalancerIngress(null, "api.example.org", null))),
                List.of(), List.of(), List.of(new NamespaceInfo("shop", Map.of()))));
        return r;
    }

    static K8sExternalPlugin plugin(Resolver cluster, Fallthrough fallthrough) {
        ExternalConfig config = new ExternalConfig(List.of(Name.fromConstantString("example.org.")), "dns", 5, false, List.of());
        return new K8sExternalPlugin(new ExternalResolver(cluster, config), fallthrough);
    }

    /** The next link: records what reached it and answers REFUSED. */
    static final class Next implements Chain {
        final List<Name> seen = new ArrayList<>();

        @Override
        public void serve(Request request, ResponseWriter writer) {
            seen.add(request.qname());
            writer.fail(Rcode.REFUSED, null);
        }
    }

    static Requests.Capture serve(Plugin plugin, String name, int type, Chain next) {
        Requests.Capture out = new Requests.Capture();
        plugin.serve(Requests.of(name, type), out, next);
        return out;
    }

    @Test
    void answersItsZoneAuthoritatively() {
        Requests.Capture out = serve(plugin(cluster(), Fallthrough.NONE), "lb.shop.example.org.", Type.A, new Next());
        Message m = out.written.get(0);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(Wire.texts(m, Section.ANSWER)).containsExactly("lb.shop.example.org. 5 A 203.0.113.10");
    }

    @Test
    void aMissingNameIsNxdomainWithTheSoaUnlessItFallsThrough() {
        Next next = new Next();
        Message m = serve(plugin(cluster(), Fallthrough.NONE), "nope.shop.example.org.", Type.A, next).written.get(0);
        assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(Wire.texts(m, Section.AUTHORITY)).containsExactly(SOA);
        assertThat(next.seen).isEmpty();

        Requests.Capture through = serve(plugin(cluster(), Fallthrough.ALL), "nope.shop.example.org.", Type.A, next);
        assertThat(next.seen).containsExactly(Name.fromConstantString("nope.shop.example.org."));
        assertThat(through.failed).containsExactly(Rcode.REFUSED);
        // names that exist are answered whatever fallthrough says
        assertThat(serve(plugin(cluster(), Fallthrough.ALL), "lb.shop.example.org.", Type.A, next).written).hasSize(1);
    }

    @Test
    void otherNamesGoOnAndTransfersAreRefused() {
        Next next = new Next();
        serve(plugin(cluster(), Fallthrough.NONE), "web.shop.svc.cluster.local.", Type.A, next);
        assertThat(next.seen).containsExactly(Name.fromConstantString("web.shop.svc.cluster.local."));
        assertThat(serve(plugin(cluster(), Fallthrough.NONE), "example.org.", Type.AXFR, next).failed).containsExactly(Rcode.REFUSED);
    }

    @Test
    void beforeTheFirstSnapshotItAnswersServfail() {
        Message m = serve(plugin(new Resolver(ResolverConfig.defaults()), Fallthrough.ALL), "lb.shop.example.org.", Type.A, new Next())
                .written.get(0);
        assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL);
    }

    /** What the rest of the block answers for names outside the cluster: abc.elb.example.net, or REFUSED. */
    static final class Upstream implements Plugin {
        final List<Name> asked = new ArrayList<>();

        @Override
        public String name() {
            return "forward";
        }

        @Override
        public void serve(Request request, ResponseWriter writer, Chain next) {
            asked.add(request.qname());
            if (!request.qname().equals(Name.fromConstantString("abc.elb.example.net.")) || request.qtype() != Type.A) {
                writer.fail(Rcode.REFUSED, null);
                return;
            }
            Message m = Responses.start(request.message(), Rcode.NOERROR);
            m.addRecord(new ARecord(request.qname(), DClass.IN, 60, IpAddresses.parse("198.51.100.7")), Section.ANSWER);
            writer.write(m);
        }
    }

    static Message throughBlock(Upstream upstream, String name, int type) {
        BlockChain block = BlockChain.of(List.of(Name.root), List.of(plugin(cluster(), Fallthrough.NONE), upstream));
        Request r = Requests.of(name, type);
        Request inBlock = new Request(r.message(), r.edns(), r.limit(), r.transport(), r.client(), r.listener(), block, Name.root,
                r.size(), r.received());
        Requests.Capture out = new Requests.Capture();
        block.head().serve(inBlock, out);
        assertThat(out.written).hasSize(1);
        return out.written.get(0);
    }

    @Test
    void aLoadBalancerHostnameIsFollowedThroughTheBlock() {
        Upstream upstream = new Upstream();
        Message m = throughBlock(upstream, "elb.shop.example.org.", Type.A);
        assertThat(Wire.texts(m, Section.ANSWER)).containsExactly("elb.shop.example.org. 5 CNAME abc.elb.example.net.",
                "abc.elb.example.net. 60 A 198.51.100.7");
        assertThat(m.getHeader().getID()).isEqualTo(4242);

        // nothing found for AAAA: the CNAME alone
        Message v6 = throughBlock(upstream, "elb.shop.example.org.", Type.AAAA);
        assertThat(v6.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(Wire.texts(v6, Section.ANSWER)).containsExactly("elb.shop.example.org. 5 CNAME abc.elb.example.net.");
        assertThat(upstream.asked).containsExactly(Name.fromConstantString("abc.elb.example.net."),
                Name.fromConstantString("abc.elb.example.net."));
    }

    @Test
    void aHostnameInsideItsOwnZoneIsNotFollowed() {
        Upstream upstream = new Upstream();
        Message m = throughBlock(upstream, "self.shop.example.org.", Type.A);
        assertThat(Wire.texts(m, Section.ANSWER)).containsExactly("self.shop.example.org. 5 CNAME api.example.org.");
        assertThat(upstream.asked).isEmpty();
    }
}
