package io.clusterdns.k8s.informer;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.Arrays;
import java.util.Map;

/** fabric8 objects as the API server would store them, built with the conventions of the informer tests. */
final class Fixtures {
    private Fixtures() {
    }

    static Service service(String namespace, String name, String clusterIp, int port) {
        return service(namespace, name, clusterIp, port, Map.of());
    }

    static Service service(String namespace, String name, String clusterIp, int port, Map<String, String> labels) {
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withClusterIPs(clusterIp)
                .addNewPort().withName("http").withProtocol("TCP").withPort(port).endPort()
                .endSpec()
                .build();
    }

    static Service externalName(String namespace, String name, String target) {
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName(target).endSpec()
                .build();
    }

    static EndpointSlice slice(String namespace, String name, String service, Endpoint... endpoints) {
        return slice(namespace, name, service, Map.of(), endpoints);
    }

    static EndpointSlice slice(String namespace, String name, String service, Map<String, String> labels, Endpoint... endpoints) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name)
                .withLabels(labels).addToLabels("kubernetes.io/service-name", service).endMetadata()
                .withAddressType("IPv4")
                .withEndpoints(Arrays.asList(endpoints))
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort()
                .build();
    }

    static Endpoint endpoint(String ip, boolean ready) {
        return new EndpointBuilder().withAddresses(ip)
                .withNewConditions().withReady(ready).withServing(ready).withTerminating(false).endConditions()
                .build();
    }

    static Namespace namespace(String name, Map<String, String> labels) {
        return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                .addToLabels("kubernetes.io/metadata.name", name).endMetadata().build();
    }

    static Pod pod(String namespace, String name, String ip) {
        return new PodBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withNodeName("node-1").addNewContainer().withName("app").withImage("app:1").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip).addNewPodIP().withIp(ip).endPodIP()
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build();
    }
}
