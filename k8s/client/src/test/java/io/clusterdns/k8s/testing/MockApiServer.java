package io.clusterdns.k8s.testing;

import io.clusterdns.k8s.informer.ClientFactory;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * fabric8's Kubernetes mock API server in CRUD mode on 127.0.0.1, plain HTTP, that can stop
 * listening and start again on the same port with the same objects, to test what clients do
 * when the API server goes away.
 *
 * <p>How state survives: a {@link KubernetesMockServer} owns a Vert.x instance that
 * {@code shutdown()} closes for good, but the objects live in the dispatcher
 * ({@link KubernetesMixedDispatcher} → {@code KubernetesCrudDispatcher}: the object map and the
 * resourceVersion counter). This class keeps one dispatcher and wraps a new server around it on
 * every {@link #start()}. Watches do not survive a stop; clients re-watch and the CRUD dispatcher
 * answers a new watch with ADDED events for every current object.
 *
 * <p>Lists are served in pages when the request has a {@code limit} ({@link ListPages}), as the
 * API server serves them; fabric8's CRUD mock alone would ignore it.
 *
 * <p>An optional interceptor sees each request first and may answer it instead (return null to
 * let the CRUD dispatcher answer): errors, delays of one kind, 410 Gone for a watch.
 */
public final class MockApiServer implements AutoCloseable {
    /** JUL loggers are held weakly: keep the ones whose level is set. */
    private static final Logger MOCK_LOG = quiet("io.fabric8.mockwebserver", Boolean.getBoolean("mock.verbose") ? Level.ALL : Level.WARNING);
    private static final Logger VERTX_LOG = quiet("io.vertx", Boolean.getBoolean("mock.verbose") ? Level.ALL : Level.WARNING);

    private final Map<ServerRequest, Queue<ServerResponse>> expectations = new ConcurrentHashMap<>();
    private final KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(expectations);
    private final Dispatcher dispatcher;
    private KubernetesMockServer server;
    private int port;

    public MockApiServer() {
        this(request -> null);
    }

    /** @param interceptor answers a request itself, or returns null to let the CRUD dispatcher answer */
    public MockApiServer(Function<RecordedRequest, MockResponse> interceptor) {
        this.dispatcher = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                MockResponse answer = interceptor.apply(request);
                return answer != null ? answer : paged(request, crud.dispatch(request));
            }
        };
    }

    /**
     * A watch accepted and at once ended by the ERROR event with a 410 Status that the API server
     * sends when the watch's resourceVersion has left its history: clients must relist. (A watch
     * request refused with an HTTP error is only retried.) For interceptors.
     */
    public static MockResponse expiredWatch() {
        String event = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                + "\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\",\"code\":410}}";
        return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                webSocket.send(event);
            }
        });
    }

    /** A successful list answer cut to the page the request asks for ({@link ListPages}); any other answer as it is. */
    private static MockResponse paged(RecordedRequest request, MockResponse answer) {
        if (!"GET".equals(request.getMethod()) || answer.code() != 200 || !ListPages.paged(request.getPath())
                || answer.getBody() == null) {
            return answer;
        }
        return answer.setBody(ListPages.page(request.getPath(), answer.getBody().readUtf8()));
    }

    private static Logger quiet(String name, Level level) {
        Logger l = Logger.getLogger(name);
        l.setLevel(level);
        return l;
    }

    /** Listens on 127.0.0.1: a free port the first time, the same port afterwards. */
    public synchronized MockApiServer start() {
        if (server != null) {
            throw new IllegalStateException("already listening on " + port);
        }
        // onStart() of every new server adds its "/" and "/version" expectations again
        expectations.clear();
        KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(),
                expectations, dispatcher, false);
        s.start(InetAddress.getLoopbackAddress(), port);
        port = s.getPort();
        server = s;
        return this;
    }

    /**
     * Stops listening (open watches break); the objects are kept for the next {@link #start()}.
     * Returns once the port is really closed: connections to it are refused and it can be bound again.
     */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server = null;
            // fabric8's shutdown() returns when the server channel's close future completes, and its
            // second Vertx.close() returns at once (Vert.x 4 answers a close of a closing instance with
            // a completed future). But the JDK closes a ServerSocketChannel that is registered with a
            // selector only when the event loop next deregisters it, so the kernel may go on accepting
            // connections for a moment, longer on a busy machine.
            Await.until("port " + port + " closed after the mock API server stopped", () -> canBind(port));
        }
    }

    /** True when nothing listens on 127.0.0.1:{@code port} any more (binding it is how start() will reuse it). */
    private static boolean canBind(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public synchronized boolean isListening() {
        return server != null;
    }

    public synchronized int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * A client for this server, as clusterdns builds them ({@link ClientFactory}), with a short
     * reconnect interval so that tests recover quickly after a {@link #start()}. The caller closes it.
     */
    public KubernetesClient client() {
        Config config = ClientFactory.config(ClusterConnection.master(url()));
        config.setWatchReconnectInterval(50);
        config.setRequestRetryBackoffLimit(0);
        config.setNamespace("default");
        return ClientFactory.create(config);
    }

    @Override
    public void close() {
        stop();
    }

}
