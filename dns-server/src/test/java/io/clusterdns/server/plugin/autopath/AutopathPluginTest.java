package io.clusterdns.server.plugin.autopath;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.resolver.PodMode;
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
import io.clusterdns.server.plugin.kubernetes.KubernetesPlugin;
import io.clusterdns.server.wire.Responses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The plugin in a chain {@code autopath → kubernetes → upstream}, where the kubernetes plugin
 * answers {@link Pods}' cluster ({@code pods verified}) at once and the upstream answers later,
 * from another thread, as forward does: {@code google-like.example} A 192.0.2.33 (AAAA: no data),
 * {@code intranet.corp.example} A 10.1.1.1, {@code broken.example} fails with an error, every
 * other name is NXDOMAIN. The server's own search domain is {@code corp.example}.
 */
class AutopathPluginTest {
    static final ExecutorService UPSTREAM_THREAD = Executors.newSingleThreadExecutor();
    static final String SOA = "cluster.local. 5 SOA ns.dns.cluster.local. hostmaster.cluster.local. 1736935200 7200 1800 86400 5";

    @AfterAll
    static void stop() {
        UPSTREAM_THREAD.shutdownNow();
    }

    /** A later answer from outside the cluster, recording the names it was asked. */
    static final class Upstream implements Plugin {
        final List<String> asked = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String name() {
            return "forward";
        }

        @Override
        public void serve(Request request, ResponseWriter writer, Chain next) {
            String name = request.qname().toString();
            asked.add(name);
            UPSTREAM_THREAD.execute(() -> {
                if (name.equals("broken.example.")) {
                    writer.fail(Rcode.SERVFAIL, "plugin/forward: no healthy upstream");
                    return;
                }
                Map<String, String> a = Map.of("google-like.example.", "192.0.2.33", "intranet.corp.example.", "10.1.1.1");
                Message m = Responses.start(request.message(), a.containsKey(name) ? Rcode.NOERROR : Rcode.NXDOMAIN);
                if (a.containsKey(name) && request.qtype() == Type.A) {
                    m.addRecord(new ARecord(request.qname(), DClass.IN, 30, IpAddresses.parse(a.get(name))), Section.ANSWER);
                }
                writer.write(m);
            });
        }
    }

