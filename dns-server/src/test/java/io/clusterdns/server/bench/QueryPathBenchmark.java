package io.clusterdns.server.bench;

import io.clusterdns.server.wire.Transport;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.QueryPath;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
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
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * The whole per-query work without sockets: query bytes → wire stage → plugin chain → response
 * bytes (header check, parse, resolve, encode), on the {@link BenchCluster} of {@code services}
 * services, plus the dnsjava parse alone as a baseline. How to run: dns-server/bench/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class QueryPathBenchmark {
    static final int NAMES = 1024;

    @Param("10000")
    int services;

    QueryPath handler;
    /** The same path recording the CoreDNS metrics, as the server runs it. */
    QueryPath instrumented;
    byte[][] aQueries;
    byte[][] aQueriesEdns;
    byte[][] srvQueries;
    byte[][] nxQueries;
    byte[] malformed;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        Resolver resolver = new Resolver(ResolverConfig.defaults());
        resolver.update(BenchCluster.snapshot(services));
        handler = QueryPath.of(resolver);
        instrumented = QueryPath.instrumented(resolver);
        aQueries = new byte[NAMES][];
        aQueriesEdns = new byte[NAMES][];
        srvQueries = new byte[NAMES][];
        nxQueries = new byte[NAMES][];
        for (int k = 0; k < NAMES; k++) {
            int i = (int) ((long) k * 7919 % services);
            aQueries[k] = BenchCluster.query(k, BenchCluster.serviceName(i), Type.A, false);
            aQueriesEdns[k] = BenchCluster.query(k, BenchCluster.serviceName(i), Type.A, true);
            srvQueries[k] = BenchCluster.query(k, "_http._tcp." + BenchCluster.serviceName(i), Type.SRV, true);
            nxQueries[k] = BenchCluster.query(k, "nope-" + i + ".ns-1.svc.cluster.local.", Type.A, true);
        }
        malformed = aQueries[0].clone();
        malformed[5] = 2; // qdcount 2: rejected from the header alone
    }

    private int index() {
        next = (next + 1) & (NAMES - 1);
        return next;
    }

    @Benchmark
    public byte[] clusterIpA() {
        return handler.handle(aQueries[index()], Transport.UDP);
    }

    @Benchmark
    public byte[] clusterIpAWithMetrics() {
        return instrumented.handle(aQueries[index()], Transport.UDP);
    }

    @Benchmark
    public byte[] clusterIpAWithEdns() {
        return handler.handle(aQueriesEdns[index()], Transport.UDP);
    }

    @Benchmark
    public byte[] srvWithAdditional() {
        return handler.handle(srvQueries[index()], Transport.UDP);
    }

    @Benchmark
    public byte[] nxdomain() {
        return handler.handle(nxQueries[index()], Transport.UDP);
    }

    @Benchmark
    public byte[] formerrFromHeader() {
        return handler.handle(malformed, Transport.UDP);
    }

    @Benchmark
    public Message parseOnly() throws IOException {
        return new Message(aQueries[index()]);
    }
}
