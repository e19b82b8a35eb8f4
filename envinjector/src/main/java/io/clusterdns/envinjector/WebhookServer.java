package io.clusterdns.envinjector;

import io.clusterdns.envinjector.tls.ServingCertificate;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
    /** How long a rejected request's body is read and dropped before its connection is closed anyway. */
    static final Duration LINGER = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final Injector injector;
    private final InjectorMetrics metrics;
    private final Supplier<String> notReadyReason;
    private final int maxRequestBytes;
    private final HttpServer server;

    private WebhookServer(Vertx vertx, InjectorConfig config, ServingCertificate certificate, Injector injector,
                          InjectorMetrics metrics, Supplier<String> notReadyReason) {
        this.vertx = vertx;
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
    Future<Void> close(Duration grace) {
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

    /**
     * Collects the body up to the limit. A larger one is answered 413 (at once when its
     * Content-Length says so); the rest of it is then read and dropped, and the connection closed
     * once the client has sent it all (see {@link #closeAfter}).
     */
    private void readBody(HttpServerRequest req) {
        Buffer body = Buffer.buffer();
        Promise<Void> bodyRead = Promise.promise();
        boolean[] rejected = {declaresTooLarge(req)};
        if (rejected[0]) {
            tooLarge(req, bodyRead.future());
        }
        req.handler(chunk -> {
            if (rejected[0]) {
                return;
            }
            if (body.length() + chunk.length() > maxRequestBytes) {
                rejected[0] = true;
                tooLarge(req, bodyRead.future());
            } else {
                body.appendBuffer(chunk);
            }
        });
        req.exceptionHandler(e -> {
            LOG.debug("Request body from {} failed: {}", req.remoteAddress(), e.toString());
            bodyRead.tryComplete();
        });
        req.endHandler(v -> {
            bodyRead.tryComplete();
            if (!rejected[0]) {
                answer(req, injector.admit(body.getBytes()));
            }
        });
    }

    private boolean declaresTooLarge(HttpServerRequest req) {
        String length = req.getHeader("Content-Length");
        return length != null && length.length() < 19 && length.chars().allMatch(Character::isDigit)
                && Long.parseLong(length) > maxRequestBytes;
    }

    private void tooLarge(HttpServerRequest req, Future<Void> bodyRead) {
        String reason = "request body larger than " + maxRequestBytes + " bytes (--max-request-bytes)";
        LOG.warn("Rejected admission request from {}: {}", req.remoteAddress(), reason);
        metrics.tooLarge();
        AdmissionReviews.Rendered rendered = AdmissionReviews.render(new Admission.Rejected(413, reason));
        Future<Void> written = req.response().setStatusCode(rendered.status())
                .putHeader("Content-Type", JSON)
                .putHeader("Connection", "close")
                .end(Buffer.buffer(rendered.body()));
        closeAfter(req, written, bodyRead);
    }

    /**
     * Closes the connection of a rejected request once the response is written and the client has
     * sent the rest of its body (which is read and dropped), or after {@link #LINGER} at the
     * latest. Closing with the client's bytes still unread would make the kernel answer them with
     * a TCP reset, and a reset can wipe the 413 from the client's receive buffer before it reads
     * it (RFC 9112 section 9.6): the API server would see a broken connection instead of the reason.
     */
    private void closeAfter(HttpServerRequest req, Future<Void> written, Future<Void> bodyRead) {
        HttpConnection connection = req.connection();
        long timer = vertx.setTimer(LINGER.toMillis(), id -> connection.close());
        Future.join(written, bodyRead).onComplete(done -> {
            vertx.cancelTimer(timer);
            connection.close();
        });
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
