package io.clusterdns.server.fast;

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
import io.clusterdns.resolver.PodMode;
import io.clusterdns.resolver.ResolverConfig;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.ReverseMap;

/**
 * A generated cluster with every shape of service, and every name it answers for (and some it
 * does not), for comparing the fast path with the chain.
 *
 * <pre>
 * zones        cluster.local, in-addr.arpa, ip6.arpa; TTL 5; pods insecure
 * namespaces   ns-0 .. ns-(N-1), kube-system (kube-dns 10.96.0.10)
 * per ns i     svc-i    ClusterIP 10.96.1.i, http 80/TCP + dns 53/UDP; endpoints 10.244.1.(2i+1), (2i+2)
 *              dual-i   ClusterIP 10.96.2.i + fd00:10:96::2:i, http 80/TCP
 *              sts-i    headless, mongo 27017/TCP; sts-i-0 10.244.3.(2i+1), sts-i-1 10.244.3.(2i+2), sts-i-2 fd00:10:244::3:i
 *              wide-i   headless, http 80/TCP; 80 endpoints 10.244.(10+i).1 .. 80 (answers larger than 512, 1232, 4096)
 *              bare-i   headless, no ports; 10.244.4.(i+1)
 *              ext-i    ExternalName db-i.example.com
 *              alias-i  ExternalName svc-i.ns-i.svc.cluster.local (in the zone)
 *              gone-i   ClusterIP 10.96.5.i without ready endpoints
 * </pre>
 */
final class GeneratedCluster {
    static final int WIDE = 80;

    private final int namespaces;

    GeneratedCluster(int namespaces) {
        this.namespaces = namespaces;
    }

    static ResolverConfig config() {
        return new ResolverConfig(List.of(Name.fromConstantString("cluster.local."), ResolverConfig.IN_ADDR_ARPA, ResolverConfig.IP6_ARPA),
                5, PodMode.INSECURE, Set.of(), false, false);
    }

    ClusterSnapshot snapshot(long version) {
        return snapshot(version, "10.96.1.0");
    }

    /** The cluster at {@code version} (the SOA serial follows it) with ns-0/svc-0 on {@code svc0Ip}: what a live edit changes. */
    ClusterSnapshot snapshot(long version, String svc0Ip) {
        List<ServiceInfo> services = new ArrayList<>();
        List<EndpointSliceInfo> slices = new ArrayList<>();
        List<NamespaceInfo> nss = new ArrayList<>();
        services.add(clusterIp("kube-system", "kube-dns", List.of("10.96.0.10"), port("dns", Protocol.UDP, 53)));
        nss.add(new NamespaceInfo("kube-system", Map.of()));
        for (int i = 0; i < namespaces; i++) {
            String ns = "ns-" + i;
            nss.add(new NamespaceInfo(ns, Map.of()));
            services.add(clusterIp(ns, "svc-" + i, List.of(i == 0 ? svc0Ip : "10.96.1." + i), port("http", Protocol.TCP, 80), port("dns", Protocol.UDP, 53)));
            slices.add(slice(ns, "svc-" + i, "a", IpFamily.IPV4, List.of(ready("10.244.1." + (2 * i + 1), null), ready("10.244.1." + (2 * i + 2), null)),
                    List.of(new EndpointPort("http", Protocol.TCP, 8080, null), new EndpointPort("dns", Protocol.UDP, 53, null))));
            services.add(clusterIp(ns, "dual-" + i, List.of("10.96.2." + i, "fd00:10:96::2:" + i), port("http", Protocol.TCP, 80)));
            services.add(headless(ns, "sts-" + i, port("mongo", Protocol.TCP, 27017)));
            slices.add(slice(ns, "sts-" + i, "a", IpFamily.IPV4,
                    List.of(ready("10.244.3." + (2 * i + 1), "sts-" + i + "-0"), ready("10.244.3." + (2 * i + 2), "sts-" + i + "-1")),
                    List.of(new EndpointPort("mongo", Protocol.TCP, 27017, null))));
            slices.add(slice(ns, "sts-" + i, "b", IpFamily.IPV6, List.of(ready("fd00:10:244::3:" + i, "sts-" + i + "-2")),
                    List.of(new EndpointPort("mongo", Protocol.TCP, 27017, null))));
            services.add(headless(ns, "wide-" + i, port("http", Protocol.TCP, 80)));
            List<EndpointInfo> wide = new ArrayList<>();
            for (int e = 1; e <= WIDE; e++) {
                wide.add(ready("10.244." + (10 + i) + "." + e, null));
            }
            slices.add(slice(ns, "wide-" + i, "a", IpFamily.IPV4, wide, List.of(new EndpointPort("http", Protocol.TCP, 80, null))));
            services.add(headless(ns, "bare-" + i));
            slices.add(slice(ns, "bare-" + i, "a", IpFamily.IPV4, List.of(ready("10.244.4." + (i + 1), null)), List.of()));
            services.add(externalName(ns, "ext-" + i, "db-" + i + ".example.com"));
            services.add(externalName(ns, "alias-" + i, "svc-" + i + "." + ns + ".svc.cluster.local"));
            services.add(clusterIp(ns, "gone-" + i, List.of("10.96.5." + i), port("http", Protocol.TCP, 80)));
        }
        return new ClusterSnapshot(version, Instant.ofEpochSecond(1_700_000_000L + version), services, slices, List.of(), nss);
    }

