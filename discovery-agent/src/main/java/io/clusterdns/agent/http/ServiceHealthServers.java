package io.clusterdns.agent.http;

import io.clusterdns.agent.status.ServiceHealth;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health check node ports of {@code externalTrafficPolicy: Local} services, which cloud load
 * balancers probe to learn which nodes have endpoints: 200 when this node has ready local
 * endpoints (and the agent is healthy), 503 otherwise, with kube-proxy's body
 * {@code {"service":{"namespace":"ns","name":"svc"},"localEndpoints":1,"serviceProxyHealthy":true}}.
 * Servers start and stop as services come and go; counts change without restarting them.
 */
public final class ServiceHealthServers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceHealthServers.class);

    private final Vertx vertx;
    private final String host;
    private final BooleanSupplier proxyHealthy;
    private final Map<Integer, ServiceHealth> current = new ConcurrentHashMap<>();
    private final Map<Integer, HttpServer> servers = new HashMap<>();

    public ServiceHealthServers(Vertx vertx, String host, BooleanSupplier proxyHealthy) {
        this.vertx = vertx;
        this.host = host;
        this.proxyHealthy = proxyHealthy;
    }

    /** Called from the sync thread after each successful sync. Binding happens asynchronously. */
    public synchronized void update(Map<Integer, ServiceHealth> wanted) {
        current.keySet().retainAll(wanted.keySet());
        current.putAll(wanted);
        servers.entrySet().removeIf(e -> {
            if (!wanted.containsKey(e.getKey())) {
                e.getValue().close();
                LOG.info("Stopped the health check server on port {}", e.getKey());
                return true;
            }
            return false;
        });
        for (Integer port : wanted.keySet()) {
            if (!servers.containsKey(port)) {
                start(port);
            }
        }
    }

    private void start(int port) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                .requestHandler(req -> answer(port, req));
        servers.put(port, server);
        server.listen().onComplete(ar -> {
            if (ar.succeeded()) {
                LOG.info("Serving the health check of {} on port {}", current.get(port) == null ? "?" : current.get(port).service(), port);
            } else {
                LOG.error("Cannot serve the health check node port {}: {}; retrying after the next sync", port, ar.cause().getMessage());
                synchronized (this) {
                    servers.remove(port, server);
                }
            }
        });
    }

    private void answer(int port, HttpServerRequest req) {
        ServiceHealth h = current.get(port);
        if (h == null) {
            req.response().setStatusCode(503).end();
            return;
        }
        boolean healthy = proxyHealthy.getAsBoolean();
        String body = "{\"service\":{\"namespace\":\"" + h.service().namespace() + "\",\"name\":\"" + h.service().name()
                + "\"},\"localEndpoints\":" + h.localEndpoints() + ",\"serviceProxyHealthy\":" + healthy + "}";
        req.response().setStatusCode(h.localEndpoints() > 0 && healthy ? 200 : 503)
                .putHeader("Content-Type", "application/json").putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Load-Balancing-Endpoint-Weight", Integer.toString(h.localEndpoints())).end(body);
    }

    /** Ports currently served (for tests and logs). */
    public synchronized java.util.Set<Integer> ports() {
        return java.util.Set.copyOf(servers.keySet());
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(HttpServer::close);
        servers.clear();
    }
}
