package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.ContainerPort;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A workload of the manifests (apps/v1 Deployment, ReplicaSet, StatefulSet or DaemonSet), validated,
 * reduced to what its controller needs to make its Pods: how many, named how, labelled how, with
 * which container ports and on which nodes. See {@link PodControllers}.
 *
 * @param replicas        {@code spec.replicas} (default 1); unused for a DaemonSet
 * @param ordinalsStart   a StatefulSet's {@code spec.ordinals.start} (default 0)
 * @param templateLabels  {@code spec.template.metadata.labels}, validated
 * @param ports           the template's named container ports (what a named targetPort resolves to)
 * @param hostNetwork     {@code spec.template.spec.hostNetwork}: pods take their node's addresses
 * @param templateHash    a hash of {@code spec.template} in the spelling of {@code pod-template-hash}
 * @param serviceName     a StatefulSet's {@code spec.serviceName}, null when unset or not a DNS label
 * @param unreadyReplicas {@value #UNREADY_REPLICAS_ANNOTATION}: how many of the pods (the last ones) are not Ready
 * @param nodeSelector    {@code spec.template.spec.nodeSelector}: the Nodes its pods may run on
 * @param nodeName        {@code spec.template.spec.nodeName}, null when unset
 */
record Workload(Kind kind, String namespace, String name, int replicas, int ordinalsStart, WorkloadSelector selector,
                Map<String, String> templateLabels, List<ContainerPort> ports, boolean hostNetwork, String templateHash,
                String serviceName, int unreadyReplicas, Map<String, String> nodeSelector, String nodeName, Origin origin) {

    /** The annotation that makes the last N pods of a workload Running but not Ready (a failing readiness probe). */
    static final String UNREADY_REPLICAS_ANNOTATION = "clusterdns.io/unready-replicas";

    /** The kinds read, all of apps/v1. */
    enum Kind {
        DEPLOYMENT("Deployment"), REPLICA_SET("ReplicaSet"), STATEFUL_SET("StatefulSet"), DAEMON_SET("DaemonSet");

        static final String API_VERSION = "apps/v1";
        final String apiName;

        Kind(String apiName) {
            this.apiName = apiName;
        }

        static Kind of(String kind) {
            for (Kind k : values()) {
                if (k.apiName.equals(kind)) {
                    return k;
                }
            }
            return null;
        }
    }

    Workload {
        Objects.requireNonNull(kind, "kind");
        templateLabels = Map.copyOf(templateLabels);
        ports = List.copyOf(ports);
        nodeSelector = Map.copyOf(nodeSelector);
    }

    /** {@code StatefulSet default/mongo}. */
    String describe() {
        return kind.apiName + " " + namespace + "/" + name;
    }
}
