package io.clusterdns.envinjector;

import io.clusterdns.envinjector.tls.ServingCertificate;
import io.clusterdns.envinjector.tls.TlsException;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices new certificate files and swaps them into the server without a restart.
 *
 * <p>It polls the content, not file events: a Kubernetes Secret volume (and cert-manager) swaps
 * a {@code ..data} symlink, which inotify on the file itself never reports, and reading through
 * the path always gives the resolved content. A pair that does not verify (key of another
 * certificate, half-written file) is never loaded: the current certificate keeps serving and
 * the problem is logged once per distinct content. A pair read while the files were being
 * replaced one after the other is read again before it counts as broken.
 */
final class CertificateWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateWatcher.class);
    /** Reads of a pair that does not verify before believing it is really broken (and not mid-rotation). */
    static final int ATTEMPTS = 3;

    private final Path certFile;
    private final Path keyFile;
    private final Duration interval;
    private final Function<ServingCertificate, Future<Boolean>> apply;
    private final InjectorMetrics metrics;
    private final ScheduledExecutorService timer;
    private byte[] lastCert;
    private byte[] lastKey;
    private String lastProblem;

    /** A certificate as read from the files, with the bytes it was read from. */
    record Loaded(ServingCertificate certificate, byte[] certBytes, byte[] keyBytes) {
    }

    /** Watches the files {@code loaded} came from; {@code apply} installs a new certificate in the server. */
    CertificateWatcher(Path certFile, Path keyFile, Duration interval, Loaded loaded,
                       Function<ServingCertificate, Future<Boolean>> apply, InjectorMetrics metrics) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.interval = interval;
        this.apply = apply;
        this.metrics = metrics;
        this.lastCert = loaded.certBytes();
        this.lastKey = loaded.keyBytes();
        metrics.certificateLoaded(loaded.certificate().notAfter());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "envinjector-tls-watcher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Reads and checks the pair at startup; a problem is thrown with a message naming the files. */
    static Loaded load(Path certFile, Path keyFile) {
        try {
            byte[] cert = Files.readAllBytes(certFile);
            byte[] key = Files.readAllBytes(keyFile);
            return new Loaded(ServingCertificate.parse(cert, key), cert, key);
        } catch (IOException e) {
            throw new TlsException("cannot read " + e.getMessage() + " (--tls-cert " + certFile + ", --tls-key " + keyFile + ")", e);
        } catch (TlsException e) {
            throw new TlsException("--tls-cert " + certFile + ", --tls-key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    void start() {
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** One look at the files; runs on the watcher thread only. */
    void poll() {
        try {
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                byte[] cert = Files.readAllBytes(certFile);
                byte[] key = Files.readAllBytes(keyFile);
                if (Arrays.equals(cert, lastCert) && Arrays.equals(key, lastKey)) {
                    return;
                }
                ServingCertificate next;
                try {
                    next = ServingCertificate.parse(cert, key);
                } catch (TlsException e) {
                    if (attempt < ATTEMPTS && changedSince(cert, key)) {
                        continue;
                    }
                    remember(cert, key);
                    problem("not loading the new certificate files: " + e.getMessage());
                    metrics.tlsReload(false, null);
                    return;
                }
                install(next, cert, key);
                return;
            }
        } catch (IOException e) {
            // a file missing for a moment during a swap: try again next time, say so once
            problem("cannot read the certificate files: " + e);
        } catch (RuntimeException e) {
            LOG.error("Certificate watcher failed; will retry", e);
        }
    }

    private boolean changedSince(byte[] cert, byte[] key) throws IOException {
        return !Arrays.equals(cert, Files.readAllBytes(certFile)) || !Arrays.equals(key, Files.readAllBytes(keyFile));
    }

    private void install(ServingCertificate next, byte[] cert, byte[] key) {
        try {
            apply.apply(next).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            remember(cert, key);
            problem("the server refused the new certificate " + next.describe() + ": " + e);
            metrics.tlsReload(false, null);
            return;
        }
        remember(cert, key);
        lastProblem = null;
        metrics.tlsReload(true, next.notAfter());
        LOG.info("TLS certificate reloaded from {}: {}", certFile, next.describe());
    }

    private void remember(byte[] cert, byte[] key) {
        lastCert = cert;
        lastKey = key;
    }

    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            lastProblem = message;
            LOG.error("{} ({}, {}); the current certificate keeps serving", message, certFile, keyFile);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
