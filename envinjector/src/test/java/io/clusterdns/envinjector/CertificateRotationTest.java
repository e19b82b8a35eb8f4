package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.envinjector.tls.KeyType;
import io.clusterdns.envinjector.tls.ServingCertificate;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.PublishingClusterSource;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate rotation as Kubernetes does it: new files behind an atomically swapped
 * {@code ..data} symlink (a Secret volume updated by the kubelet after cert-manager renewed the
 * Secret). The server polls every {@value #RELOAD_MS} ms here.
 */
class CertificateRotationTest {
    static final int RELOAD_MS = 100;

    @TempDir
    Path dir;
    EnvInjector server;

    private TestPki.SecretVolume start(ServingCertificate first) {
        TestPki.SecretVolume tls = new TestPki.SecretVolume(dir).install(first);
        InjectorConfig config = InjectorConfig.of(new ClusterSourceSpec.Manifests(List.of(dir)), tls.cert(), tls.key())
                .withListen(ListenAddress.of("127.0.0.1:0"))
                .withTlsReloadInterval(Duration.ofMillis(RELOAD_MS));
        server = EnvInjector.start(config, new PublishingClusterSource(TestCluster.snapshot()));
        return tls;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private boolean healthy(HttpClient client) {
        try {
            return TestPki.get(client, server.port(), "/healthz").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private double metric(String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(server.metrics().scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void aNewCaIsPickedUpWithoutARestart() throws Exception {
        TestPki oldPki = new TestPki();
        TestPki.SecretVolume tls = start(oldPki.issue());
        assertThat(healthy(oldPki.client())).isTrue();
        TestPki newPki = new TestPki(KeyType.RSA);
        HttpClient pinnedToNew = newPki.client();
        assertThat(healthy(pinnedToNew)).isFalse();

        tls.install(newPki.ca.issue(TestPki.NAMES, Duration.ofDays(1), KeyType.RSA));

        Await.until("a client pinned to the new CA to connect", () -> healthy(newPki.client()));
        assertThatThrownBy(() -> TestPki.get(oldPki.client(), server.port(), "/healthz")).isInstanceOf(SSLHandshakeException.class);
        assertThat(metric("envinjector_tls_reloads_total{result=\"loaded\"}")).isEqualTo(1.0);
    }

    @Test
    void renewalUnderTheSameCaDropsNoRequest() throws Exception {
        TestPki pki = new TestPki();
        ServingCertificate first = pki.issue();
        TestPki.SecretVolume tls = start(first);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        javax.net.ssl.SSLContext trustingCa = pki.sslContext();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                // a new connection per request: every request is a new TLS handshake
                if (TestPki.freshGet(trustingCa, server.port(), "/healthz") == 200) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            }
        });
        Await.until("some requests before the renewal", () -> ok.get() >= 5);
        ServingCertificate renewed = pki.issue();

        tls.install(renewed);

        Await.until("the renewed certificate to be loaded", () -> metric("envinjector_tls_certificate_not_after_seconds")
                == renewed.notAfter().getEpochSecond() && metric("envinjector_tls_reloads_total{result=\"loaded\"}") == 1.0);
        int atReload = ok.get();
        Await.until("some requests after the renewal", () -> ok.get() >= atReload + 5);
        stop.set(true);
        load.get();
        assertThat(failed.get()).isZero();
    }

    @Test
    void aBrokenPairIsNotLoadedAndTheCurrentCertificateKeepsServing() throws Exception {
        TestPki pki = new TestPki();
        TestPki.SecretVolume tls = start(pki.issue());
        ServingCertificate other = pki.issue();
        ServingCertificate third = pki.issue();

        tls.install(other.certificatePem(), third.keyPem());

        Await.until("the mismatched pair to be rejected", () -> metric("envinjector_tls_reloads_total{result=\"rejected\"}") == 1.0);
        assertThat(healthy(pki.client())).isTrue();
        assertThat(metric("envinjector_tls_reloads_total{result=\"loaded\"}")).isZero();

        tls.install(other);

        Await.until("the good pair to be loaded", () -> metric("envinjector_tls_reloads_total{result=\"loaded\"}") == 1.0);
        assertThat(metric("envinjector_tls_certificate_not_after_seconds")).isEqualTo((double) other.notAfter().getEpochSecond());
        assertThat(healthy(pki.client())).isTrue();
    }

    @Test
    void theServerDoesNotStartWithABrokenPair() {
        TestPki pki = new TestPki();
        TestPki.SecretVolume tls = new TestPki.SecretVolume(dir).install(pki.issue().certificatePem(), pki.issue().keyPem());
        InjectorConfig config = InjectorConfig.of(new ClusterSourceSpec.Manifests(List.of(dir)), tls.cert(), tls.key())
                .withListen(ListenAddress.of("127.0.0.1:0"));
        PublishingClusterSource source = new PublishingClusterSource(TestCluster.snapshot());

        assertThatThrownBy(() -> EnvInjector.start(config, source))
                .hasMessageContaining("--tls-cert " + tls.cert())
                .hasMessageContaining("the key does not belong to the certificate");
        assertThat(source.closed()).isTrue();
    }
}
