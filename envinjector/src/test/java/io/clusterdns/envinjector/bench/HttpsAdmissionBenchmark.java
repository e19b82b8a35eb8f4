package io.clusterdns.envinjector.bench;

import io.clusterdns.envinjector.EnvInjector;
import io.clusterdns.envinjector.InjectorConfig;
import io.clusterdns.envinjector.tls.CertificateAuthority;
import io.clusterdns.envinjector.tls.KeyType;
import io.clusterdns.envinjector.tls.ServingCertificate;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the API server sees: POST /mutate over HTTPS (keep-alive, as the API server's client
 * keeps connections) to a running {@link EnvInjector} on 127.0.0.1, with the pod selecting three
 * services and one of another namespace, in a namespace of {@code services} services.
 * How to run: envinjector/bench/jmh.sh HttpsAdmission.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HttpsAdmissionBenchmark {
    @Param({"10", "1000", "5000"})
    int services;

    Path dir;
    EnvInjector server;
    HttpClient client;
    HttpRequest request;

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("envinjector-bench");
        CertificateAuthority ca = CertificateAuthority.create("bench-ca", Duration.ofDays(1), KeyType.ECDSA);
        ServingCertificate cert = ca.issue(List.of("127.0.0.1"), Duration.ofDays(1), KeyType.ECDSA);
        Files.write(dir.resolve("tls.crt"), cert.certificatePem());
        Files.write(dir.resolve("tls.key"), cert.keyPem());
        InjectorConfig config = InjectorConfig.of(new ClusterSourceSpec.Manifests(List.of(dir)), dir.resolve("tls.crt"), dir.resolve("tls.key"))
                .withListen(ListenAddress.of("127.0.0.1:0"));
        server = EnvInjector.start(config, BenchCluster.source(BenchCluster.snapshot(services)));
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        client = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
        byte[] review = BenchCluster.review(BenchCluster.name(0) + ", " + BenchCluster.name(services / 2) + ", "
                + BenchCluster.name(services - 1) + ", payments/api");
        request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/mutate"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(review)).build();
        if (client.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode() != 200) {
            throw new IllegalStateException("the server does not answer 200");
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        server.close();
        for (String f : List.of("tls.crt", "tls.key")) {
            Files.deleteIfExists(dir.resolve(f));
        }
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public byte[] mutate() throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
    }
}
