package io.clusterdns.server.plugin.autopath;

import io.clusterdns.k8s.model.ClusterSnapshot;
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
import java.util.List;
import java.util.Map;

/**
 * The cluster of the autopath unit tests: who has which address.
 *
 * <pre>
 * namespaces  default, shop, old, kube-system
 * default/web  ClusterIP 10.96.45.100
 * 10.244.1.5   default/client         Running
 * 10.244.2.7   shop/cart              Running
 * 10.244.3.3   shop/batch-old         Running, created 10:00 (a stale object: its address was given again)
 *              default/client-new     Running, created 11:00
 * 10.244.4.4   default/job            Succeeded
 * 10.244.5.5   old/dying              Running, created 10:00
 *              default/starting       Pending, created 11:00
 * 192.168.1.10 kube-system/node-exporter  host network (the node's address)
 *              default/metrics-agent      host network
 * </pre>
 */
final class Pods {
    static final Instant TEN = Instant.parse("2025-01-15T10:00:00Z");
    static final Instant ELEVEN = Instant.parse("2025-01-15T11:00:00Z");

    private Pods() {
    }

    static PodInfo pod(String ns, String name, String ip, String phase, boolean hostNetwork, Instant created) {
        return new PodInfo(ns, name, List.of(IpAddresses.parse(ip)), null, null, "node-1", Map.of(), phase, "Running".equals(phase),
                false, List.of(), hostNetwork, created);
    }

    /** Manifests of {@code namespaces} and, for each {@code NAMESPACE/NAME=IP} of {@code pods}, a Running pod created at 10:00. */
    static String manifests(List<String> namespaces, String... pods) {
        StringBuilder out = new StringBuilder();
        for (String ns : namespaces) {
            out.append("apiVersion: v1\nkind: Namespace\nmetadata: {name: ").append(ns).append("}\n---\n");
        }
        for (String pod : pods) {
            String[] p = pod.split("[/=]");
            out.append("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: %2$s, namespace: %1$s, creationTimestamp: "2025-01-15T10:00:00Z"}
                    spec: {nodeName: node-1, containers: [{name: c, image: busybox}]}
                    status: {phase: Running, podIP: %3$s, podIPs: [{ip: %3$s}]}
                    ---
                    """.formatted(p[0], p[1], p[2]));
        }
        return out.toString();
    }

    static ClusterSnapshot snapshot() {
        List<PodInfo> pods = List.of(
                pod("default", "client", "10.244.1.5", "Running", false, TEN),
                pod("shop", "cart", "10.244.2.7", "Running", false, TEN),
                pod("shop", "batch-old", "10.244.3.3", "Running", false, TEN),
                pod("default", "client-new", "10.244.3.3", "Running", false, ELEVEN),
                pod("default", "job", "10.244.4.4", "Succeeded", false, TEN),
                pod("old", "dying", "10.244.5.5", "Running", false, TEN),
                pod("default", "starting", "10.244.5.5", "Pending", false, ELEVEN),
                pod("kube-system", "node-exporter", "192.168.1.10", "Running", true, TEN),
                pod("default", "metrics-agent", "192.168.1.10", "Running", true, ELEVEN));
        List<InetAddress> web = List.of(IpAddresses.parse("10.96.45.100"));
        ServiceInfo svc = new ServiceInfo(ServiceKey.of("default", "web"), ServiceType.CLUSTER_IP, web, false, List.of(IpFamily.IPV4),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(80), 0, null)), null, null, null, null, null, null,
                null, 0, false, Map.of("app", "web"), null);
        return new ClusterSnapshot(1, TEN, List.of(svc), List.of(), pods, List.of(new NamespaceInfo("default", Map.of()),
                new NamespaceInfo("shop", Map.of()), new NamespaceInfo("old", Map.of()), new NamespaceInfo("kube-system", Map.of())));
    }
}
