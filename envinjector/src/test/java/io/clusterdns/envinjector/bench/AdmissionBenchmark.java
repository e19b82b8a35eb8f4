package io.clusterdns.envinjector.bench;

import io.clusterdns.envinjector.Admission;
import io.clusterdns.envinjector.AdmissionReviews;
import io.clusterdns.envinjector.Injector;
import io.clusterdns.envinjector.InjectorConfig;
import io.clusterdns.envinjector.InjectorMetrics;
import io.clusterdns.envinjector.ServiceCatalog;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole admission without the network: AdmissionReview bytes → {@link Injector#admit} (parse,
 * policy, plan, patch, verification, metrics) → response bytes, sampled for percentiles, in a
 * namespace of {@code services} services. {@code selection}:
 *
 * <ul>
 *   <li>{@code selected}: {@code clusterdns.io/services} names three of them plus one of another
 *       namespace (52 variables per container): the recommended use;</li>
 *   <li>{@code namespace}: the default (kubelet) set of the whole namespace, with the default
 *       {@code --max-variables} 1000: beyond 76 services the pod is skipped with a warning;</li>
 *   <li>{@code namespace-uncapped}: the same with {@code --max-variables} 20000 (the most allowed),
 *       to show what the cap protects against.</li>
 * </ul>
 *
 * How to run: envinjector/bench/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AdmissionBenchmark {
    @Param({"10", "1000", "5000"})
    int services;

    @Param({"selected", "namespace", "namespace-uncapped"})
    String selection;

    Injector injector;
    byte[] review;

    @Setup
    public void setUp() throws Exception {
        ServiceCatalog catalog = ServiceCatalog.of(BenchCluster.snapshot(services));
        int max = selection.equals("namespace-uncapped") ? InjectorConfig.MAX_MAX_VARIABLES : InjectorConfig.DEFAULT_MAX_VARIABLES;
        InjectorConfig config = InjectorConfig.of(new ClusterSourceSpec.Manifests(List.of(Path.of("unused"))), Path.of("tls.crt"),
                Path.of("tls.key")).withMaxVariables(max);
        injector = new Injector(config, () -> catalog, new InjectorMetrics(() -> catalog));
        review = BenchCluster.review(selection.equals("selected")
                ? BenchCluster.name(0) + ", " + BenchCluster.name(services / 2) + ", " + BenchCluster.name(services - 1) + ", payments/api"
                : null);
        Admission check = injector.admit(review);
        System.out.println("\n" + selection + ", " + services + " services: " + describe(check));
    }

    static String describe(Admission a) {
        if (a instanceof Admission.Patched p) {
            return "patched, " + p.variables() + " variables in " + p.containers() + " containers, response "
                    + AdmissionReviews.render(a).body().length + " bytes";
        }
        return a.toString();
    }

    @Benchmark
    public byte[] admit() {
        return AdmissionReviews.render(injector.admit(review)).body();
    }
}
