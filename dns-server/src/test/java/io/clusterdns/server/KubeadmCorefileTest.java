package io.clusterdns.server;

import io.clusterdns.k8s.BuildVersion;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.MockApiServerProcess;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.forward.Dnsmasq;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * kubeadm's Corefile against an API server reached through a kubeconfig (fabric8's mock API
 * server in a child JVM) and a real upstream (dnsmasq on a loopback address): cluster names,
 * forwarded names, the cache in front of them, and the metrics CoreDNS exports for this Corefile,
 * series by series with their label names (the list a CoreDNS dashboard is built on).
 *
 * <p>Only what cannot run unprivileged here is changed in the Corefile: ports (the listener and
 * the HTTP plugins on free ports of 127.0.0.1), the upstream ({@code forward . IP:PORT} in place
 * of /etc/resolv.conf, whose nameserver lines have no port) and {@code kubeconfig FILE} in the
 * kubernetes block (a pod uses its service account). KubeadmCorefileIT runs the Corefile as it
 * is, on :53 in a network namespace.
 */
class KubeadmCorefileTest {
    @TempDir
    static Path dir;

    static MockApiServerProcess api;
    static Dnsmasq upstream;

    @BeforeAll
    static void startApiServerAndUpstream() throws Exception {
        Dnsmasq.require();
        upstream = Dnsmasq.start(dir, "127.0.0.3", "192.0.2.1 www.example.com\n", "--local=/example.com/");
        api = MockApiServerProcess.launch();
        try (KubernetesClient kube = api.client()) {
            for (HasMetadata o : List.of(DnsServerKubernetesIT.namespace("default"), DnsServerKubernetesIT.namespace("shop"),
                    DnsServerKubernetesIT.service("shop", "web", "10.96.0.50", "http", 80),
                    DnsServerKubernetesIT.headless("shop", "mongo"),
                    DnsServerKubernetesIT.slice("shop", "mongo-a", "mongo", DnsServerKubernetesIT.endpoint("10.244.1.10", true)))) {
                kube.resource(o).create();
            }
        }
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    static String corefile(Path kubeconfig) throws Exception {
        String text = KubeadmCorefileIT.kubeadmCorefile(Path.of("unused"))
                .replace("       manifests unused\n", "       kubeconfig " + kubeconfig + "\n")
                .replace(".:53 {", ".:0 {")
                .replace("    health {", "    health 127.0.0.1:0 {")
                .replace("    ready\n", "    ready 127.0.0.1:0\n")
                .replace("prometheus :9153", "prometheus 127.0.0.1:0")
                .replace("forward . /etc/resolv.conf {", "forward . " + upstream.target() + " {");
        // ".:53 {" and ":9153\n" whole: the upstream's random port may well contain "53"
        assertThat(text).doesNotContain(".:53 {", ":9153\n", "/etc/resolv.conf", "unused");
        return text;
    }

    static Path kubeconfig() throws Exception {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s"}}]
                users: [{name: anonymous, user: {}}]
                contexts: [{name: mock, context: {cluster: mock, user: anonymous}}]
                current-context: mock
                """.formatted(api.url()));
    }

    @Test
    void clusterAndForwardedNamesWithCoreDnsSeries() throws Exception {
        Path file = Files.writeString(dir.resolve("Corefile"), corefile(kubeconfig()));
        CorefileSource source = new CorefileSource(file, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2);
        try (DnsServer server = DnsServerMain.start(source); UdpClient udp = new UdpClient(server.port())) {
            Message web = udp.exchange(Wire.query(1, "web.shop.svc.cluster.local.", Type.A));
            Message mongo = udp.exchange(Wire.query(2, "mongo.shop.svc.cluster.local.", Type.A));
            Message webV6 = udp.exchange(Wire.query(3, "web.shop.svc.cluster.local.", Type.AAAA));
            Message external = udp.exchange(Wire.query(4, "www.example.com.", Type.A));
            Message cached = udp.exchange(Wire.query(5, "www.example.com.", Type.A));
            Message nope = udp.exchange(Wire.query(6, "nope.example.com.", Type.A));
            Message nopeCluster = udp.exchange(Wire.query(7, "nope.shop.svc.cluster.local.", Type.A));

            assertThat(Wire.texts(web, Section.ANSWER)).containsExactly("web.shop.svc.cluster.local. 30 A 10.96.0.50");
            assertThat(Wire.texts(mongo, Section.ANSWER)).containsExactly("mongo.shop.svc.cluster.local. 30 A 10.244.1.10");
            assertThat(webV6.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(Wire.texts(external, Section.ANSWER)).singleElement().asString().endsWith(" A 192.0.2.1");
            assertThat(Wire.texts(cached, Section.ANSWER)).singleElement().asString().endsWith(" A 192.0.2.1");
            assertThat(nope.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(nopeCluster.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(server.frontPath()).as("kubeadm's block (cache 30 included) has the fast path")
                    .isInstanceOf(io.clusterdns.server.fast.FastPath.class);

            String srv = "dns://:" + server.port();
            String apiHost = api.url().substring("http://".length());
            Map<String, String> apiGets = Map.of("code", "200", "host", apiHost, "method", "GET");
            // the health plugin's self-check runs once a second, the informers open their watches after
            // their lists: wait for both, as a scrape a few seconds after start sees them
            Scrape s = Await.until("a health self-check and the informers' lists and watches", () -> new Scrape(server.scrape()),
                    sc -> sc.value("coredns_health_request_duration_seconds_count", Map.of()) >= 1
                            && sc.names().contains("coredns_kubernetes_rest_client_requests_total")
                            && sc.value("coredns_kubernetes_rest_client_requests_total", apiGets) >= 6);
            assertThat(labelNames(s)).containsAllEntriesOf(KUBEADM_SERIES);

            Map<String, String> block = Map.of("server", srv, "zone", ".", "view", "");
            assertThat(s.value("coredns_build_info", Map.of("version", BuildVersion.get(), "revision", "clusterdns",
                    "goversion", "java" + Runtime.version().feature()))).isEqualTo(1);
            assertThat(s.value("coredns_dns_requests_total", with(block, "proto", "udp", "family", "1", "type", "A"))).isGreaterThanOrEqualTo(6);
            assertThat(s.value("coredns_dns_responses_total", with(block, "plugin", "errors", "rcode", "NOERROR"))).isGreaterThanOrEqualTo(5);
            assertThat(s.value("coredns_dns_responses_total", with(block, "plugin", "errors", "rcode", "NXDOMAIN"))).isEqualTo(2);
            for (String plugin : List.of("cache", "errors", "forward", "kubernetes", "loadbalance", "loop", "prometheus")) {
                assertThat(s.value("coredns_plugin_enabled", with(block, "name", plugin))).as(plugin).isEqualTo(1);
            }
            Map<String, String> cache = Map.of("server", srv, "view", "", "zones", ".");
            assertThat(s.value("coredns_cache_hits_total", with(cache, "type", "success"))).as("www.example.com the second time").isEqualTo(1);
            assertThat(s.value("coredns_cache_entries", with(cache, "type", "success")))
                    .as("www.example.com; cluster.local is not cached (disable success cluster.local)").isEqualTo(1);
            assertThat(s.value("coredns_cache_entries", with(cache, "type", "denial")))
                    .as("dnsmasq's NXDOMAIN has no SOA to time it; cluster.local denials are not cached").isZero();
            Map<String, String> proxy = Map.of("proxy_name", "forward", "to", upstream.target());
            assertThat(s.value("coredns_proxy_request_duration_seconds_count", with(proxy, "rcode", "NOERROR")))
                    .as("www.example.com asked upstream once: the second answer came from the cache").isEqualTo(1);
            assertThat(s.value("coredns_proxy_request_duration_seconds_count", with(proxy, "rcode", "NXDOMAIN"))).isEqualTo(1);
            assertThat(s.value("coredns_proxy_conn_cache_misses_total", with(proxy, "proto", "udp"))).isPositive();
            for (String zero : List.of("coredns_panics_total", "coredns_reload_failed_total", "coredns_forward_healthcheck_broken_total",
                    "coredns_forward_max_concurrent_rejects_total", "coredns_health_request_failures_total",
                    "coredns_local_localhost_requests_total", "coredns_hosts_reload_timestamp_seconds")) {
                assertThat(s.value(zero, Map.of())).as(zero).isZero();
            }
            assertThat(s.value("process_open_fds", Map.of())).isPositive();
            assertThat(s.value("process_resident_memory_bytes", Map.of())).isPositive();
        }
    }

    /**
     * What CoreDNS 1.12 exports for kubeadm's Corefile after a few cluster and forwarded queries:
     * each series name with its label names (CoreDNS's registrations; a dashboard's queries and
     * recording rules name these).
     */
    static final Map<String, Set<String>> KUBEADM_SERIES = series(
            "coredns_build_info", "goversion,revision,version",
            "coredns_cache_entries", "server,type,view,zones",
            "coredns_cache_hits_total", "server,type,view,zones",
            "coredns_cache_misses_total", "server,view,zones",
            "coredns_cache_requests_total", "server,view,zones",
            "coredns_dns_request_duration_seconds_bucket", "le,server,view,zone",
            "coredns_dns_request_duration_seconds_count", "server,view,zone",
            "coredns_dns_request_duration_seconds_sum", "server,view,zone",
            "coredns_dns_request_size_bytes_bucket", "le,proto,server,view,zone",
            "coredns_dns_request_size_bytes_count", "proto,server,view,zone",
            "coredns_dns_request_size_bytes_sum", "proto,server,view,zone",
            "coredns_dns_requests_total", "family,proto,server,type,view,zone",
            "coredns_dns_response_size_bytes_bucket", "le,proto,server,view,zone",
            "coredns_dns_response_size_bytes_count", "proto,server,view,zone",
            "coredns_dns_response_size_bytes_sum", "proto,server,view,zone",
            "coredns_dns_responses_total", "plugin,rcode,server,view,zone",
            "coredns_forward_healthcheck_broken_total", "",
            "coredns_forward_max_concurrent_rejects_total", "",
            "coredns_health_request_duration_seconds_bucket", "le",
            "coredns_health_request_duration_seconds_count", "",
            "coredns_health_request_duration_seconds_sum", "",
            "coredns_health_request_failures_total", "",
            "coredns_hosts_reload_timestamp_seconds", "",
            "coredns_kubernetes_rest_client_rate_limiter_duration_seconds_bucket", "host,le,verb",
            "coredns_kubernetes_rest_client_rate_limiter_duration_seconds_count", "host,verb",
            "coredns_kubernetes_rest_client_rate_limiter_duration_seconds_sum", "host,verb",
            "coredns_kubernetes_rest_client_request_duration_seconds_bucket", "host,le,verb",
            "coredns_kubernetes_rest_client_request_duration_seconds_count", "host,verb",
            "coredns_kubernetes_rest_client_request_duration_seconds_sum", "host,verb",
            "coredns_kubernetes_rest_client_requests_total", "code,host,method",
            "coredns_local_localhost_requests_total", "",
            "coredns_panics_total", "",
            "coredns_plugin_enabled", "name,server,view,zone",
            "coredns_proxy_conn_cache_misses_total", "proto,proxy_name,to",
            "coredns_proxy_request_duration_seconds_bucket", "le,proxy_name,rcode,to",
            "coredns_proxy_request_duration_seconds_count", "proxy_name,rcode,to",
            "coredns_proxy_request_duration_seconds_sum", "proxy_name,rcode,to",
            "coredns_reload_failed_total", "",
            "process_cpu_seconds_total", "",
            "process_max_fds", "",
            "process_open_fds", "",
            "process_resident_memory_bytes", "",
            "process_start_time_seconds", "",
            "process_virtual_memory_bytes", "");

    private static Map<String, Set<String>> series(String... nameAndLabels) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (int i = 0; i < nameAndLabels.length; i += 2) {
            out.put(nameAndLabels[i], nameAndLabels[i + 1].isEmpty() ? Set.of() : new TreeSet<>(List.of(nameAndLabels[i + 1].split(","))));
        }
        return out;
    }

    /** Each series name of the scrape with the label names of its samples (all samples of a name share them). */
    private static Map<String, Set<String>> labelNames(Scrape s) {
        return s.names().stream().collect(Collectors.toMap(n -> n, n -> new TreeSet<>(s.samples(n).get(0).labels().keySet()),
                (a, b) -> a, TreeMap::new));
    }

    private static Map<String, String> with(Map<String, String> base, String... more) {
        Map<String, String> out = new TreeMap<>(base);
        for (int i = 0; i < more.length; i += 2) {
            out.put(more[i], more[i + 1]);
        }
        return out;
    }
}
