package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.MockApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A mock API server, a client to change objects through ({@link #api}), and an informer source
 * on its own client, closed together. The source is started by {@link #startSource}.
 */
final class LiveCluster implements AutoCloseable {
    final MockApiServer server;
    final KubernetesClient api;
    final Snapshots snapshots = new Snapshots();
    private KubernetesClient sourceClient;
    InformerClusterSource source;

    LiveCluster() {
        this(request -> null);
    }

    LiveCluster(Function<RecordedRequest, MockResponse> interceptor) {
        server = new MockApiServer(interceptor).start();
        api = server.client();
    }

    /** Creates objects (before or after the source started). */
    LiveCluster create(HasMetadata... objects) {
        for (HasMetadata o : objects) {
            api.resource(o).create();
        }
        return this;
    }

    /** Replaces objects as they are given (kubectl replace). */
    LiveCluster update(HasMetadata... objects) {
        for (HasMetadata o : objects) {
            api.resource(o).update();
        }
        return this;
    }

    LiveCluster delete(HasMetadata... objects) {
        for (HasMetadata o : objects) {
            api.resource(o).delete();
        }
        return this;
    }

    /** Starts a source with the default configuration changed by {@code options}; does not wait for sync. */
    InformerClusterSource startSource(UnaryOperator<InformerConfig> options) {
        InformerConfig config = options.apply(InformerConfig.of(ClusterConnection.master(server.url())));
        sourceClient = server.client();
        source = new InformerClusterSource(config, sourceClient);
        source.subscribe(snapshots);
        source.start();
        return source;
    }

    /**
     * Starts a source that reaches the server through {@code url} (an {@code ApiFaultProxy}), with
     * the short reconnect interval of {@link MockApiServer#client()}; does not wait for sync.
     */
    InformerClusterSource startSourceVia(String url, UnaryOperator<InformerConfig> options) {
        InformerConfig config = options.apply(InformerConfig.of(ClusterConnection.master(url)));
        io.fabric8.kubernetes.client.Config c = ClientFactory.config(config.connection());
        c.setWatchReconnectInterval(50);
        c.setRequestRetryBackoffLimit(0);
        sourceClient = ClientFactory.create(c);
        source = new InformerClusterSource(config, sourceClient);
        source.subscribe(snapshots);
        source.start();
        return source;
    }

    /** Starts a default source and returns its first snapshot, once every watch is open. */
    ClusterSnapshot startSynced() {
        return startSynced(c -> c);
    }

    /**
     * Starts a source and returns its first snapshot, once every watch is open: the mock keeps no
     * event history, so a change made between an informer's list and its watch is only seen if
     * the object still matches the watch (as a re-announced ADDED); the real API server replays
     * events from the list's resourceVersion.
     */
    ClusterSnapshot startSynced(UnaryOperator<InformerConfig> options) {
        startSource(options);
        ClusterSnapshot first = snapshots.next();
        awaitWatching();
        return first;
    }

    /**
     * Waits until every informer's watch is open. Tests stop the mock server only then: a watch
     * whose very first WebSocket fails makes fabric8 fall back to an HTTP streaming watch, which
     * the real API server serves and the mock does not.
     */
    void awaitWatching() {
        Await.until("every informer watching", () -> source.stats().watching().values().stream().allMatch(w -> w)
                && !source.stats().watching().isEmpty());
    }

    /** Stops the mock server with every watch open, then starts it again on the same port. */
    void restartServer() {
        awaitWatching();
        server.stop();
        server.start();
    }

    @Override
    public void close() {
        if (source != null) {
            source.close();
        }
        if (sourceClient != null) {
            sourceClient.close();
        }
        api.close();
        server.close();
    }
}
