package io.clusterdns.envinjector;

import io.clusterdns.envinjector.tls.ServingCertificate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS endpoint: {@code POST /mutate} (AdmissionReview), {@code GET /healthz},
 * {@code GET /readyz}, {@code GET /metrics}. HTTP/1.1 (the API server's webhook client does not
 * need more). The certificate can be swapped while serving ({@link #updateCertificate}): open
 * connections finish on the old one, new handshakes get the new one.
 */
final class WebhookServer {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
    static final String JSON = "application/json";
    /**
     * Idle connections are closed after this long: longer than the API server's own idle timeout
     * (client-go's 90 s), so the client always closes first. A POST sent on a connection the
     * server has just closed is not retried by Go's HTTP client and would count as a webhook failure.
     */
    static final int IDLE_TIMEOUT_SECONDS = 120;

    private final Injector injector;
    private final InjectorMetrics metrics;
    private final Supplier<String> notReadyReason;
    private final int maxRequestBytes;
    private final HttpServer server;

    private WebhookServer(Vertx vertx, InjectorConfig config, ServingCertificate certificate, Injector injector,
                          InjectorMetrics metrics, Supplier<String> notReadyReason) {
        this.injector = injector;
        this.metrics = metrics;
        this.notReadyReason = notReadyReason;
        this.maxRequestBytes = config.maxRequestBytes();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.listen().host())
                .setPort(config.listen().port())
                .setSsl(true)
                .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
                // curl and other clients may send "Expect: 100-continue" with larger bodies
                .setHandle100ContinueAutomatically(true)
                .setKeyCertOptions(keyCert(certificate));
        this.server = vertx.createHttpServer(options).requestHandler(this::handle);
    }

    /**
     * Binds and returns the listening server; {@code notReadyReason} answers null when ready.
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    static WebhookServer start(Vertx vertx, InjectorConfig config, ServingCertificate certificate, Injector injector,
                               InjectorMetrics metrics, Supplier<String> notReadyReason) {
        WebhookServer s = new WebhookServer(vertx, config, certificate, injector, metrics, notReadyReason);
        try {
            s.server.listen().toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding " + config.listen(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot listen on " + config.listen() + ": " + e.getCause().getMessage(), e.getCause());
        }
        return s;
    }

    private static PemKeyCertOptions keyCert(ServingCertificate certificate) {
        return new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(certificate.certificatePem()))
                .setKeyValue(Buffer.buffer(certificate.keyPem()));
    }

    int port() {
        return server.actualPort();
    }

    /** New handshakes use {@code certificate} once the future completes; open connections are kept. */
    Future<Boolean> updateCertificate(ServingCertificate certificate) {
        return server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(keyCert(certificate)));
    }

    /** Stops accepting connections and lets requests in flight finish (up to {@code grace}). */
    Future<Void> close(java.time.Duration grace) {
        return server.shutdown(grace);
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        switch (path) {
            case "/mutate" -> {
                if (req.method() == HttpMethod.POST) {
                    readBody(req);
                } else {
                    methodNotAllowed(req, "POST");
                }
            }
            case "/healthz" -> get(req, () -> text(req, 200, "ok\n"));
            case "/readyz" -> get(req, () -> {
                String reason = notReadyReason.get();
                text(req, reason == null ? 200 : 503, reason == null ? "ok\n" : reason + "\n");
            });
            case "/metrics" -> get(req, () -> req.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.scrape()));
            default -> text(req, 404, "not found: " + path + " (POST /mutate, GET /healthz, /readyz, /metrics)\n");
        }
    }

    private static void get(HttpServerRequest req, Runnable answer) {
        if (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD) {
            answer.run();
        } else {
            methodNotAllowed(req, "GET");
        }
    }

    private static void methodNotAllowed(HttpServerRequest req, String allowed) {
        req.response().putHeader("Allow", allowed);
        text(req, 405, req.method() + " not allowed on " + req.path() + ", use " + allowed + "\n");
    }

    /** Collects the body up to the limit; a larger one is answered 413 and the connection closed. */
    private void readBody(HttpServerRequest req) {
        String length = req.getHeader("Content-Length");
        if (length != null && length.length() < 19 && length.chars().allMatch(Character::isDigit)
                && Long.parseLong(length) > maxRequestBytes) {
            tooLarge(req);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] overflow = {false};
        req.handler(chunk -> {
            if (overflow[0]) {
                return;
            }
            if (body.length() + chunk.length() > maxRequestBytes) {
                overflow[0] = true;
                tooLarge(req);
            } else {
                body.appendBuffer(chunk);
            }
        });
        req.exceptionHandler(e -> LOG.debug("Request body from {} failed: {}", req.remoteAddress(), e.toString()));
        req.endHandler(v -> {
            if (!overflow[0]) {
                answer(req, injector.admit(body.getBytes()));
            }
        });
    }

    private void tooLarge(HttpServerRequest req) {
        String reason = "request body larger than " + maxRequestBytes + " bytes (--max-request-bytes)";
        LOG.warn("Rejected admission request from {}: {}", req.remoteAddress(), reason);
        metrics.tooLarge();
        AdmissionReviews.Rendered rendered = AdmissionReviews.render(new Admission.Rejected(413, reason));
        // the rest of the body is never read: the connection cannot be reused, and the client must know
        req.response().setStatusCode(rendered.status())
                .putHeader("Content-Type", JSON)
                .putHeader("Connection", "close")
                .end(Buffer.buffer(rendered.body()))
                .onComplete(done -> req.connection().close());
    }

    private void answer(HttpServerRequest req, Admission admission) {
        AdmissionReviews.Rendered rendered = AdmissionReviews.render(admission);
        req.response().setStatusCode(rendered.status())
                .putHeader("Content-Type", JSON)
                .end(Buffer.buffer(rendered.body()));
    }

    private static void text(HttpServerRequest req, int status, String body) {
        req.response().setStatusCode(status)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
    }
}
