package io.clusterdns.resolver;

import static io.clusterdns.resolver.Fixtures.clusterIp;
import static io.clusterdns.resolver.Fixtures.epPort;
import static io.clusterdns.resolver.Fixtures.externalName;
import static io.clusterdns.resolver.Fixtures.headless;
import static io.clusterdns.resolver.Fixtures.notReady;
import static io.clusterdns.resolver.Fixtures.pod;
import static io.clusterdns.resolver.Fixtures.port;
import static io.clusterdns.resolver.Fixtures.ready;
import static io.clusterdns.resolver.Fixtures.readyPod;
import static io.clusterdns.resolver.Fixtures.slice;

import io.clusterdns.k8s.model.ClusterSnapshot;
import java.time.Instant;
import java.util.List;

/**
 * The cluster the resolver tables query.
 *
 * <pre>
 * zone            cluster.local (+ in-addr.arpa, ip6.arpa); TTL 5; SOA serial 1700000000
 * service CIDR    10.96.0.0/12, fd00:10:96::/112      pod CIDR 10.244.0.0/16, fd00:10:244::/64
 * namespaces      default, kube-system, prod, empty-ns
 * kube-system/kube-dns  10.96.0.10   dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP
 * default/web       10.96.45.100  http 80/TCP; ready 10.244.1.5 (pod web-7d4b9c8f5-x2k9p), 10.244.2.7; not ready 10.244.2.8
 * default/multi     10.96.10.20   http 80/TCP, https 443/TCP, dns 53/UDP (no endpoints)
 * default/dual      10.96.20.30 + fd00:10:96::1e   http 80/TCP
 * default/mongo     headless, mongo 27017/TCP; ready mongo-0 10.244.1.10 (in two slices), mongo-1 10.244.2.11; not ready mongo-2 10.244.1.12
 * default/plain     headless, unnamed 8080; ready 172.0.0.2 and 5678:abcd::1 (no hostnames)
 * default/nobody    headless, only a not-ready endpoint 10.244.3.9
 * default/portless  headless, a slice without ports: ready 10.244.3.3
 * default/my-database  ExternalName db.example.com
 * default/alias     ExternalName web.default.svc.cluster.local
 * default/ip-ext    ExternalName 192.0.2.10
 * default/empty     10.96.30.40 http 80/TCP, no endpoints
 * prod/api          10.96.50.60 https 8443/TCP; ready 10.244.1.5 (shared with default/web)
 * pods            default/web-7d4b9c8f5-x2k9p 10.244.1.5, default/v6pod fd00:10:244::5
 * </pre>
 */
final class ExampleCluster {
    static final Instant CREATED = Instant.ofEpochSecond(1_700_000_000L);

    private ExampleCluster() {
    }

    static ClusterSnapshot snapshot() {
        return Fixtures.snapshot(CREATED,
                List.of(
                        clusterIp("kube-system", "kube-dns", List.of("10.96.0.10"),
                                port("dns", "UDP", 53), port("dns-tcp", "TCP", 53), port("metrics", "TCP", 9153)),
                        clusterIp("default", "web", List.of("10.96.45.100"), port("http", "TCP", 80)),
                        clusterIp("default", "multi", List.of("10.96.10.20"),
                                port("http", "TCP", 80), port("https", "TCP", 443), port("dns", "UDP", 53)),
                        clusterIp("default", "dual", List.of("10.96.20.30", "fd00:10:96::1e"), port("http", "TCP", 80)),
                        headless("default", "mongo", port("mongo", "TCP", 27017)),
                        headless("default", "plain", port(null, "TCP", 8080)),
                        headless("default", "nobody", port(null, "TCP", 80)),
                        headless("default", "portless"),
                        externalName("default", "my-database", "db.example.com"),
                        externalName("default", "alias", "web.default.svc.cluster.local"),
                        externalName("default", "ip-ext", "192.0.2.10"),
                        clusterIp("default", "empty", List.of("10.96.30.40"), port("http", "TCP", 80)),
                        clusterIp("prod", "api", List.of("10.96.50.60"), port("https", "TCP", 8443))),
                List.of(
                        slice("kube-system", "kube-dns", "kube-dns-a", List.of(ready("10.244.0.2", null), ready("10.244.0.3", null)),
                                epPort("dns", "UDP", 53), epPort("dns-tcp", "TCP", 53), epPort("metrics", "TCP", 9153)),
                        slice("default", "web", "web-a",
                                List.of(readyPod("10.244.1.5", "web-7d4b9c8f5-x2k9p"), ready("10.244.2.7", null), notReady("10.244.2.8", null)),
                                epPort("http", "TCP", 8080)),
                        slice("default", "mongo", "mongo-abc",
                                List.of(ready("10.244.1.10", "mongo-0"), ready("10.244.2.11", "mongo-1"), notReady("10.244.1.12", "mongo-2")),
                                epPort("mongo", "TCP", 27017)),
                        slice("default", "mongo", "mongo-def", List.of(ready("10.244.1.10", "mongo-0")), epPort("mongo", "TCP", 27017)),
                        slice("default", "plain", "plain-v4", List.of(ready("172.0.0.2", null)), epPort(null, "TCP", 8080)),
                        slice("default", "plain", "plain-v6", List.of(ready("5678:abcd::1", null)), epPort(null, "TCP", 8080)),
                        slice("default", "nobody", "nobody-a", List.of(notReady("10.244.3.9", null)), epPort(null, "TCP", 80)),
                        slice("default", "portless", "portless-a", List.of(ready("10.244.3.3", null))),
                        slice("prod", "api", "api-a", List.of(ready("10.244.1.5", null)), epPort("https", "TCP", 8443))),
                List.of(pod("default", "web-7d4b9c8f5-x2k9p", "10.244.1.5"), pod("default", "v6pod", "fd00:10:244::5")),
                "default", "kube-system", "prod", "empty-ns");
    }
}
