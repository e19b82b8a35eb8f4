package io.clusterdns.server;

import io.clusterdns.server.plugin.kubernetes.SourceConfig;
import io.clusterdns.server.http.HttpConfig;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.TargetPort;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.resolver.PodMode;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * The cluster the server tests query, built in code for exact expectations.
 *
 * <pre>
 * zones         cluster.local, in-addr.arpa; TTL 5; SOA serial 1700000000 (snapshot time)
 * service CIDR  10.96.0.0/12, fd00:10:96::/112      pod CIDR 10.244.0.0/16
 * namespaces    default, kube-system
 * kube-system/kube-dns  10.96.0.10     dns 53/UDP
 * default/web           10.96.45.100   http 80/TCP; ready 10.244.1.5, 10.244.2.7
 * default/dual          10.96.20.30 + fd00:10:96::1e   http 80/TCP
 * default/mongo         headless, mongo 27017/TCP; ready mongo-0 10.244.1.10, mongo-1 10.244.2.11
 * default/big           headless, http 80/TCP; 100 ready endpoints 10.244.100.1 .. 10.244.100.100
 * default/my-database   ExternalName db.example.com
 * out of zone   example.com (REFUSED until a forwarder exists)
 * </pre>
 */
final class TestCluster {
    static final Instant CREATED = Instant.ofEpochSecond(1_700_000_000L);
    static final String WEB = "web.default.svc.cluster.local.";
    static final String SOA = "cluster.local. 5 SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 5";
    static final int BIG_ENDPOINTS = 100;

    private TestCluster() {
    }

    static ClusterSnapshot snapshot() {
        return snapshot(1, "10.96.45.100");
    }

    /** The cluster with default/web on another cluster IP: what a live edit changes. */
    static ClusterSnapshot snapshot(long version, String webIp) {
        List<EndpointInfo> big = new ArrayList<>();
        for (int i = 1; i <= BIG_ENDPOINTS; i++) {
            big.add(ready("10.244.100." + i, null));
        }
        List<ServiceInfo> services = List.of(
                clusterIp("kube-system", "kube-dns", List.of("10.96.0.10"), port("dns", Protocol.UDP, 53)),
                clusterIp("default", "web", List.of(webIp), port("http", Protocol.TCP, 80)),
                clusterIp("default", "dual", List.of("10.96.20.30", "fd00:10:96::1e"), port("http", Protocol.TCP, 80)),
                headless("default", "mongo", port("mongo", Protocol.TCP, 27017)),
                headless("default", "big", port("http", Protocol.TCP, 80)),
                new ServiceInfo(ServiceKey.of("default", "my-database"), ServiceType.EXTERNAL_NAME, List.of(), false,
                        List.of(), List.of(), "db.example.com", null, null, null, null, null, null, 0, false, null, null));
        List<EndpointSliceInfo> slices = List.of(
                slice("kube-system", "kube-dns", List.of(ready("10.244.0.2", null)), new EndpointPort("dns", Protocol.UDP, 53, null)),
                slice("default", "web", List.of(ready("10.244.1.5", null), ready("10.244.2.7", null)),
                        new EndpointPort("http", Protocol.TCP, 8080, null)),
                slice("default", "mongo", List.of(ready("10.244.1.10", "mongo-0"), ready("10.244.2.11", "mongo-1")),
                        new EndpointPort("mongo", Protocol.TCP, 27017, null)),
                slice("default", "big", big, new EndpointPort("http", Protocol.TCP, 80, null)));
        return new ClusterSnapshot(version, CREATED, services, slices, List.of(),
                List.of(new NamespaceInfo("default", Map.of()), new NamespaceInfo("kube-system", Map.of())));
    }

    /**
     * Server configuration for tests: 127.0.0.1, a free port, two UDP sockets, the test zones, no
     * HTTP endpoints, no wait for an unsynced source (startup timeout 0).
     */
    static ServerConfig config() {
        return config(Path.of("unused-by-code-built-snapshots"));
    }

    /** The test configuration serving {@code manifests} (for servers started as main does); no HTTP endpoints. */
    static ServerConfig config(Path manifests) {
        ResolverConfig resolver = new ResolverConfig(List.of(Name.fromConstantString("cluster.local."),
                Name.fromConstantString("in-addr.arpa.")), 5, PodMode.DISABLED, Set.of(), false, false);
        return new ServerConfig(SourceConfig.of(new ClusterSourceSpec.Manifests(List.of(manifests))), ListenAddress.of("127.0.0.1:0"),
                resolver, ServerConfig.DEFAULT_TCP_IDLE_TIMEOUT, 2, Duration.ZERO, HttpConfig.off());
    }

    /** Every HTTP endpoint on a free port of 127.0.0.1, each its own (the server reports the ports). */
    static HttpConfig ephemeralHttp() {
        Optional<ListenAddress> any = Optional.of(ListenAddress.of("127.0.0.1:0"));
        return new HttpConfig(any, any, any, Duration.ZERO);
    }

    static Resolver resolver() {
        Resolver r = new Resolver(config().resolver());
        r.update(snapshot());
        return r;
    }

    private static ServicePort port(String name, Protocol protocol, int port) {
        return new ServicePort(name, protocol, port, TargetPort.of(port), 0, null);
    }

    private static ServiceInfo clusterIp(String ns, String name, List<String> ips, ServicePort... ports) {
        List<InetAddress> addrs = ips.stream().map(IpAddresses::parse).toList();
        return new ServiceInfo(ServiceKey.of(ns, name), ServiceType.CLUSTER_IP, addrs, false,
                addrs.stream().map(IpFamily::of).toList(), List.of(ports), null, null, null, null, null, null, null, 0,
                false, Map.of("app", name), null);
    }

    private static ServiceInfo headless(String ns, String name, ServicePort... ports) {
        return new ServiceInfo(ServiceKey.of(ns, name), ServiceType.CLUSTER_IP, List.of(), true, List.of(IpFamily.IPV4),
                List.of(ports), null, null, null, null, null, null, null, 0, false, Map.of("app", name), null);
    }

    private static EndpointInfo ready(String ip, String hostname) {
        return new EndpointInfo(IpAddresses.parse(ip), hostname, "node-1", null, true, true, false, null);
    }

    private static EndpointSliceInfo slice(String ns, String service, List<EndpointInfo> endpoints, EndpointPort port) {
        return new EndpointSliceInfo(service + "-abc", ServiceKey.of(ns, service), IpFamily.IPV4, endpoints, List.of(port), null);
    }
}
