package io.clusterdns.server.bench;

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
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A large synthetic cluster for benchmarks: {@code services} ClusterIP services spread over 100
 * namespaces ({@code svc-N.ns-(N % 100)}), each with one named port and 3 ready endpoints, plus
 * one headless service with 3 endpoints per 10 services.
 */
final class BenchCluster {
    static final int NAMESPACES = 100;

    private BenchCluster() {
    }

    static String serviceName(int i) {
        return "svc-" + i + ".ns-" + (i % NAMESPACES) + ".svc.cluster.local.";
    }

    /** The name of the ExternalName service {@code i} (ending in 5) of {@link #snapshot(int, boolean)}. */
    static String externalName(int i) {
        return "ext-" + i + ".ns-" + (i % NAMESPACES) + ".svc.cluster.local.";
    }

    static String headlessName(int i) {
        return "db-" + i + ".ns-" + (i % NAMESPACES) + ".svc.cluster.local.";
    }

    /** A query as a stub resolver sends it: RD set, one question, with EDNS (1232 bytes) or without. */
    static byte[] query(int id, String name, int type, boolean edns) {
        Message m = new Message(id);
        m.getHeader().setFlag(Flags.RD);
        m.addRecord(Record.newRecord(Name.fromConstantString(name), type, DClass.IN), Section.QUESTION);
        if (edns) {
            m.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        }
        return m.toWire();
    }

    static ClusterSnapshot snapshot(int services) {
        return snapshot(services, false);
    }

    /** The cluster of {@link #snapshot(int)}, plus for every tenth i an ExternalName {@code ext-i} to {@code ext-i.example.com}. */
    static ClusterSnapshot snapshot(int services, boolean externalNames) {
        List<ServiceInfo> svcs = new ArrayList<>(services + services / 5);
        List<EndpointSliceInfo> slices = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            String ns = "ns-" + (i % NAMESPACES);
            InetAddress vip = ip(10, 96 + (i >> 16), (i >> 8) & 0xFF, i & 0xFF);
            ServicePort port = new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 0, null);
            svcs.add(new ServiceInfo(ServiceKey.of(ns, "svc-" + i), ServiceType.CLUSTER_IP, List.of(vip), false,
                    List.of(IpFamily.IPV4), List.of(port), null, null, null, null, null, null, null, 0, false,
                    Map.of("app", "svc-" + i), null));
            slices.add(slice(ns, "svc-" + i, i));
            if (i % 10 == 0) {
                svcs.add(new ServiceInfo(ServiceKey.of(ns, "db-" + i), ServiceType.CLUSTER_IP, List.of(), true,
                        List.of(IpFamily.IPV4), List.of(port), null, null, null, null, null, null, null, 0, false,
                        Map.of("app", "db-" + i), null));
                slices.add(slice(ns, "db-" + i, i + 1_000_000));
            }
            if (externalNames && i % 10 == 5) {
                svcs.add(new ServiceInfo(ServiceKey.of(ns, "ext-" + i), ServiceType.EXTERNAL_NAME, List.of(), false, List.of(),
                        List.of(), "ext-" + i + ".example.com", null, null, null, null, null, null, 0, false, null, null));
            }
        }
        List<NamespaceInfo> namespaces = new ArrayList<>();
        for (int n = 0; n < NAMESPACES; n++) {
            namespaces.add(new NamespaceInfo("ns-" + n, Map.of()));
        }
        return new ClusterSnapshot(1, Instant.ofEpochSecond(1_700_000_000L), svcs, slices, List.of(), namespaces);
    }

    private static EndpointSliceInfo slice(String ns, String name, int seed) {
        List<EndpointInfo> eps = new ArrayList<>(3);
        for (int e = 0; e < 3; e++) {
            int n = seed * 3 + e;
            eps.add(new EndpointInfo(ip(10, 128 + ((n >> 16) & 0x3F), (n >> 8) & 0xFF, n & 0xFF), null, "node-" + e, null,
                    true, true, false, null));
        }
        return new EndpointSliceInfo(name + "-abc", ServiceKey.of(ns, name), IpFamily.IPV4, eps,
                List.of(new EndpointPort("http", Protocol.TCP, 8080, null)), null);
    }

    private static InetAddress ip(int a, int b, int c, int d) {
        return IpAddresses.parse(a + "." + b + "." + c + "." + d);
    }
}
