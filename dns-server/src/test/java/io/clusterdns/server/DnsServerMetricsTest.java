package io.clusterdns.server;

import static io.clusterdns.server.TestCluster.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.server.listen.Listener;
import io.clusterdns.server.listen.ListenerVerticle;
import io.vertx.core.net.SocketAddress;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.SnapshotDelta;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code /metrics} scraped over real HTTP after real queries over UDP and TCP: every name, label
 * and bucket a CoreDNS dashboard or alert reads, and the clusterdns and process series.
 *
 * <pre>
 * server       dns://127.0.0.1:PORT, zones cluster.local. and in-addr.arpa. (TestCluster)
 * queries      UDP A web (twice, once with EDNS DO), UDP A nope (NXDOMAIN), UDP A example.com (REFUSED, zone "."),
 *              UDP PTR 100.45.96.10.in-addr.arpa, UDP NAPTR web (type "other"), TCP SRV _http._tcp.web,
 *              UDP with QDCOUNT 2 (FORMERR, zone "dropped")
 * programming  default/mongo (headless, selector app=mongo): its slice rewritten with a trigger time
 * </pre>
 */
class DnsServerMetricsTest {
    static final String CLUSTER = "cluster.local.";

    static Map<String, String> labels(String... kv) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Scrape scrape(DnsServer server) {
        Http.Reply reply = Http.get(server.metricsAddress().orElseThrow(), "/metrics");
        assertThat(reply.status()).isEqualTo(200);
        return new Scrape(reply.body());
    }

