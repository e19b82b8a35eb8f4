package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.k8s.ApiRequestObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The Kubernetes REST client series CoreDNS's {@code kubernetes} plugin exports (client-go's
 * metrics, registered in its {@code metrics.go}), with CoreDNS's names, labels, help texts and
 * buckets, for the requests the kubernetes plugin's cluster sources send to the API server:
 *
 * <pre>
 * coredns_kubernetes_rest_client_requests_total{code,method,host}               every attempt: 200 (a watch's WebSocket upgrade too), 404, &lt;error&gt;
 * coredns_kubernetes_rest_client_request_duration_seconds{verb,host}            histogram, DefBuckets; requests that are not watches
 * coredns_kubernetes_rest_client_rate_limiter_duration_seconds{verb,host}       histogram, DefBuckets; the same requests, always 0
 * </pre>
 *
 * {@code host} is the API server's {@code host:port} as the client dials it ({@code 10.96.0.1:443}
 * in a pod), {@code method} and {@code verb} the HTTP method ({@code GET} for lists and watches).
 * One instance per server; a series appears with the first request that has its labels, as
 * client-go's vectors do.
 */
public final class RestClientMetrics implements ApiRequestObserver {
    /** {@code prometheus.DefBuckets}: 5 ms to 10 s. */
    static final Duration[] DEF_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;

    public RestClientMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void completed(String method, String host, String code) {
        // a few requests a minute: the registry's lookup of the existing meter is cheap enough
        Counter.builder("coredns.kubernetes.rest.client.requests")
                .description("Number of HTTP requests, partitioned by status code, method, and host.")
                .tags("code", clientGoCode(code), "method", method, "host", host)
                .register(registry)
                .increment();
    }

    @Override
    public void timed(String method, String host, Duration took) {
        histogram("coredns.kubernetes.rest.client.request.duration", "Request latency in seconds. Broken down by verb and host.",
                method, host).record(took);
        // client-go waits for its client-side rate limiter (5 requests/s, bursts of 10) before each
        // request that is not a watch; fabric8 has no such limiter, so no request ever waits
        histogram("coredns.kubernetes.rest.client.rate.limiter.duration",
                "Client side rate limiter latency in seconds. Broken down by verb and host.", method, host).record(Duration.ZERO);
    }

    private Timer histogram(String name, String help, String verb, String host) {
        return Timer.builder(name).description(help).tags("verb", verb, "host", host).serviceLevelObjectives(DEF_BUCKETS).register(registry);
    }

    /**
     * fabric8 opens a watch as a WebSocket (101 Switching Protocols) where client-go opens it with a
     * streamed GET answered 200: dashboards read {@code code="200"} as an established watch, and
     * the kubernetes plugin's client makes no other upgrade (no exec, no attach).
     */
    static String clientGoCode(String code) {
        return "101".equals(code) ? "200" : code;
    }
}
