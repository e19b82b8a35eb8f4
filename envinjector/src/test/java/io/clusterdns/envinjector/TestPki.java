package io.clusterdns.envinjector;

import io.clusterdns.envinjector.tls.CertificateAuthority;
import io.clusterdns.envinjector.tls.KeyType;
import io.clusterdns.envinjector.tls.ServingCertificate;
import io.clusterdns.k8s.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away CA for one test, serving certificates for 127.0.0.1 and localhost, and HTTPS
 * clients that trust only that CA. Certificates are installed the way the kubelet updates a
 * Secret volume: files behind a {@code ..data} symlink swapped atomically.
 */
final class TestPki {
    static final List<String> NAMES = List.of("127.0.0.1", "localhost");

    final CertificateAuthority ca;

    TestPki() {
        this(KeyType.ECDSA);
    }

    TestPki(KeyType type) {
        this(CertificateAuthority.create("clusterdns-test-ca", Duration.ofDays(1), type));
    }

    TestPki(CertificateAuthority ca) {
        this.ca = ca;
    }

    ServingCertificate issue() {
        return ca.issue(NAMES, Duration.ofDays(1), KeyType.ECDSA);
    }

    /** An HTTP/1.1 client trusting this CA only. */
    HttpClient client() {
        return HttpClient.newBuilder().sslContext(sslContext()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Await.DEADLINE).build();
    }

    SSLContext sslContext() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The status code of {@code GET path} over a brand-new TLS connection (checking the server's
     * name as HTTPS does), or -1 when the connection or handshake fails. Cheaper than a new
     * HttpClient per request when a test needs many fresh handshakes.
     */
    static int freshGet(SSLContext ssl, int port, String path) {
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout((int) Await.DEADLINE.toMillis());
            SSLParameters params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return status == null ? -1 : Integer.parseInt(status.split(" ")[1]);
        } catch (IOException e) {
            return -1;
        }
    }

    /** A Secret-volume-like folder: {@code tls.crt -> ..data/tls.crt}, {@code ..data -> ..vN}. */
    static final class SecretVolume {
        final Path dir;
        private int version;

        SecretVolume(Path dir) {
            this.dir = dir;
        }

        Path cert() {
            return dir.resolve("tls.crt");
        }

        Path key() {
            return dir.resolve("tls.key");
        }

        SecretVolume install(ServingCertificate certificate) {
            return install(certificate.certificatePem(), certificate.keyPem());
        }

        /** Writes a new version and swaps {@code ..data} to it in one rename, as the kubelet's AtomicWriter does. */
        SecretVolume install(byte[] certPem, byte[] keyPem) {
            try {
                Path data = dir.resolve("..v" + ++version);
                Files.createDirectories(data);
                Files.write(data.resolve("tls.crt"), certPem);
                Files.write(data.resolve("tls.key"), keyPem);
                Path tmp = dir.resolve("..data_tmp");
                Files.deleteIfExists(tmp);
                Files.createSymbolicLink(tmp, data.getFileName());
                Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                for (String f : List.of("tls.crt", "tls.key")) {
                    if (!Files.exists(dir.resolve(f), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(dir.resolve(f), Path.of("..data", f));
                    }
                }
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** GET https://127.0.0.1:port/path with {@code client}. */
    static HttpResponse<String> get(HttpClient client, int port, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Await.DEADLINE).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST body as JSON to https://127.0.0.1:port/path. */
    static HttpResponse<byte[]> post(HttpClient client, int port, String path, byte[] body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Await.DEADLINE).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
