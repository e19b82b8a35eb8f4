package io.clusterdns.envinjector.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterdns.envinjector.InjectionPolicy;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.testing.PublishingClusterSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark cluster: namespace {@code bench} (opted in by label) with {@code services}
 * ClusterIP services {@code svc-00000...}, each with two named ports (13 kubelet variables each),
 * plus {@code default/kubernetes} and {@code payments/api}; and the pod that is admitted: an app
 * container with three variables of its own and a sidecar without env.
 */
final class BenchCluster {
    static final ObjectMapper JSON = new ObjectMapper();

    private BenchCluster() {
    }

    static ClusterSnapshot snapshot(int services) {
        List<ServiceInfo> list = new ArrayList<>();
        list.add(service("default", "kubernetes", "10.96.0.1"));
        list.add(service("payments", "api", "10.96.0.2"));
        for (int i = 0; i < services; i++) {
            list.add(service("bench", name(i), "10.100." + (i / 250) + "." + (i % 250 + 1)));
        }
        List<NamespaceInfo> namespaces = List.of(
                new NamespaceInfo("bench", Map.of(InjectionPolicy.NAMESPACE_LABEL, InjectionPolicy.NAMESPACE_LABEL_ENABLED)),
                new NamespaceInfo("default", Map.of()), new NamespaceInfo("payments", Map.of()));
        return new ClusterSnapshot(1, Instant.now(), list, List.of(), List.of(), namespaces);
    }

    static String name(int i) {
        return String.format("svc-%05d", i);
    }

    private static ServiceInfo service(String namespace, String name, String ip) {
        List<ServicePort> ports = List.of(new ServicePort("http", Protocol.TCP, 80, null, 0, null),
                new ServicePort("metrics", Protocol.TCP, 9090, null, 0, null));
        return new ServiceInfo(ServiceKey.of(namespace, name), ServiceType.CLUSTER_IP, List.of(IpAddresses.parse(ip)), false,
                List.of(IpFamily.IPV4), ports, null, null, null, null, null, null, null, 0, false, Map.of("app", name), Map.of());
    }

    /** The AdmissionReview of the pod; {@code services} null for the default (kubelet) set. */
    static byte[] review(String services) throws Exception {
        ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata").put("generateName", "app-5f6b8d7c9-");
        if (services != null) {
            meta.putObject("annotations").put(InjectionPolicy.SERVICES_ANNOTATION, services);
        }
        ArrayNode containers = pod.putObject("spec").putArray("containers");
        ArrayNode env = containers.addObject().put("name", "app").put("image", "registry.example/app:1.0").putArray("env");
        env.addObject().put("name", "LOG_LEVEL").put("value", "info");
        env.addObject().put("name", "POOL_SIZE").put("value", "16");
        env.addObject().put("name", "DB_URL").put("value", "postgres://$(PAYMENTS_API_SERVICE_HOST)/app");
        containers.addObject().put("name", "proxy").put("image", "registry.example/proxy:1.0");
        ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode req = review.putObject("request").put("uid", "705ab4f5-6393-11e8-b7cc-42010a800002");
        req.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        req.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        req.put("namespace", "bench").put("operation", "CREATE").put("dryRun", false);
        req.putObject("userInfo").put("username", "system:serviceaccount:kube-system:replicaset-controller");
        req.set("object", pod);
        return JSON.writeValueAsBytes(review);
    }

    /** A source that publishes one snapshot. */
    static ClusterSource source(ClusterSnapshot snapshot) {
        return new PublishingClusterSource(snapshot);
    }
}