    /** Every name the cluster answers for, the names around them, reverse names, names outside the zones, oddities. */
    List<String> names() {
        Set<String> out = new LinkedHashSet<>();
        String zone = "cluster.local.";
        for (String n : List.of("", "svc.", "pod.", "dns-version.", "dns.", "ns.dns.", "x.ns.dns.", "nope.", "no-such-ns.svc.",
                "kube-dns.kube-system.svc.", "kube-system.svc.", "default.pod.", "10-244-1-1.ns-0.pod.", "10-244-1-1.nope.pod.",
                "fd00-10-244--1.ns-0.pod.", "not-an-ip.ns-0.pod.")) {
            out.add(n + zone);
        }
        for (int i = 0; i < namespaces; i++) {
            String ns = "ns-" + i + ".svc." + zone;
            out.add(ns);
            for (String svc : List.of("svc-", "dual-", "sts-", "wide-", "bare-", "ext-", "alias-", "gone-", "missing-")) {
                String name = svc + i + "." + ns;
                out.add(name);
                for (String prefix : List.of("_http._tcp.", "_dns._udp.", "_mongo._tcp.", "_tcp.", "_udp.", "_nope._tcp.", "x.", "a.b.")) {
                    out.add(prefix + name);
                }
            }
            out.add("10-244-1-" + (2 * i + 1) + ".svc-" + i + "." + ns);
            out.add("sts-" + i + "-0.sts-" + i + "." + ns);
            out.add("sts-" + i + "-2.sts-" + i + "." + ns);
            out.add("sts-" + i + "-9.sts-" + i + "." + ns);
            out.add("fd00-10-244--3-" + i + ".sts-" + i + "." + ns);
            out.add("10-244-" + (10 + i) + "-7.wide-" + i + "." + ns);
            for (String ip : List.of("10.96.1." + i, "10.96.2." + i, "fd00:10:96::2:" + i, "10.244.1." + (2 * i + 1), "10.244.3." + (2 * i + 1),
                    "fd00:10:244::3:" + i, "10.244." + (10 + i) + ".5", "10.96.5." + i, "10.96.9." + i)) {
                out.add(ReverseMap.fromAddress(IpAddresses.parse(ip)).toString());
            }
        }
        out.addAll(List.of("in-addr.arpa.", "10.in-addr.arpa.", "96.10.in-addr.arpa.", "1.2.0.192.in-addr.arpa.", "ip6.arpa.",
                "1.ip6.arpa.", "x.10.96.1.0.in-addr.arpa.", "example.com.", ".", "local.", "we\\.b.ns-0.svc.cluster.local.",
                "\\196x.ns-0.svc.cluster.local.", "svc-0.ns-0.svc.cluster.local.example.com."));
        return new ArrayList<>(out);
    }

    static ServicePort port(String name, Protocol protocol, int port) {
        return new ServicePort(name, protocol, port, TargetPort.of(port), 0, null);
    }

    static ServiceInfo clusterIp(String ns, String name, List<String> ips, ServicePort... ports) {
        List<InetAddress> addrs = ips.stream().map(IpAddresses::parse).toList();
        return new ServiceInfo(ServiceKey.of(ns, name), ServiceType.CLUSTER_IP, addrs, false,
                addrs.stream().map(IpFamily::of).toList(), List.of(ports), null, null, null, null, null, null, null, 0,
                false, Map.of("app", name), null);
    }

    static ServiceInfo headless(String ns, String name, ServicePort... ports) {
        return new ServiceInfo(ServiceKey.of(ns, name), ServiceType.CLUSTER_IP, List.of(), true, List.of(IpFamily.IPV4, IpFamily.IPV6),
                List.of(ports), null, null, null, null, null, null, null, 0, false, Map.of("app", name), null);
    }

    static ServiceInfo externalName(String ns, String name, String target) {
        return new ServiceInfo(ServiceKey.of(ns, name), ServiceType.EXTERNAL_NAME, List.of(), false, List.of(), List.of(), target,
                null, null, null, null, null, null, 0, false, null, null);
    }

    private static EndpointInfo ready(String ip, String hostname) {
        return new EndpointInfo(IpAddresses.parse(ip), hostname, "node-1", null, true, true, false, null);
    }

    static EndpointSliceInfo slice(String ns, String service, String suffix, IpFamily family, List<EndpointInfo> endpoints,
                                           List<EndpointPort> ports) {
        return new EndpointSliceInfo(service + "-" + suffix, ServiceKey.of(ns, service), family, endpoints, ports, null);
    }
}
