package io.clusterdns.resolver;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.TargetPort;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Terse builders for snapshot records in resolver tests. */
final class Fixtures {
    private Fixtures() {
    }

    static InetAddress ip(String text) {
        return IpAddresses.parse(text);
    }

    static ServicePort port(String name, String protocol, int port) {
        return new ServicePort(name, Protocol.parse(protocol), port, TargetPort.of(port), 0, null);
    }

    static ServiceInfo clusterIp(String ns, String name, List<String> ips, ServicePort... ports) {
        List<InetAddress> addrs = ips.stream().map(Fixtures::ip).toList();
        List<IpFamily> fams = addrs.stream().map(IpFamily::of).toList();
        return new ServiceInfo(ServiceKey.of(ns, name), ServiceType.CLUSTER_IP, addrs, false, fams, List.of(ports),
                null, null, null, null, null, null, null, 0, false, Map.of("app", name), null);
    }

    static ServiceInfo headless(String ns, String name, ServicePort... ports) {
        return new ServiceInfo(ServiceKey.of(ns, name), ServiceType.CLUSTER_IP, List.of(), true, List.of(IpFamily.IPV4),
                List.of(ports), null, null, null, null, null, null, null, 0, false, Map.of("app", name), null);
    }

    static ServiceInfo externalName(String ns, String name, String target) {
        return new ServiceInfo(ServiceKey.of(ns, name), ServiceType.EXTERNAL_NAME, List.of(), false, List.of(), List.of(),
                target, null, null, null, null, null, null, 0, false, null, null);
    }

    static EndpointInfo ready(String ip, String hostname) {
        return new EndpointInfo(ip(ip), hostname, "node-1", null, true, true, false, null);
    }

    static EndpointInfo readyPod(String ip, String pod) {
        return new EndpointInfo(ip(ip), null, "node-1", null, true, true, false, pod);
    }

    static EndpointInfo notReady(String ip, String hostname) {
        return new EndpointInfo(ip(ip), hostname, "node-1", null, false, false, false, null);
    }

    static EndpointPort epPort(String name, String protocol, int port) {
        return new EndpointPort(name, Protocol.parse(protocol), port, null);
    }

    static EndpointSliceInfo slice(String ns, String service, String name, List<EndpointInfo> endpoints, EndpointPort... ports) {
        IpFamily family = endpoints.isEmpty() ? IpFamily.IPV4 : endpoints.get(0).family();
        return new EndpointSliceInfo(name, ServiceKey.of(ns, service), family, endpoints, List.of(ports), null);
    }

    static PodInfo pod(String ns, String name, String ip) {
        return new PodInfo(ns, name, List.of(ip(ip)), null, null, "node-1", Map.of(), "Running", true, false, List.of());
    }

    static NamespaceInfo namespace(String name) {
        return new NamespaceInfo(name, Map.of());
    }

    static ClusterSnapshot snapshot(Instant created, List<ServiceInfo> services, List<EndpointSliceInfo> slices,
                                    List<PodInfo> pods, String... namespaces) {
        List<NamespaceInfo> ns = new ArrayList<>();
        Arrays.stream(namespaces).map(Fixtures::namespace).forEach(ns::add);
        return new ClusterSnapshot(1, created, services, slices, pods, ns);
    }

    /** One record as "owner ttl TYPE rdata" — the form the expectation tables use. */
    static String text(Record r) {
        String rdata;
        if (r instanceof AAAARecord a) {
            rdata = IpAddresses.format(a.getAddress()); // dnsjava prints IPv6 uncompressed
        } else if (r instanceof TXTRecord t) {
            rdata = t.getStrings().stream().map(x -> "\"" + x + "\"").collect(Collectors.joining(" "));
        } else {
            rdata = r.rdataToString();
        }
        return r.getName() + " " + r.getTTL() + " " + Type.string(r.getType()) + " " + rdata;
    }

    static List<String> texts(List<Record> records) {
        return records.stream().map(Fixtures::text).collect(Collectors.toList());
    }
}
