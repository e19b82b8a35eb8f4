package io.clusterdns.server.bench;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.chain.BlockChain;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.QueryDispatcher;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.Router;
import io.clusterdns.server.listen.Listener;
import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.server.plugin.cache.CacheConfig;
import io.clusterdns.server.plugin.cache.CachePlugin;
import io.clusterdns.server.plugin.cache.CacheStore;
import io.clusterdns.server.plugin.kubernetes.KubernetesPlugin;
import io.clusterdns.server.wire.ClientEdns;
import io.clusterdns.server.wire.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The cache's hit path: query bytes → dispatcher → cache hit → response bytes, against the same
 * query answered by the kubernetes plugin without a cache, and the cache link's own work on a
 * hit (lookup and the per-client message, no parse or encode). The cache's clock stands still,
 * so every query after the first round is a hit. How to run: dns-server/bench/jmh.sh Cache.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class CacheBenchmark {
    static final int NAMES = 1024;
    static final Listener LISTENER = Listener.of(ListenAddress.of("127.0.0.1:1053"));
    static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

    @Param("10000")
    int services;

    QueryDispatcher withoutCache;
    QueryDispatcher withCache;
    CachePlugin cache;
    byte[][] queries;
    Request[] requests;
    int next;

    private static final ResponseWriter DISCARD = new ResponseWriter() {
        @Override
        public int write(Message response) {
            return response.getHeader().getID();
        }

        @Override
        public int fail(int rcode, String error) {
            return rcode;
        }
    };
    private static final Chain UNREACHABLE = (request, writer) -> {
        throw new IllegalStateException("a miss in the hit benchmark: " + request.qname());
    };

    @Setup(Level.Trial)
    public void setUp() {
        Resolver resolver = new Resolver(ResolverConfig.defaults());
        resolver.update(BenchCluster.snapshot(services));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Plugin kubernetes = new KubernetesPlugin(resolver, Fallthrough.NONE);
        CacheConfig config = CacheConfig.defaults(List.of(Name.root));
        cache = new CachePlugin(config, new CacheStore(config), registry, () -> 0L);
        DnsMetrics metrics = new DnsMetrics(registry);
        Counter panics = Counter.builder("panics").register(registry);
        withoutCache = dispatcher(metrics, panics, List.of(kubernetes));
        withCache = dispatcher(metrics, panics, List.of(cache, kubernetes));
        queries = new byte[NAMES][];
        requests = new Request[NAMES];
        for (int k = 0; k < NAMES; k++) {
            int i = (int) ((long) k * 7919 % services);
            Message m = new Message(k);
            m.getHeader().setFlag(Flags.RD);
            m.addRecord(Record.newRecord(Name.fromConstantString(BenchCluster.serviceName(i)), Type.A, DClass.IN), Section.QUESTION);
            queries[k] = m.toWire();
            requests[k] = new Request(m, ClientEdns.ABSENT, 512, Transport.UDP, CLIENT, LISTENER, null, Name.root, 40, 0L);
            handle(withCache, queries[k]);
        }
    }

    private static QueryDispatcher dispatcher(DnsMetrics metrics, Counter panics, List<Plugin> plugins) {
        Router router = new Router(List.of(BlockChain.of(List.of(Name.root), plugins)));
        return new QueryDispatcher(() -> router, metrics, panics);
    }

    private static byte[] handle(QueryDispatcher dispatcher, byte[] query) {
        AtomicReference<byte[]> out = new AtomicReference<>();
        dispatcher.receive(query, Transport.UDP, CLIENT, LISTENER, out::set);
        return out.get();
    }

    private int index() {
        next = (next + 1) & (NAMES - 1);
        return next;
    }

    @Benchmark
    public byte[] kubernetesWithoutCache() {
        return handle(withoutCache, queries[index()]);
    }

    @Benchmark
    public byte[] cacheHit() {
        return handle(withCache, queries[index()]);
    }

    @Benchmark
    public void cacheHitLinkOnly() {
        cache.serve(requests[index()], DISCARD, UNREACHABLE);
    }
}
