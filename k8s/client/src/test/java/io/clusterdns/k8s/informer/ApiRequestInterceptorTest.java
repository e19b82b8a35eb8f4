package io.clusterdns.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.ApiRequestObserver;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.k8s.source.ClusterSources;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.MockApiServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * {@link ApiRequestInterceptor} against fabric8's mock API server (CRUD mode, in process, plain
 * HTTP on 127.0.0.1): what an {@link ApiRequestObserver} hears of lists, watches, errors and
 * failed connections. Events are recorded as {@code "METHOD HOST CODE"} and {@code "METHOD HOST"}
 * (timed); durations are only checked to be positive.
 */
class ApiRequestInterceptorTest {

    /** Every call, in arrival order. */
    static final class Recorder implements ApiRequestObserver {
        final Queue<String> completed = new ConcurrentLinkedQueue<>();
        final Queue<String> timed = new ConcurrentLinkedQueue<>();
        final Queue<Duration> durations = new ConcurrentLinkedQueue<>();

        @Override
        public void completed(String method, String host, String code) {
            completed.add(method + " " + host + " " + code);
        }

        @Override
        public void timed(String method, String host, Duration took) {
            timed.add(method + " " + host);
            durations.add(took);
        }

        long count(String event) {
            return completed.stream().filter(event::equals).count();
        }
    }

    final Recorder recorder = new Recorder();

    @Test
    void anInformerSourceCountsItsListsAndWatchesAndTimesTheLists() {
        try (MockApiServer server = new MockApiServer().start();
             ClusterSource source = ClusterSources.create(new ClusterSourceSpec.Api(ClusterConnection.master(server.url())), true,
                     informers -> informers.withRequests(recorder))) {
            String host = "127.0.0.1:" + server.port();
            source.start();

            // services, endpointslices, namespaces: a list each, then a watch each (a WebSocket: 101)
            Await.until("a list and a watch of each kind", () -> List.copyOf(recorder.completed),
                    c -> recorder.count("GET " + host + " 200") >= 3 && recorder.count("GET " + host + " 101") >= 3);

            assertThat(recorder.completed).containsOnly("GET " + host + " 200", "GET " + host + " 101");
            assertThat(recorder.timed).as("the lists are timed, the watches are not")
                    .hasSize((int) recorder.count("GET " + host + " 200")).containsOnly("GET " + host);
            assertThat(recorder.durations).allMatch(d -> !d.isNegative() && !d.isZero());
        }
    }

    @Test
    void everyAnsweredRequestIsCountedWithItsStatusAndTimed() {
        try (MockApiServer server = new MockApiServer().start();
             KubernetesClient client = ClientFactory.create(ClientFactory.config(ClusterConnection.master(server.url())), recorder)) {
            String host = "127.0.0.1:" + server.port();

            client.namespaces().list();
            assertThat(client.namespaces().withName("missing").get()).isNull();

            assertThat(recorder.completed).containsExactly("GET " + host + " 200", "GET " + host + " 404");
            assertThat(recorder.timed).containsExactly("GET " + host, "GET " + host);
        }
    }

    @Test
    void anAttemptWithoutAnAnswerIsCountedAsAnErrorAndNotTimed() {
        MockApiServer server = new MockApiServer().start();
        String url = server.url();
        String host = "127.0.0.1:" + server.port();
        server.stop();
        Config config = ClientFactory.config(ClusterConnection.master(url));
        config.setRequestRetryBackoffLimit(1);
        config.setRequestRetryBackoffInterval(1);
        try (KubernetesClient client = ClientFactory.create(config, recorder)) {
            assertThatThrownBy(() -> client.namespaces().list()).isInstanceOf(KubernetesClientException.class);

            // two attempts, refused; fabric8 tells interceptors of the failed attempts it retries only
            assertThat(recorder.completed).containsExactly("GET " + host + " " + ApiRequestObserver.NO_RESPONSE);
            assertThat(recorder.timed).isEmpty();
        }
    }

    @Test
    void hostIsTheUrlsAuthorityWithoutUserInfo() {
        assertThat(ApiRequestInterceptor.host(URI.create("https://10.96.0.1:443/api/v1/services"))).isEqualTo("10.96.0.1:443");
        assertThat(ApiRequestInterceptor.host(URI.create("https://kubernetes.default.svc/api"))).isEqualTo("kubernetes.default.svc");
        assertThat(ApiRequestInterceptor.host(URI.create("https://[fd00:10:96::1]:6443/api"))).isEqualTo("[fd00:10:96::1]:6443");
        assertThat(ApiRequestInterceptor.host(URI.create("https://admin:secret@192.0.2.1:6443/api"))).isEqualTo("192.0.2.1:6443");
    }

    @Test
    void aWatchIsARequestWithWatchTrue() {
        assertThat(ApiRequestInterceptor.isWatch(URI.create("http://h/api/v1/services?allowWatchBookmarks=true&watch=true"))).isTrue();
        assertThat(ApiRequestInterceptor.isWatch(URI.create("http://h/api/v1/services?watch=1"))).isTrue();
        assertThat(ApiRequestInterceptor.isWatch(URI.create("http://h/api/v1/services?resourceVersion=0"))).isFalse();
        assertThat(ApiRequestInterceptor.isWatch(URI.create("http://h/api/v1/services?watch=false"))).isFalse();
        assertThat(ApiRequestInterceptor.isWatch(URI.create("http://h/api/v1/namespaces/watch"))).isFalse();
    }
}
