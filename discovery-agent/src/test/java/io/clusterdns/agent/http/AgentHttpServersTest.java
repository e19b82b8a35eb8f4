package io.clusterdns.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.MutableClock;
import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.agent.status.ServiceHealth;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.testing.Await;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** /healthz, /metrics and health check node ports over real HTTP on 127.0.0.1. */
class AgentHttpServersTest {
    final Vertx vertx = Vertx.vertx();
    final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
    final ProxierHealth health = new ProxierHealth(clock, clock::nanos, Duration.ofSeconds(60));
    final AgentMetrics metrics = new AgentMetrics();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Await.DEADLINE).build();

    @AfterEach
    void close() throws Exception {
        AgentHttpServers.await(vertx.close(), "close");
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Await.DEADLINE).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthzTurns503WhenChangesWaitTooLongAnd200AfterASync() throws Exception {
        AgentHttpServers http = new AgentHttpServers(vertx, health, metrics);
        int[] ports = http.start(ListenAddress.of("127.0.0.1:0"), ListenAddress.of("127.0.0.1:0"));
        assertThat(get(ports[0], "/healthz").statusCode()).as("waiting for the first sync, within the timeout").isEqualTo(200);
        clock.advance(Duration.ofSeconds(61));
        HttpResponse<String> stale = get(ports[0], "/healthz");
        assertThat(stale.statusCode()).isEqualTo(503);
        health.updated();
        HttpResponse<String> ok = get(ports[0], "/healthz");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"lastUpdated\": \"2025-06-01T10:01:01Z\",\"currentTime\": \"2025-06-01T10:01:01Z\", \"nodeEligible\": true}");
        assertThat(get(ports[0], "/livez").statusCode()).isEqualTo(200);
        assertThat(get(ports[0], "/other").statusCode()).isEqualTo(404);
        metrics.recordSync(Duration.ofMillis(3), true, true, clock.millis());
        HttpResponse<String> scrape = get(ports[1], "/metrics");
        assertThat(scrape.body()).contains("kubeproxy_sync_proxy_rules_duration_seconds_bucket{le=\"0.004\"} 1",
                "kubeproxy_sync_full_proxy_rules_duration_seconds_count 1", "kubeproxy_sync_proxy_rules_last_timestamp_seconds 1.748772061E9");
        assertThat(get(ports[1], "/proxyMode").body()).isEqualTo("nftables");
        http.close();
    }

    @Test
    void disabledServersDoNotListen() throws Exception {
        AgentHttpServers http = new AgentHttpServers(vertx, health, metrics);
        assertThat(http.start(null, null)).containsExactly(-1, -1);
    }

    @Test
    void healthCheckNodePortAnswersWithTheLocalEndpointCount() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ServiceHealthServers servers = new ServiceHealthServers(vertx, "127.0.0.1", () -> true);
        servers.update(Map.of(port, new ServiceHealth(ServiceKey.of("default", "api"), 2)));
        HttpResponse<String> r = awaitAnswer(port);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"service\":{\"namespace\":\"default\",\"name\":\"api\"},\"localEndpoints\":2,\"serviceProxyHealthy\":true}");
        assertThat(r.headers().firstValue("X-Load-Balancing-Endpoint-Weight")).contains("2");
        servers.update(Map.of(port, new ServiceHealth(ServiceKey.of("default", "api"), 0)));
        assertThat(get(port, "/").statusCode()).isEqualTo(503);
        servers.update(Map.of());
        assertThat(servers.ports()).isEmpty();
        servers.close();
    }

    /** The health check server listens a moment after update(): ask until it answers. */
    private HttpResponse<String> awaitAnswer(int port) {
        return Await.until("the health check server on " + port + " to answer", () -> {
            try {
                return get(port, "/");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> true);
    }
}
