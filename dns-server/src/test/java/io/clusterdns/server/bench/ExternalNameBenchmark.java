package io.clusterdns.server.bench;

import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.QueryPath;
import io.clusterdns.server.wire.Transport;
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
import org.xbill.DNS.Type;

/**
 * What an ExternalName A question costs against a fast-path A hit, query bytes → response bytes
 * as the flags' server runs them (fast path in front, prometheus series): the ExternalName takes
 * the chain (its target's addresses are the server's to look up; here no block holds
 * {@code example.com}, so the CNAME goes alone). On {@link BenchCluster#snapshot(int, boolean)}
 * with its ExternalNames. How to run: dns-server/bench/jmh.sh ExternalName.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExternalNameBenchmark {
    static final int NAMES = 256;

    @Param("5000")
    int services;

    QueryPath handler;
    byte[][] a;
    byte[][] external;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        Resolver resolver = new Resolver(ResolverConfig.defaults());
        resolver.update(BenchCluster.snapshot(services, true));
        handler = QueryPath.instrumented(resolver, true);
        a = new byte[NAMES][];
        external = new byte[NAMES][];
        for (int k = 0; k < NAMES; k++) {
            int i = (int) ((long) k * 7919 % (services / 10)) * 10 + 5;
            a[k] = BenchCluster.query(k, BenchCluster.serviceName(i), Type.A, false);
            external[k] = BenchCluster.query(k, BenchCluster.externalName(i), Type.A, false);
            handler.handle(a[k], Transport.UDP);
            handler.handle(external[k], Transport.UDP);
        }
    }

    private int index() {
        next = (next + 1) & (NAMES - 1);
        return next;
    }

    @Benchmark
    public byte[] clusterIpA() {
        return handler.handle(a[index()], Transport.UDP);
    }

    @Benchmark
    public byte[] externalNameA() {
        return handler.handle(external[index()], Transport.UDP);
    }
}
