package io.clusterdns.server;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.chain.BlockChain;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.FrontPath;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.QueryDispatcher;
import io.clusterdns.server.chain.Router;
import io.clusterdns.server.fast.FastPath;
import io.clusterdns.server.listen.Listener;
import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.server.plugin.kubernetes.KubernetesPlugin;
import io.clusterdns.server.plugin.prometheus.PrometheusPlugin;
import io.clusterdns.server.wire.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.xbill.DNS.Name;

/**
 * The server's query path without sockets, bytes in and bytes out: the wire stage, the router and
 * a chain of just the kubernetes plugin over a resolver (answers are synchronous, so the response
 * is there when {@link #handle} returns).
 */
public final class QueryPath {
    static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    static final Listener LISTENER = Listener.of(ListenAddress.of("127.0.0.1:1053"));

    private final QueryDispatcher dispatcher;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private QueryPath(List<Name> zones, List<Plugin> plugins) {
        this(zones, plugins, null);
    }

    private QueryPath(List<Name> zones, List<Plugin> plugins, DnsMetrics metrics) {
        this(zones, plugins, metrics, false);
    }

    /** With the per-query series of {@code metrics} (registered wherever the caller chose), or fresh ones on this path's registry when null. */
    private QueryPath(List<Name> zones, List<Plugin> plugins, DnsMetrics metrics, boolean fast) {
        BlockChain block = BlockChain.of(zones, plugins);
        Router router = new Router(List.of(block), fast ? FastPath.of(List.of(block)) : FrontPath.NONE);
        this.dispatcher = new QueryDispatcher(() -> router, metrics == null ? new DnsMetrics(registry) : metrics,
                Counter.builder("panics").register(registry));
    }

    public static QueryPath of(Resolver resolver) {
        return new QueryPath(resolver.config().zones(), List.of(new KubernetesPlugin(resolver, Fallthrough.NONE)));
    }

    /** As {@link #of(Resolver)} with the cluster zone's fast path in front of the chain, as the server runs it. */
    public static QueryPath fast(Resolver resolver) {
        return new QueryPath(resolver.config().zones(), List.of(new KubernetesPlugin(resolver, Fallthrough.NONE)), null, true);
    }

    /** The kubernetes plugin behind the prometheus one, as the server runs them (one registry, one set of series). */
    public static QueryPath instrumented(Resolver resolver) {
        return instrumented(resolver, false);
    }

    /** As {@link #instrumented(Resolver)}, with the fast path in front of the chain when {@code fast}. */
    public static QueryPath instrumented(Resolver resolver, boolean fast) {
        PrometheusMeterRegistry shared = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DnsMetrics metrics = new DnsMetrics(shared);
        return new QueryPath(resolver.config().zones(), List.of(new PrometheusPlugin(metrics, "kubernetes"),
                new KubernetesPlugin(resolver, Fallthrough.NONE)), metrics, fast);
    }

    /** A block of {@code zones} whose only plugin is {@code plugin}. */
    static QueryPath of(List<Name> zones, Plugin plugin) {
        return new QueryPath(zones, List.of(plugin));
    }

    /** The response to {@code wire}, null when it is dropped. */
    public byte[] handle(byte[] wire, Transport transport) {
        AtomicReference<byte[]> out = new AtomicReference<>();
        dispatcher.receive(wire, transport, CLIENT, LISTENER, out::set);
        return out.get();
    }
}
