package io.clusterdns.server.fast;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.chain.BlockChain;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.FrontPath;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.QueryDispatcher;
import io.clusterdns.server.chain.Router;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.listen.Listener;
import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.server.plugin.cache.CacheConfig;
import io.clusterdns.server.plugin.cache.CachePlugin;
import io.clusterdns.server.plugin.cache.CacheSetup;
import io.clusterdns.server.plugin.cache.CacheStore;
import io.clusterdns.server.plugin.kubernetes.KubernetesPlugin;
import io.clusterdns.server.plugin.prometheus.PrometheusPlugin;
import io.clusterdns.server.wire.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What the fast path tests share: a {@link GeneratedCluster} with 3 namespaces, the ways a question
 * is asked ({@link Variant}), and a listener's query path with or without the fast path
 * ({@link ServerPath}). The chain is {@code prometheus} then {@code kubernetes} (with
 * {@code fallthrough in-addr.arpa ip6.arpa}, so unknown reverse names take the chain's "no next
 * plugin" SERVFAIL); queries use small IDs.
 */
final class FastPathFixture {
    private FastPathFixture() {
    }

    static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    static final InetSocketAddress CLIENT6 = new InetSocketAddress(ipv6Loopback(), 40000);
    static final Listener LISTENER = Listener.of(ListenAddress.of("127.0.0.1:1053"));
    static final GeneratedCluster CLUSTER = new GeneratedCluster(3);
    static final int[] TYPES = {Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.TXT, Type.NS, Type.SOA, Type.CNAME, Type.ANY, Type.MX,
        Type.HINFO, 0, Type.OPT, 65280, 65535, Type.AXFR, Type.IXFR};

    enum Casing { LOWER, MIXED, UPPER }

    /** How a question is asked. {@code payload} 0: no EDNS. */
    record Variant(String label, Casing casing, int payload, boolean dnssecOk, Transport transport, boolean rd, boolean cd, boolean ad) {
        Variant(String label, Casing casing, int payload, boolean dnssecOk, Transport transport, boolean rd, boolean cd) {
            this(label, casing, payload, dnssecOk, transport, rd, cd, false);
        }
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("plain", Casing.LOWER, 0, false, Transport.UDP, true, false),
            new Variant("mixed 512", Casing.MIXED, 0, false, Transport.UDP, true, false),
            new Variant("mixed edns 1232 do", Casing.MIXED, 1232, true, Transport.UDP, true, false),
            new Variant("upper edns 4096 cd", Casing.UPPER, 4096, false, Transport.UDP, true, true),
            new Variant("edns 100 (512), no rd", Casing.LOWER, 100, false, Transport.UDP, false, true),
            new Variant("edns 1400 do ad (as dig asks)", Casing.LOWER, 1400, true, Transport.UDP, true, false, true),
            new Variant("tcp mixed", Casing.MIXED, 0, false, Transport.TCP, true, false),
            new Variant("tcp edns do", Casing.LOWER, 1232, true, Transport.TCP, false, false));

    /** A listener's query path: one block behind a router, with or without the fast path; its own metrics. */
    static final class ServerPath {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final QueryDispatcher dispatcher;
        final FrontPath front;
        boolean answeredFast;
        int fastAnswers;

        ServerPath(Resolver resolver, boolean fast, Function<DnsMetrics, List<Plugin>> plugins, long budget) {
            DnsMetrics metrics = new DnsMetrics(registry);
            BlockChain block = BlockChain.of(resolver.config().zones(), plugins.apply(metrics));
            front = fast ? FastPath.of(List.of(block), budget) : FrontPath.NONE;
            FrontPath counting = (wire, transport, client, listener, sink, received) -> {
                answeredFast = front.serve(wire, transport, client, listener, sink, received);
                fastAnswers += answeredFast ? 1 : 0;
                return answeredFast;
            };
            Router router = new Router(List.of(block), counting);
            dispatcher = new QueryDispatcher(() -> router, metrics, Counter.builder("panics").register(registry));
        }

        byte[] handle(byte[] wire, Transport transport, InetSocketAddress client) {
            AtomicReference<byte[]> out = new AtomicReference<>();
            answeredFast = false;
            dispatcher.receive(wire, transport, client, LISTENER, out::set);
            return out.get();
        }

        /** The per-query series as Prometheus text, without the timings. */
        List<String> series() {
            return registry.scrape().lines()
                    .filter(l -> l.startsWith("coredns_dns_") && !l.startsWith("coredns_dns_request_duration_seconds_bucket")
                            && !l.startsWith("coredns_dns_request_duration_seconds_sum")
                            && !l.startsWith("coredns_dns_request_duration_seconds_max"))
                    .sorted().toList();
        }
    }

    static Function<DnsMetrics, List<Plugin>> kubernetesBehindPrometheus(Resolver resolver, Plugin... before) {
        return metrics -> {
            List<Plugin> plugins = new ArrayList<>(List.of(new PrometheusPlugin(metrics, "errors")));
            plugins.addAll(List.of(before));
            plugins.add(new KubernetesPlugin(resolver, new Fallthrough(List.of(Name.fromConstantString("in-addr.arpa."),
                    Name.fromConstantString("ip6.arpa.")))));
            return plugins;
        };
    }

    /**
     * {@code prometheus}, {@code cache} (as {@code cacheLines} in a {@code .} block; its series on
     * {@code cacheRegistry}), {@code kubernetes}: the cache as the server wires it when
     * {@code asServerRuns}, as CoreDNS's (holding every answer) otherwise.
     */
    static Function<DnsMetrics, List<Plugin>> kubernetesBehindCache(Resolver resolver, String cacheLines,
                                                                   PrometheusMeterRegistry cacheRegistry, boolean asServerRuns) {
        return metrics -> {
            Directive d = CorefileParser.parse(".:53 {\n" + cacheLines + "\n}\n", Path.of("/etc/coredns/Corefile"), Map.of())
                    .blocks().get(0).directives().get(0);
            CacheConfig config = CacheSetup.parse(d, resolver.config().zones());
            List<Plugin> plugins = new ArrayList<>(List.of(new PrometheusPlugin(metrics, "errors"),
                    new CachePlugin(config, new CacheStore(config), cacheRegistry, System::nanoTime)));
            plugins.addAll(kubernetesBehindPrometheus(resolver).apply(metrics).subList(1, 2));
            return asServerRuns ? FastPath.cacheLeavingClusterAnswers(plugins) : plugins;
        };
    }

    /** The sum of a cache series' samples (0 when it has none). */
    static double cacheSample(PrometheusMeterRegistry registry, String series) {
        return registry.scrape().lines().filter(l -> l.startsWith(series + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static Resolver resolver() {
        Resolver r = new Resolver(GeneratedCluster.config());
        r.update(CLUSTER.snapshot(1));
        return r;
    }

    static byte[] query(int id, String name, int type, Variant v) {
        Message m = new Message(id);
        if (v.rd()) {
            m.getHeader().setFlag(Flags.RD);
        }
        if (v.cd()) {
            m.getHeader().setFlag(Flags.CD);
        }
        if (v.ad()) {
            m.getHeader().setFlag(Flags.AD);
        }
        m.addRecord(Record.newRecord(Name.fromConstantString(spell(name, v.casing())), type, DClass.IN), Section.QUESTION);
        if (v.payload() > 0) {
            m.addRecord(new OPTRecord(v.payload(), 0, 0, v.dnssecOk() ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        }
        return m.toWire();
    }

    static String spell(String name, Casing casing) {
        return switch (casing) {
            case LOWER -> name;
            case UPPER -> name.toUpperCase(Locale.ROOT);
            case MIXED -> {
                StringBuilder b = new StringBuilder(name);
                for (int i = 0; i < b.length(); i += 2) {
                    b.setCharAt(i, Character.toUpperCase(b.charAt(i)));
                }
                yield b.toString();
            }
        };
    }

    static String hex(byte[] b) {
        return b == null ? "null" : HexFormat.of().formatHex(b);
    }

    private static InetAddress ipv6Loopback() {
        return io.clusterdns.k8s.model.IpAddresses.parse("::1");
    }
}
