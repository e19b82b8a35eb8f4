package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
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

/**
 * Size and speed of the snapshot file for N services (argument, default 50,000) in 100 namespaces,
 * each with one slice of 3 endpoints and unique names: the figures of the dns-server README. A
 * benchmark, not a test: run it by hand (the README has the command).
 */
public final class SnapshotSizeBenchmark {
    private SnapshotSizeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        List<ServiceInfo> services = new ArrayList<>();
        List<EndpointSliceInfo> slices = new ArrayList<>();
        List<NamespaceInfo> namespaces = new ArrayList<>();
        for (int ns = 0; ns < 100; ns++) {
            namespaces.add(new NamespaceInfo("team-" + ns, Map.of("kubernetes.io/metadata.name", "team-" + ns)));
        }
        for (int i = 0; i < n; i++) {
            ServiceKey key = ServiceKey.of("team-" + (i % 100), "svc-" + i);
            InetAddress ip = InetAddress.getByAddress(new byte[] {10, 96, (byte) (i >> 8), (byte) i});
            services.add(new ServiceInfo(key, ServiceType.CLUSTER_IP, List.of(ip), false, List.of(IpFamily.IPV4),
                    List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 0, null)), null, null, null, null, null, null,
                    null, 0, false, Map.of("app", "svc-" + i), Map.of("app", "svc-" + i, "team", "team-" + (i % 100))));
            List<EndpointInfo> endpoints = new ArrayList<>();
            for (int e = 0; e < 3; e++) {
                endpoints.add(new EndpointInfo(InetAddress.getByAddress(new byte[] {10, (byte) (100 + e), (byte) (i >> 8), (byte) i}), null,
                        "node-" + ((i + e) % 500), "zone-" + e, true, true, false, "svc-" + i + "-pod-" + e));
            }
            slices.add(new EndpointSliceInfo("svc-" + i + "-abcde", key, IpFamily.IPV4, endpoints,
                    List.of(new EndpointPort("http", Protocol.TCP, 8080, null)), null));
        }
        ClusterSnapshot snapshot = new ClusterSnapshot(7, Instant.now(), services, slices, List.of(), namespaces);
        for (int warm = 0; warm < 5; warm++) {
            SnapshotCodec.decode(SnapshotCodec.encode(snapshot, Instant.now()));
        }
        byte[] file = null;
        long t0 = System.nanoTime();
        for (int r = 0; r < 5; r++) {
            file = SnapshotCodec.encode(snapshot, Instant.now());
        }
        long encode = (System.nanoTime() - t0) / 5;
        t0 = System.nanoTime();
        for (int r = 0; r < 5; r++) {
            SnapshotCodec.decode(file);
        }
        long decode = (System.nanoTime() - t0) / 5;
        t0 = System.nanoTime();
        for (int r = 0; r < 5; r++) {
            new ClusterSnapshot(7, Instant.now(), services, slices, List.of(), namespaces);
        }
        long build = (System.nanoTime() - t0) / 5;
        System.out.printf("%d services, 3 endpoints each: %d bytes (%.1f bytes per service); encode %d ms, decode %d ms,"
                        + " of which building the snapshot from its records %d ms (means of 5 after 5 warm-up rounds)%n",
                n, file.length, file.length / (double) n, encode / 1_000_000, decode / 1_000_000, build / 1_000_000);
    }
}
