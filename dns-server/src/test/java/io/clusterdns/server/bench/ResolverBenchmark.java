package io.clusterdns.server.bench;

import io.clusterdns.resolver.Answer;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
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
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * {@link Resolver#resolve} alone on a cluster of {@code services} services (see {@link BenchCluster}):
 * the hash lookup plus record building, per question type. Names cycle through 1024 different
 * services so the index is not one hot cache line. How to run: dns-server/bench/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ResolverBenchmark {
    static final int NAMES = 1024;

    @Param("10000")
    int services;

    Resolver resolver;
    Name[] clusterIp;
    Name[] headless;
    Name[] srv;
    Name[] missing;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        resolver = new Resolver(ResolverConfig.defaults());
        resolver.update(BenchCluster.snapshot(services));
        clusterIp = new Name[NAMES];
        headless = new Name[NAMES];
        srv = new Name[NAMES];
        missing = new Name[NAMES];
        for (int k = 0; k < NAMES; k++) {
            int i = (int) ((long) k * 7919 % services);
            clusterIp[k] = Name.fromConstantString(BenchCluster.serviceName(i));
            headless[k] = Name.fromConstantString(BenchCluster.headlessName(i / 10 * 10));
            srv[k] = Name.fromConstantString("_http._tcp." + BenchCluster.serviceName(i));
            missing[k] = Name.fromConstantString("nope-" + i + ".ns-1.svc.cluster.local.");
        }
    }

    private int index() {
        next = (next + 1) & (NAMES - 1);
        return next;
    }

    @Benchmark
    public Answer clusterIpA() {
        return resolver.resolve(clusterIp[index()], Type.A);
    }

    @Benchmark
    public Answer headlessA() {
        return resolver.resolve(headless[index()], Type.A);
    }

    @Benchmark
    public Answer srv() {
        return resolver.resolve(srv[index()], Type.SRV);
    }

    @Benchmark
    public Answer nxdomain() {
        return resolver.resolve(missing[index()], Type.A);
    }
}
