package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.envinjector.tls.CertificateAuthority;
import io.clusterdns.envinjector.tls.Pem;
import io.clusterdns.envinjector.tls.ServingCertificate;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.k8s.testing.PublishingClusterSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code envinjector certs}: files, the printed caBundle, CA reuse, and a server running on the result. */
class CertsCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesACaAndAServingCertificateAndPrintsTheCaBundle() throws Exception {
        EnvInjectorMainTest.Run r = EnvInjectorMainTest.run("certs", "--out", dir.toString(), "--service", "envinjector",
                "--namespace", "platform");

        assertThat(r.exit()).as(r.err()).isZero();
        String caBundle = r.out().strip();
        assertThat(caBundle).doesNotContain("\n");
        assertThat(Base64.getDecoder().decode(caBundle)).isEqualTo(Files.readAllBytes(dir.resolve("ca.crt")));
        ServingCertificate serving = ServingCertificate.parse(Files.readAllBytes(dir.resolve("tls.crt")), Files.readAllBytes(dir.resolve("tls.key")));
        assertThat(serving.subjectAltNames()).containsExactly("envinjector.platform.svc", "envinjector", "envinjector.platform",
                "envinjector.platform.svc.cluster.local");
        serving.leaf().verify(Pem.certificates(Files.readAllBytes(dir.resolve("ca.crt"))).get(0).getPublicKey());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls.key")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
        assertThat(r.err()).contains("Wrote a new CA").contains("kubectl -n platform create secret tls envinjector-tls");
    }

    @Test
    void aSecondRunReusesTheCaSoTheCaBundleStaysTheSame() throws Exception {
        String first = EnvInjectorMainTest.run("certs", "--out", dir.toString()).out().strip();
        byte[] firstCert = Files.readAllBytes(dir.resolve("tls.crt"));

        EnvInjectorMainTest.Run second = EnvInjectorMainTest.run("certs", "--out", dir.toString(), "--key-type", "rsa");

        assertThat(second.exit()).isZero();
        assertThat(second.out().strip()).isEqualTo(first);
        assertThat(second.err()).contains("Reusing the CA");
        assertThat(Files.readAllBytes(dir.resolve("tls.crt"))).isNotEqualTo(firstCert);
    }

    @Test
    void theServerRunsOnTheGeneratedFilesAndClientsTrustTheCaBundle() throws Exception {
        String caBundle = EnvInjectorMainTest.run("certs", "--out", dir.toString(), "--san", "127.0.0.1").out().strip();
        byte[] caPem = Base64.getDecoder().decode(caBundle);
        InjectorConfig config = InjectorConfig.of(new ClusterSourceSpec.Manifests(List.of(dir)), dir.resolve("tls.crt"), dir.resolve("tls.key"))
                .withListen(ListenAddress.of("127.0.0.1:0"));
        try (EnvInjector server = EnvInjector.start(config, new PublishingClusterSource(TestCluster.snapshot()))) {
            TestPki client = new TestPki(CertificateAuthority.load(caPem, Files.readAllBytes(dir.resolve("ca.key"))));
            assertThat(TestPki.get(client.client(), server.port(), "/readyz").body()).isEqualTo("ok\n");
        }
    }

    @Test
    void badValuesExit2() {
        EnvInjectorMainTest.Run r = EnvInjectorMainTest.run("certs", "--out", dir.toString(), "--key-type", "dsa");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("envinjector certs: expected ecdsa or rsa, got \"dsa\" (see --help)");
        assertThat(r.out()).isEmpty();
    }
}
