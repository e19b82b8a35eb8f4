package io.clusterdns.server.plugin.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.ApiRequestObserver;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.MockApiServerProcess;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.DnsServerMain;
import io.clusterdns.server.Scrape;
import io.clusterdns.server.metrics.ServerMetrics;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CoreDNS's {@code coredns_kubernetes_rest_client_*} series: from a server whose kubeadm-style
 * kubernetes block follows the k8s module's mock API server ({@link MockApiServerProcess}, a
 * child JVM, plain HTTP on 127.0.0.1), and from {@link RestClientMetrics} alone for exact values.
 */
class RestClientMetricsTest {
    static final String REQUESTS = "coredns_kubernetes_rest_client_requests_total";
    static final String DURATION = "coredns_kubernetes_rest_client_request_duration_seconds";
    static final String RATE_LIMITER = "coredns_kubernetes_rest_client_rate_limiter_duration_seconds";
    static final List<String> DEF_BUCKETS = List.of("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf");

    static MockApiServerProcess api;

    @TempDir
    Path dir;

    @BeforeAll
    static void launchApiServer() {
        api = MockApiServerProcess.launch();
    }

    @AfterAll
    static void quitApiServer() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aServerFollowingTheApiExportsCorednsRestClientSeries() throws Exception {
        Path corefile = Files.writeString(dir.resolve("Corefile"), """
                .:0 {
                    errors
                    ready 127.0.0.1:0
                    kubernetes cluster.local in-addr.arpa ip6.arpa {
                        endpoint %s
                        fallthrough in-addr.arpa ip6.arpa
                    }
                    prometheus 127.0.0.1:0
                }
                """.formatted(api.url()));
        try (DnsServer server = DnsServerMain.start(new CorefileSource(corefile, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 1))) {
            String host = api.url().substring("http://".length());
            Map<String, String> listed = Map.of("code", "200", "host", host, "method", "GET");
            Map<String, String> timed = Map.of("host", host, "verb", "GET");

            // the informers' three lists and three watches, all 200 as client-go counts them (a
            // watch's WebSocket upgrade, 101, included); only the lists are timed
            Scrape s = Await.until("the lists and watches counted, the lists timed", () -> new Scrape(server.scrape()),
                    scrape -> count(scrape, REQUESTS, listed) >= 6 && count(scrape, DURATION + "_count", timed) >= 3);

            assertThat(s.samples(REQUESTS)).extracting(sample -> sample.labels().get("code")).containsOnly("200");
            assertThat(s.value(DURATION + "_count", timed)).as("watches are not timed").isLessThan(s.value(REQUESTS, listed));

            assertThat(s.types()).containsEntry(REQUESTS, "counter").containsEntry(DURATION, "histogram")
                    .containsEntry(RATE_LIMITER, "histogram");
            assertThat(s.buckets(DURATION, timed)).isEqualTo(DEF_BUCKETS);
            assertThat(s.buckets(RATE_LIMITER, timed)).isEqualTo(DEF_BUCKETS);
            double lists = s.value(DURATION + "_count", timed);
            assertThat(s.value(RATE_LIMITER + "_count", timed)).isEqualTo(lists);
            assertThat(s.value(RATE_LIMITER + "_bucket", with(timed, "le", "0.005"))).as("fabric8 never throttles").isEqualTo(lists);
        }
    }

    @Test
    void namesHelpLabelsAndBucketsAreCorednss() {
        try (ServerMetrics metrics = new ServerMetrics()) {
            RestClientMetrics rest = new RestClientMetrics(metrics.registry());
            rest.completed("GET", "10.96.0.1:443", "200");
            rest.completed("GET", "10.96.0.1:443", "200");
            rest.completed("GET", "10.96.0.1:443", ApiRequestObserver.NO_RESPONSE);
            rest.timed("GET", "10.96.0.1:443", Duration.ofMillis(3));
            rest.timed("GET", "10.96.0.1:443", Duration.ofMillis(30));

            String text = metrics.scrape();
            Scrape s = new Scrape(text);
            Map<String, String> timed = Map.of("host", "10.96.0.1:443", "verb", "GET");
            assertThat(s.value(REQUESTS, Map.of("code", "200", "host", "10.96.0.1:443", "method", "GET"))).isEqualTo(2);
            assertThat(s.value(REQUESTS, Map.of("code", "<error>", "host", "10.96.0.1:443", "method", "GET"))).isEqualTo(1);
            assertThat(s.value(DURATION + "_bucket", with(timed, "le", "0.005"))).isEqualTo(1);
            assertThat(s.value(DURATION + "_bucket", with(timed, "le", "0.025"))).isEqualTo(1);
            assertThat(s.value(DURATION + "_bucket", with(timed, "le", "0.05"))).isEqualTo(2);
            assertThat(s.value(DURATION + "_sum", timed)).isEqualTo(0.033);
            assertThat(s.value(RATE_LIMITER + "_bucket", with(timed, "le", "0.005"))).isEqualTo(2);
            assertThat(s.value(RATE_LIMITER + "_sum", timed)).isZero();
            assertThat(text).contains(
                    "# HELP " + REQUESTS + " Number of HTTP requests, partitioned by status code, method, and host.\n",
                    "# HELP " + DURATION + " Request latency in seconds. Broken down by verb and host.\n",
                    "# HELP " + RATE_LIMITER + " Client side rate limiter latency in seconds. Broken down by verb and host.\n");
        }
    }

    static double count(Scrape s, String name, Map<String, String> labels) {
        return s.samples(name).stream().filter(x -> x.labels().equals(labels)).mapToDouble(Scrape.Sample::value).sum();
    }

    static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> out = new java.util.TreeMap<>(labels);
        out.put(key, value);
        return out;
    }
}
