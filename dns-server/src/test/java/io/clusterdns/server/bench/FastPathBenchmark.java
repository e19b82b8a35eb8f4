package io.clusterdns.server.bench;

import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.QueryPath;
import io.clusterdns.server.wire.Transport;
import java.util.Locale;
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
 * The cluster zone's fast path against the chain it stands in front of, in one run: query bytes
 * → response bytes with the prometheus series counted, as the server runs them ({@code path=chain}
 * turns the fast path off), on the {@link BenchCluster} of {@code services} services. The fast
 * path's figures are its look-up and patch of an answer encoded on an earlier query (every name is
 * asked once during set-up). How to run: dns-server/bench/jmh.sh FastPath.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FastPathBenchmark {
    static final int NAMES = 1024;

    @Param("10000")
    int services;

    @Param({"chain", "fast"})
    String path;

    QueryPath handler;
    byte[][] a;
    byte[][] aEdns;
    byte[][] aMixedCase;
    byte[][] aaaaNoData;
    byte[][] srv;
    byte[][] nx;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        Resolver resolver = new Resolver(ResolverConfig.defaults());
        resolver.update(BenchCluster.snapshot(services));
        handler = QueryPath.instrumented(resolver, path.equals("fast"));
        a = new byte[NAMES][];
        aEdns = new byte[NAMES][];
        aMixedCase = new byte[NAMES][];
        aaaaNoData = new byte[NAMES][];
        srv = new byte[NAMES][];
        nx = new byte[NAMES][];
        for (int k = 0; k < NAMES; k++) {
            int i = (int) ((long) k * 7919 % services);
            String name = BenchCluster.serviceName(i);
            a[k] = BenchCluster.query(k, name, Type.A, false);
            aEdns[k] = BenchCluster.query(k, name, Type.A, true);
            aMixedCase[k] = BenchCluster.query(k, name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1), Type.A, true);
            aaaaNoData[k] = BenchCluster.query(k, name, Type.AAAA, true);
            srv[k] = BenchCluster.query(k, "_http._tcp." + name, Type.SRV, true);
            // the search path's miss: the service name under the client's own namespace
            nx[k] = BenchCluster.query(k, name + "ns-1.svc.cluster.local.", Type.A, true);
        }
        for (byte[][] set : new byte[][][] {a, aEdns, aMixedCase, aaaaNoData, srv, nx}) {
            for (byte[] q : set) {
                handler.handle(q, Transport.UDP);
            }
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
    public byte[] clusterIpAWithEdns() {
        return handler.handle(aEdns[index()], Transport.UDP);
    }

    @Benchmark
    public byte[] clusterIpAMixedCase() {
        return handler.handle(aMixedCase[index()], Transport.UDP);
    }

    @Benchmark
    public byte[] aaaaNoData() {
        return handler.handle(aaaaNoData[index()], Transport.UDP);
    }

    @Benchmark
    public byte[] srvWithAdditional() {
        return handler.handle(srv[index()], Transport.UDP);
    }

    @Benchmark
    public byte[] searchPathNxdomain() {
        return handler.handle(nx[index()], Transport.UDP);
    }
}
