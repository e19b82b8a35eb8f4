package io.clusterdns.agent.bench;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.SessionAffinity;
import io.clusterdns.k8s.model.SnapshotDelta;
import io.clusterdns.k8s.model.TargetPort;
import io.clusterdns.k8s.model.TrafficPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A synthetic cluster like kube-proxy's scale tests: N ClusterIP services (one TCP port each, every
 * 10th also a NodePort) with E ready endpoints each, spread over 50 nodes (this node is node-0,
 * whose Node object is there, as the agent watches its own: endpoints on the other 49 are remote).
 */
final class BenchCluster {
    private BenchCluster() {
    }

    static ClusterSnapshot build(int services, int endpoints) {
        List<ServiceInfo> svcs = new ArrayList<>(services);
        List<EndpointSliceInfo> slices = new ArrayList<>(services);
        for (int i = 0; i < services; i++) {
            svcs.add(service(i));
            slices.add(slice(i, endpoints, 0));
        }
        return new ClusterSnapshot(1, Instant.now(), svcs, slices, List.of(), List.of())
                .apply(new SnapshotDelta().putNode(new NodeInfo("node-0", java.util.Map.of())), Instant.now());
    }

    /** The next version with service {@code i}'s endpoints moved (a rolling update of one pod). */
    static ClusterSnapshot changeOne(ClusterSnapshot s, int i, int endpoints, int generation) {
        return s.apply(new SnapshotDelta().putSlice(slice(i, endpoints, generation)), Instant.now());
    }

    static ServiceInfo service(int i) {
        boolean nodePort = i % 10 == 0;
        ServicePort port = new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), nodePort ? 30000 + (i / 10) % 2767 : 0, null);
        return new ServiceInfo(ServiceKey.of("ns" + (i % 100), "svc" + i), nodePort ? ServiceType.NODE_PORT : ServiceType.CLUSTER_IP,
                List.of(ip(10, 96 + (i >> 16), (i >> 8) & 255, i & 255)), false, List.of(IpFamily.IPV4), List.of(port), null,
                List.of(), List.of(), List.of(), SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER, 0, false,
                java.util.Map.of("app", "svc" + i), java.util.Map.of());
    }

    static EndpointSliceInfo slice(int i, int endpoints, int generation) {
        List<EndpointInfo> eps = new ArrayList<>(endpoints);
        for (int e = 0; e < endpoints; e++) {
            int n = i * endpoints + e + generation * 7919;
            eps.add(new EndpointInfo(ip(10, 128 + ((n >> 16) & 63), (n >> 8) & 255, n & 255), null, "node-" + (n % 50), null,
                    true, true, false, "pod-" + n));
        }
        return new EndpointSliceInfo("svc" + i + "-abcde", ServiceKey.of("ns" + (i % 100), "svc" + i), IpFamily.IPV4, eps,
                List.of(new EndpointPort("http", Protocol.TCP, 8080, null)), null);
    }

    private static InetAddress ip(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
