package io.clusterdns.server.http;

import io.clusterdns.k8s.config.Durations;
import io.clusterdns.k8s.config.ListenAddress;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP side of the server, as the CoreDNS plugins {@code health}, {@code ready} and
 * {@code prometheus} configure it: where each endpoint listens (empty = off) and the
 * {@code health} plugin's lameduck time.
 *
 * @param health   {@code /health}: 200 while the process can serve (CoreDNS {@code health :8080})
 * @param ready    {@code /ready}: 200 once synced and listening (CoreDNS {@code ready :8181})
 * @param metrics  {@code /metrics}: Prometheus text format (CoreDNS {@code prometheus :9153})
 * @param lameduck after SIGTERM, keep serving this long while {@code /ready} says 503
 *                 (CoreDNS {@code health { lameduck 5s }})
 */
public record HttpConfig(
        Optional<ListenAddress> health,
        Optional<ListenAddress> ready,
        Optional<ListenAddress> metrics,
        Duration lameduck) {

    public static final int DEFAULT_HEALTH_PORT = 8080;
    public static final int DEFAULT_READY_PORT = 8181;
    public static final int DEFAULT_METRICS_PORT = 9153;
    /** CoreDNS's default; kubeadm's Corefile sets 5s. */
    public static final Duration DEFAULT_LAMEDUCK = Duration.ZERO;
    public static final Duration MAX_LAMEDUCK = Duration.ofMinutes(10);

    public HttpConfig {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(ready, "ready");
        Objects.requireNonNull(metrics, "metrics");
        lameduck = lameduck == null ? DEFAULT_LAMEDUCK : lameduck;
        Durations.inRange("--lameduck", Durations.format(lameduck), lameduck, Duration.ZERO, MAX_LAMEDUCK);
    }

    /** Every endpoint on its CoreDNS port of {@code host} (the DNS listen address), no lameduck. */
    public static HttpConfig defaults(InetAddress host) {
        return new HttpConfig(Optional.of(new ListenAddress(host, DEFAULT_HEALTH_PORT)),
                Optional.of(new ListenAddress(host, DEFAULT_READY_PORT)),
                Optional.of(new ListenAddress(host, DEFAULT_METRICS_PORT)), DEFAULT_LAMEDUCK);
    }

    /** No HTTP endpoint at all. */
    public static HttpConfig off() {
        return new HttpConfig(Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_LAMEDUCK);
    }

    public HttpConfig withLameduck(Duration value) {
        return new HttpConfig(health, ready, metrics, value);
    }

    /**
     * Parses {@code ADDR:PORT} or {@code off} for {@code option}; null (the flag not given) means
     * {@code defaultPort} on {@code defaultHost}.
     */
    public static Optional<ListenAddress> parseAddress(String option, String text, InetAddress defaultHost, int defaultPort) {
        return ListenAddress.parseOrOff(option, text, Optional.of(new ListenAddress(defaultHost, defaultPort)), defaultPort);
    }
}