    @Test
    void countsQueriesWithCoreDnsNamesAndLabels() {
        try (DnsServer server = DnsServer.start(TestCluster.config().withHttp(TestCluster.ephemeralHttp()),
                new SnapshotSource(TestCluster.snapshot()));
             UdpClient udp = new UdpClient(server.port()); TcpClient tcp = new TcpClient(server.port())) {
            assertThat(udp.exchange(Wire.query(1, WEB, Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
            udp.exchange(Wire.withEdns(Wire.query(2, WEB, Type.A), 1232, 0, true));
            assertThat(udp.exchange(Wire.query(3, "nope.default.svc.cluster.local.", Type.A)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(udp.exchange(Wire.query(4, "example.com.", Type.A)).getRcode()).isEqualTo(Rcode.REFUSED);
            udp.exchange(Wire.query(5, "100.45.96.10.in-addr.arpa.", Type.PTR));
            udp.exchange(Wire.query(6, WEB, Type.NAPTR));
            assertThat(tcp.exchange(Wire.query(7, "_http._tcp." + WEB, Type.SRV)).getRcode()).isEqualTo(Rcode.NOERROR);
            byte[] twoQuestions = Wire.bytes(Wire.query(8, WEB, Type.A));
            twoQuestions[5] = 2;
            assertThat(Wire.parse(udp.exchange(twoQuestions)).getRcode()).isEqualTo(Rcode.FORMERR);

            Scrape s = scrape(server);
            String srv = "dns://127.0.0.1:" + server.port();
            String requests = "coredns_dns_requests_total";
            assertThat(s.value(requests, labels("server", srv, "zone", CLUSTER, "view", "", "proto", "udp", "family", "1", "type", "A")))
                    .isEqualTo(3);
            assertThat(s.value(requests, labels("server", srv, "zone", CLUSTER, "view", "", "proto", "tcp", "family", "1", "type", "SRV")))
                    .isEqualTo(1);
            assertThat(s.value(requests, labels("server", srv, "zone", CLUSTER, "view", "", "proto", "udp", "family", "1", "type", "other")))
                    .isEqualTo(1);
            assertThat(s.value(requests, labels("server", srv, "zone", "in-addr.arpa.", "view", "", "proto", "udp", "family", "1",
                    "type", "PTR"))).isEqualTo(1);
            // outside every block's zones: refused before any plugin, as CoreDNS counts it
            assertThat(s.value(requests, labels("server", srv, "zone", "dropped", "view", "", "proto", "udp", "family", "1", "type", "A")))
                    .isEqualTo(1);
            assertThat(s.value(requests, labels("server", srv, "zone", "dropped", "view", "", "proto", "udp", "family", "1",
                    "type", "other"))).isEqualTo(1);
            assertThat(s.value("coredns_dns_do_requests_total", labels("server", srv, "zone", CLUSTER, "view", ""))).isEqualTo(1);

            String responses = "coredns_dns_responses_total";
            // the plugin label is CoreDNS 1.14's: the plugin after prometheus (errors), for every written response
            assertThat(s.value(responses, labels("server", srv, "zone", CLUSTER, "view", "", "rcode", "NOERROR", "plugin", "errors")))
                    .isEqualTo(4);
            assertThat(s.value(responses, labels("server", srv, "zone", CLUSTER, "view", "", "rcode", "NXDOMAIN", "plugin", "errors")))
                    .isEqualTo(1);
            assertThat(s.value(responses, labels("server", srv, "zone", "dropped", "view", "", "rcode", "REFUSED", "plugin", "")))
                    .isEqualTo(1);
            assertThat(s.value(responses, labels("server", srv, "zone", "dropped", "view", "", "rcode", "FORMERR", "plugin", "")))
                    .isEqualTo(1);

            // no type label on the duration, as CoreDNS (its README says otherwise)
            Map<String, String> aInCluster = labels("server", srv, "zone", CLUSTER, "view", "");
            assertThat(s.value("coredns_dns_request_duration_seconds_count", aInCluster)).isEqualTo(5);
            assertThat(s.buckets("coredns_dns_request_duration_seconds", aInCluster)).map(DnsServerMetricsTest::le)
                    .containsExactlyElementsOf(bounds(0.00025, 16));
            Map<String, String> udpInCluster = labels("server", srv, "zone", CLUSTER, "view", "", "proto", "udp");
            assertThat(s.value("coredns_dns_request_size_bytes_count", udpInCluster)).isEqualTo(4);
            assertThat(s.value("coredns_dns_response_size_bytes_count", udpInCluster)).isEqualTo(4);
            assertThat(s.value("coredns_dns_response_size_bytes_bucket", with(udpInCluster, "le", "0"))).isZero();
            // the label values as CoreDNS's Go client writes them: dashboards select buckets by these strings
            assertThat(s.buckets("coredns_dns_response_size_bytes", udpInCluster)).containsExactly("0", "100", "200",
                    "300", "400", "511", "1023", "2047", "4095", "8291", "16000", "32000", "48000", "64000", "+Inf");
            assertThat(s.buckets("coredns_dns_request_duration_seconds", aInCluster)).containsExactly("0.00025", "0.0005", "0.001",
                    "0.002", "0.004", "0.008", "0.016", "0.032", "0.064", "0.128", "0.256", "0.512", "1.024", "2.048", "4.096", "8.192",
                    "+Inf");
        }
    }

    @Test
    void recordsDnsProgrammingLatencyOfHeadlessServicesWithSelector() {
        SnapshotSource source = new SnapshotSource(TestCluster.snapshot());
        try (DnsServer server = DnsServer.start(TestCluster.config().withHttp(TestCluster.ephemeralHttp()), source)) {
            Map<String, String> kind = labels("service_kind", "headless_with_selector");
            String name = "coredns_kubernetes_dns_programming_duration_seconds";
            assertThat(scrape(server).value(name + "_count", kind)).as("the first snapshot is a baseline").isZero();

            ClusterSnapshot v1 = source.current();
            ClusterSnapshot v2 = v1.apply(new SnapshotDelta().putSlice(mongoSlice(Instant.now().minusSeconds(1))), Instant.now());
            source.publish(v2);
            source.publish(v2.apply(new SnapshotDelta().putSlice(mongoSlice(v2.slices(ServiceKey.of("default", "mongo")).get(0)
                    .triggerTime())), Instant.now()));

            Scrape s = scrape(server);
            assertThat(s.value(name + "_count", kind)).as("once per trigger time").isEqualTo(1);
            assertThat(s.buckets(name, kind)).map(DnsServerMetricsTest::le).containsExactlyElementsOf(bounds(0.001, 20));
        }
    }

    /**
     * The fast path's own series, per (server, zone): an answer encoded on the first query (a miss),
     * served as held on the next (a hit), and encoded again once a snapshot changed what it was read
     * from (mongo's slice rewritten), while an untouched one (web) stays held.
     */
    @Test
    void countsFastPathAnswersByHowTheyWereFound() {
        SnapshotSource source = new SnapshotSource(TestCluster.snapshot());
        try (DnsServer server = DnsServer.start(TestCluster.config().withHttp(TestCluster.ephemeralHttp()), source);
             UdpClient udp = new UdpClient(server.port())) {
            String mongo = "mongo.default.svc.cluster.local.";
            assertThat(udp.exchange(Wire.query(1, WEB, Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
            udp.exchange(Wire.query(2, WEB, Type.A));
            assertThat(udp.exchange(Wire.query(3, mongo, Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
            source.publish(source.current().apply(new SnapshotDelta().putSlice(mongoSlice(Instant.now())), Instant.now()));
            io.clusterdns.k8s.testing.Await.until("the second snapshot applied",
                    () -> scrape(server).value("clusterdns_snapshot_publish_total", Map.of()) == 2);
            udp.exchange(Wire.query(4, mongo, Type.A));
            udp.exchange(Wire.query(5, WEB, Type.A));

            Scrape s = scrape(server);
            Map<String, String> zone = labels("server", "dns://127.0.0.1:" + server.port(), "zone", CLUSTER);
            assertThat(s.value("clusterdns_fastpath_misses_total", zone)).as("web and mongo, first asked").isEqualTo(2);
            assertThat(s.value("clusterdns_fastpath_hits_total", zone)).as("web asked again, before and after the change").isEqualTo(2);
            assertThat(s.value("clusterdns_fastpath_reencodes_total", zone)).as("mongo after its slice changed").isEqualTo(1);
            assertThat(s.value("coredns_dns_requests_total", with(zone, "view", "", "proto", "udp", "family", "1", "type", "A")))
                    .as("every query counted once, as the chain counts it").isEqualTo(5);
        }
    }

    @Test
    void exportsTheClusterdnsProcessAndJvmSeries() {
        try (DnsServer server = DnsServer.start(TestCluster.config().withHttp(TestCluster.ephemeralHttp()),
                new SnapshotSource(TestCluster.snapshot()))) {
            Scrape s = scrape(server);

            assertThat(s.value("clusterdns_snapshot_publish_total", Map.of())).isEqualTo(1);
            assertThat(s.value("clusterdns_snapshot_version", Map.of())).isEqualTo(1);
            assertThat(s.value("clusterdns_cluster_objects", labels("kind", "services"))).isEqualTo(6);
            assertThat(s.value("clusterdns_cluster_objects", labels("kind", "endpointslices"))).isEqualTo(4);
            assertThat(s.value("clusterdns_cluster_objects", labels("kind", "pods"))).isZero();
            assertThat(s.value("clusterdns_cluster_objects", labels("kind", "namespaces"))).isEqualTo(2);
            assertThat(s.value("clusterdns_index_update_seconds_count", Map.of())).isEqualTo(1);
            assertThat(s.samples("clusterdns_build_info")).singleElement()
                    .satisfies(b -> assertThat(b.labels()).containsEntry("version", DnsServerMain.version()));
            assertThat(s.types()).containsEntry("process_cpu_seconds_total", "counter")
                    .containsEntry("process_resident_memory_bytes", "gauge");
            assertThat(s.names()).contains("process_cpu_seconds_total", "process_resident_memory_bytes",
                    "process_virtual_memory_bytes", "process_open_fds", "process_max_fds", "process_start_time_seconds",
                    "process_uptime_seconds", "process_cpu_usage", "jvm_memory_used_bytes", "jvm_memory_max_bytes",
                    "jvm_threads_live_threads", "jvm_classes_loaded_classes", "jvm_gc_memory_allocated_bytes_total");
            assertThat(s.value("process_resident_memory_bytes", Map.of())).isPositive();
        }
    }

    @Test
    void serverLabelIsCoreDnsStyle() {
        assertThat(Listener.of(ListenAddress.of("127.0.0.1:1053")).label()).isEqualTo("dns://127.0.0.1:1053");
        assertThat(Listener.of(ListenAddress.of(":53")).label()).isEqualTo("dns://:53");
        assertThat(Listener.of(ListenAddress.of("[::]:53")).label()).as("every interface, both families").isEqualTo("dns://:53");
        assertThat(Listener.of(ListenAddress.of("[::1]:53")).label()).isEqualTo("dns://[::1]:53");
    }

    @Test
    void ipv4MappedClientsCountAsFamilyOne() {
        assertThat(ListenerVerticle.client(SocketAddress.inetSocketAddress(53, "::1")).getAddress().getAddress()).hasSize(16);
        assertThat(ListenerVerticle.client(SocketAddress.inetSocketAddress(53, "fd00:10:244::1:5")).getAddress().getAddress()).hasSize(16);
        assertThat(ListenerVerticle.client(SocketAddress.inetSocketAddress(53, "::ffff:10.244.1.5")).getAddress().getAddress())
                .as("IPv4-mapped: family 1").hasSize(4);
        assertThat(ListenerVerticle.client(SocketAddress.inetSocketAddress(53, "10.244.1.5")).getAddress().getAddress()).hasSize(4);
    }

    private static double le(String text) {
        return text.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(text);
    }

    private static List<Double> bounds(double first, int count) {
        List<Double> out = new java.util.ArrayList<>(IntStream.range(0, count).mapToObj(i -> first * (1L << i)).toList());
        out.add(Double.POSITIVE_INFINITY);
        return out;
    }

    private static Map<String, String> with(Map<String, String> labels, String... kv) {
        Map<String, String> m = new TreeMap<>(labels);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static EndpointSliceInfo mongoSlice(Instant trigger) {
        List<EndpointInfo> endpoints = List.of(
                new EndpointInfo(IpAddresses.parse("10.244.1.10"), "mongo-0", "node-1", null, true, true, false, null),
                new EndpointInfo(IpAddresses.parse("10.244.2.12"), "mongo-2", "node-2", null, true, true, false, null));
        return new EndpointSliceInfo("mongo-abc", ServiceKey.of("default", "mongo"), IpFamily.IPV4, endpoints,
                List.of(new EndpointPort("mongo", Protocol.TCP, 27017, null)), trigger);
    }
}