    static Stream<Arguments> cases() {
        String gl = "google-like.example.default.svc.cluster.local.";
        String cname = gl + " 30 CNAME google-like.example.";
        return Stream.of(
                Arguments.of("a pod's first search name is walked to the bare name; CNAME to what was found",
                        "10.244.1.5", gl, Type.A, "NOERROR", List.of(cname, "google-like.example. 30 A 192.0.2.33"),
                        List.of("google-like.example.corp.example.", "google-like.example."), 1),
                Arguments.of("no data at the bare name is the answer: no CNAME to a name without records",
                        "10.244.1.5", gl, Type.AAAA, "NOERROR", List.of(), List.of("google-like.example.corp.example.", "google-like.example."), 1),
                Arguments.of("the server's own search domains come after the cluster's",
                        "10.244.1.5", "intranet.default.svc.cluster.local.", Type.A, "NOERROR",
                        List.of("intranet.default.svc.cluster.local. 30 CNAME intranet.corp.example.", "intranet.corp.example. 30 A 10.1.1.1"),
                        List.of("intranet.corp.example."), 1),
                Arguments.of("a service of another namespace, one step down the path",
                        "10.244.1.5", "web.default.default.svc.cluster.local.", Type.A, "NOERROR",
                        List.of("web.default.default.svc.cluster.local. 5 CNAME web.default.svc.cluster.local.",
                                "web.default.svc.cluster.local. 5 A 10.96.45.100"), List.of(), 1),
                Arguments.of("found at once: the answer as it is",
                        "10.244.1.5", "WEB.default.svc.cluster.local.", Type.A, "NOERROR", List.of("WEB.default.svc.cluster.local. 5 A 10.96.45.100"),
                        List.of(), 1),
                Arguments.of("nothing found anywhere: the reply to the name asked (the client walks on itself)",
                        "10.244.1.5", "nope.example.default.svc.cluster.local.", Type.A, "NXDOMAIN", List.of(),
                        List.of("nope.example.corp.example.", "nope.example."), 0),
                Arguments.of("a failure with an error ends the walk with it",
                        "10.244.1.5", "broken.example.default.svc.cluster.local.", Type.A, "SERVFAIL", List.of(),
                        List.of("broken.example.corp.example.", "broken.example."), 0),
                Arguments.of("the first element itself is not a search name",
                        "10.244.1.5", "default.svc.cluster.local.", Type.A, "NOERROR", List.of(), List.of(), 0),
                Arguments.of("another namespace's first element: not this client's path",
                        "10.244.2.7", gl, Type.A, "NXDOMAIN", List.of(), List.of(), 0),
                Arguments.of("shop's pod gets shop's path",
                        "10.244.2.7", "web.default.shop.svc.cluster.local.", Type.A, "NOERROR",
                        List.of("web.default.shop.svc.cluster.local. 5 CNAME web.default.svc.cluster.local.",
                                "web.default.svc.cluster.local. 5 A 10.96.45.100"), List.of(), 1),
                Arguments.of("an address no pod has", "10.244.9.9", gl, Type.A, "NXDOMAIN", List.of(), List.of(), 0),
                Arguments.of("a reused address is the newest pod's (default), not the stale one's (shop)",
                        "10.244.3.3", gl, Type.A, "NOERROR", List.of(cname, "google-like.example. 30 A 192.0.2.33"),
                        List.of("google-like.example.corp.example.", "google-like.example."), 1),
                Arguments.of("a newer Pending pod with the address has it, not the older Running one",
                        "10.244.5.5", gl, Type.A, "NOERROR", List.of(cname, "google-like.example. 30 A 192.0.2.33"),
                        List.of("google-like.example.corp.example.", "google-like.example."), 1),
                Arguments.of("a Succeeded pod's address is nobody's", "10.244.4.4", gl, Type.A, "NXDOMAIN", List.of(), List.of(), 0),
                Arguments.of("a node's address (host-network pods) is nobody's in particular",
                        "192.168.1.10", gl, Type.A, "NXDOMAIN", List.of(), List.of(), 0),
                Arguments.of("outside the cluster zone", "10.244.1.5", "google-like.example.", Type.A, "NOERROR",
                        List.of("google-like.example. 30 A 192.0.2.33"), List.of("google-like.example."), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void walksTheClientPodsSearchPath(String what, String client, String qname, int type, String rcode, List<String> answer,
                                      List<String> upstreamAsked, int successes) {
        Resolver resolver = new Resolver(new ResolverConfig(List.of(Name.fromConstantString("cluster.local.")), 5, PodMode.VERIFIED,
                Set.of(), false, false));
        resolver.update(Pods.snapshot());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AutopathConfig config = new AutopathConfig(List.of(Name.root), List.of(Name.fromConstantString("corp.example.")), true, "Corefile:2");
        Upstream upstream = new Upstream();
        BlockChain chain = BlockChain.of(List.of(Name.root), List.of(new AutopathPlugin(config, resolver, registry),
                new KubernetesPlugin(resolver, Fallthrough.NONE), upstream));
        Requests.Capture out = new Requests.Capture();

        Request request = from(client, Requests.of(qname, type));
        chain.head().serve(request, out);
        Await.until("an outcome for " + qname, () -> out.written.size() + out.failed.size() > 0);

        assertThat(upstream.asked).as("names asked upstream").containsExactlyElementsOf(upstreamAsked);
        if (rcode.equals("SERVFAIL")) {
            assertThat(out.failed).containsExactly(Rcode.SERVFAIL);
            assertThat(out.errors).containsExactly("plugin/forward: no healthy upstream");
        } else {
            Message m = out.written.get(0);
            assertThat(Rcode.string(m.getRcode())).isEqualTo(rcode);
            assertThat(m.getQuestion()).as("the question asked").isEqualTo(request.question());
            assertThat(Wire.texts(m, Section.ANSWER)).containsExactlyElementsOf(answer);
            if (rcode.equals("NXDOMAIN") && qname.endsWith("cluster.local.")) {
                assertThat(Wire.texts(m, Section.AUTHORITY)).containsExactly(SOA);
            }
        }
        Counter success = registry.find("coredns.autopath.success").tag("server", Requests.LISTENER.label()).counter();
        assertThat(success == null ? 0 : success.count()).isEqualTo(successes);
    }

    /** {@code @kubernetes} without a kubernetes plugin that follows pods (setup warned): every query passes on unchanged. */
    @Test
    void withoutPodsToAskEveryQueryPassesOn() {
        AutopathConfig config = new AutopathConfig(List.of(Name.root), List.of(), true, "Corefile:2");
        Upstream upstream = new Upstream();
        BlockChain chain = BlockChain.of(List.of(Name.root), List.of(new AutopathPlugin(config, null, new SimpleMeterRegistry()), upstream));
        Requests.Capture out = new Requests.Capture();

        chain.head().serve(from("10.244.1.5", Requests.of("google.com.default.svc.cluster.local.", Type.A)), out);
        Await.until("an outcome", () -> out.written.size() + out.failed.size() > 0);

        assertThat(upstream.asked).containsExactly("google.com.default.svc.cluster.local.");
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("files")
    void aResolvConfsPathIsEveryClients(String qname, String found, List<String> answer) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AutopathConfig config = new AutopathConfig(List.of(Name.root),
                List.of(Name.fromConstantString("default.svc.cluster.local."), Name.fromConstantString("corp.example.")), false, "Corefile:2");
        Upstream upstream = new Upstream();
        BlockChain chain = BlockChain.of(List.of(Name.root), List.of(new AutopathPlugin(config, null, registry), upstream));
        Requests.Capture out = new Requests.Capture();
        chain.head().serve(from("127.0.0.1", Requests.of(qname, Type.A)), out);
        Await.until("an outcome for " + qname, () -> !out.written.isEmpty());

        assertThat(upstream.asked).last().isEqualTo(found);
        assertThat(Wire.texts(out.written.get(0), Section.ANSWER)).containsExactlyElementsOf(answer);
    }

    static Stream<Arguments> files() {
        return Stream.of(
                Arguments.of("intranet.default.svc.cluster.local.", "intranet.corp.example.",
                        List.of("intranet.default.svc.cluster.local. 30 CNAME intranet.corp.example.", "intranet.corp.example. 30 A 10.1.1.1")),
                Arguments.of("google-like.example.default.svc.cluster.local.", "google-like.example.",
                        List.of("google-like.example.default.svc.cluster.local. 30 CNAME google-like.example.",
                                "google-like.example. 30 A 192.0.2.33")),
                Arguments.of("google-like.example.corp.example.", "google-like.example.corp.example.", List.of()));
    }

    static Request from(String ip, Request r) {
        return new Request(r.message(), r.edns(), r.limit(), r.transport(), new InetSocketAddress(IpAddresses.parse(ip), 40000),
                r.listener(), r.block(), r.zone(), r.size(), r.received());
    }
}
