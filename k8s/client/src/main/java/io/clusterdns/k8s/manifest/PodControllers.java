package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.convert.DnsNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Does what the workload controllers and the scheduler would: decides the Pods of the manifests'
 * workloads, named the way their controllers name them, each placed on a Node. Addresses come
 * after, from {@link PodIpAllocator}.
 *
 * <ul>
 *   <li>Deployment: one ReplicaSet {@code <name>-<pod-template-hash>}, whose pods are
 *       {@code <name>-<hash>-<5 chars>} with label {@code pod-template-hash}; a new template is
 *       a new hash, so new pod names (a rollout);</li>
 *   <li>ReplicaSet: pods {@code <name>-<5 chars>};</li>
 *   <li>StatefulSet: pods {@code <name>-<ordinal>} for ordinals {@code start..start+replicas-1},
 *       with hostname = pod name, subdomain = {@code serviceName}, labels
 *       {@code statefulset.kubernetes.io/pod-name}, {@code apps.kubernetes.io/pod-index},
 *       {@code controller-revision-hash};</li>
 *   <li>DaemonSet: one pod {@code <name>-<5 chars>} per Node whose labels the template's
 *       {@code nodeSelector} matches (taints and affinity are not read).</li>
 * </ul>
 *
 * The 5 characters are hashed from namespace, owner and replica index (node for a DaemonSet), so
 * a pod keeps its name across reloads and restarts, and scaling up adds names without changing
 * the others. Placement is round-robin by replica index over the Nodes (sorted by name) that the
 * template's {@code nodeSelector} matches; Nodes get the labels the kubelet sets
 * ({@code kubernetes.io/hostname}, {@code kubernetes.io/os: linux}) unless written. With no Node
 * in the manifests the cluster has one, {@value #DEFAULT_NODE}. A pod that fits no Node stays
 * Pending, without address. The last {@code clusterdns.io/unready-replicas} pods are Running but
 * not Ready; all others Running and Ready.
 *
 * <p>Explicit Pods of the manifests are always kept as written. As a ReplicaSet controller adopts
 * orphans, an explicit Pod that a workload's selector matches and that has no controlling
 * ownerReference to something else counts as one of its replicas (a StatefulSet: an explicit Pod
 * named like one of its ordinals takes that ordinal; a DaemonSet: an explicit Pod on a node
 * covers that node), and generated names never take an explicit Pod's name.
 */
final class PodControllers {
    static final String DEFAULT_NODE = "node-1";
    static final String POD_TEMPLATE_HASH = "pod-template-hash";
    static final String STATEFULSET_POD_NAME = "statefulset.kubernetes.io/pod-name";
    static final String POD_INDEX = "apps.kubernetes.io/pod-index";
    static final String CONTROLLER_REVISION_HASH = "controller-revision-hash";
    static final String POD_TEMPLATE_GENERATION = "pod-template-generation";

    /** A pod to be: what its controller decided, before it has an address. */
    record PlannedPod(Workload owner, String name, String hostname, String subdomain, Map<String, String> labels,
                      String nodeName, boolean ready) {
        String key() {
            return owner.namespace() + "/" + name;
        }
    }

    private PodControllers() {
    }

    /**
     * @param controllerOf an explicit pod's controlling owner ({@code ReplicaSet/web-7d4b9c8f5}), or null
     */
    static List<PlannedPod> plan(List<Workload> workloads, List<PodInfo> explicit, Function<PodInfo, String> controllerOf,
                                 List<NodeInfo> nodes) {
        List<NodeInfo> sortedNodes = new ArrayList<>(nodes);
        sortedNodes.sort(Comparator.comparing(NodeInfo::name));
        if (sortedNodes.isEmpty()) {
            sortedNodes.add(new NodeInfo(DEFAULT_NODE, Map.of()));
        }
        Set<String> taken = new HashSet<>();
        explicit.forEach(p -> taken.add(p.namespace() + "/" + p.name()));
        Set<String> adopted = new HashSet<>();
        List<Workload> sorted = new ArrayList<>(workloads);
        sorted.sort(Comparator.comparing(Workload::namespace).thenComparing(Workload::name).thenComparing(w -> w.kind().ordinal()));
        List<PlannedPod> out = new ArrayList<>();
        for (Workload w : sorted) {
            List<PodInfo> mine = new ArrayList<>();
            for (PodInfo p : explicit) {
                String key = p.namespace() + "/" + p.name();
                if (p.namespace().equals(w.namespace()) && !p.terminal() && !adopted.contains(key)
                        && w.selector().matches(p.labels()) && ownedByOrOrphan(w, controllerOf.apply(p))) {
                    mine.add(p);
                    adopted.add(key);
                }
            }
            List<NodeInfo> eligible = eligible(w, sortedNodes);
            switch (w.kind()) {
                case DEPLOYMENT -> replicas(w, w.name() + "-" + w.templateHash(), Map.of(POD_TEMPLATE_HASH, w.templateHash()),
                        mine.size(), eligible, taken, out);
                case REPLICA_SET -> replicas(w, w.name(), Map.of(), mine.size(), eligible, taken, out);
                case STATEFUL_SET -> ordinals(w, eligible, taken, out);
                case DAEMON_SET -> daemons(w, mine, eligible, taken, out);
            }
        }
        return out;
    }

    private static void replicas(Workload w, String base, Map<String, String> extraLabels, int adopted, List<NodeInfo> eligible,
                                 Set<String> taken, List<PlannedPod> out) {
        for (int i = 0; i < w.replicas() - adopted; i++) {
            String name = freeName(w, base, base + "/" + i, taken);
            out.add(new PlannedPod(w, name, null, null, labels(w, extraLabels), node(w, eligible, i),
                    adopted + i < w.replicas() - w.unreadyReplicas()));
        }
    }

    private static void ordinals(Workload w, List<NodeInfo> eligible, Set<String> taken, List<PlannedPod> out) {
        String revision = w.name() + "-" + w.templateHash();
        for (int k = 0; k < w.replicas(); k++) {
            int ordinal = w.ordinalsStart() + k;
            String name = w.name() + "-" + ordinal;
            if (!taken.add(w.namespace() + "/" + name)) {
                continue; // an explicit pod of that name holds the ordinal
            }
            Map<String, String> extra = Map.of(STATEFULSET_POD_NAME, name, POD_INDEX, Integer.toString(ordinal),
                    CONTROLLER_REVISION_HASH, revision);
            String hostname = DnsNames.isDns1123Label(name) ? name : null;
            out.add(new PlannedPod(w, name, hostname, hostname == null ? null : w.serviceName(), labels(w, extra),
                    node(w, eligible, ordinal), k < w.replicas() - w.unreadyReplicas()));
        }
    }

    private static void daemons(Workload w, List<PodInfo> adopted, List<NodeInfo> eligible, Set<String> taken, List<PlannedPod> out) {
        Set<String> covered = new HashSet<>();
        adopted.forEach(p -> covered.add(p.nodeName()));
        Map<String, String> extra = Map.of(CONTROLLER_REVISION_HASH, w.templateHash(), POD_TEMPLATE_GENERATION, "1");
        for (int i = 0; i < eligible.size(); i++) {
            String node = eligible.get(i).name();
            if (covered.contains(node)) {
                continue;
            }
            String name = freeName(w, w.name(), w.name() + "/" + node, taken);
            out.add(new PlannedPod(w, name, null, null, labels(w, extra), node, i < eligible.size() - w.unreadyReplicas()));
        }
    }

    /** {@code base-xxxxx}, hashed from the pod's identity, re-hashed while the name is taken. */
    private static String freeName(Workload w, String base, String seed, Set<String> taken) {
        String name = base + "-" + StableHash.suffix(w.namespace() + "/" + seed);
        for (int retry = 1; !taken.add(w.namespace() + "/" + name); retry++) {
            name = base + "-" + StableHash.suffix(w.namespace() + "/" + seed + "#" + retry);
        }
        return name;
    }

    private static Map<String, String> labels(Workload w, Map<String, String> extra) {
        Map<String, String> labels = new HashMap<>(w.templateLabels());
        labels.putAll(extra);
        return labels;
    }

    /** The template's nodeName, else round-robin over the eligible Nodes; null (Pending) when none fits. */
    private static String node(Workload w, List<NodeInfo> eligible, int index) {
        if (w.nodeName() != null) {
            return w.nodeName();
        }
        return eligible.isEmpty() ? null : eligible.get(Math.floorMod(index, eligible.size())).name();
    }

    private static List<NodeInfo> eligible(Workload w, List<NodeInfo> nodes) {
        if (w.nodeName() != null && w.kind() == Workload.Kind.DAEMON_SET) {
            return nodes.stream().filter(n -> n.name().equals(w.nodeName())).toList();
        }
        return nodes.stream().filter(n -> matches(w.nodeSelector(), kubeletLabels(n))).toList();
    }

    /** The labels the kubelet puts on its Node when it registers, under those written. */
    static Map<String, String> kubeletLabels(NodeInfo node) {
        Map<String, String> labels = new HashMap<>();
        labels.put("kubernetes.io/hostname", node.name());
        labels.put("kubernetes.io/os", "linux");
        labels.putAll(node.labels());
        return labels;
    }

    private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private static boolean ownedByOrOrphan(Workload w, String controller) {
        if (controller == null) {
            return true;
        }
        return switch (w.kind()) {
            case DEPLOYMENT -> controller.startsWith("ReplicaSet/" + w.name() + "-");
            case REPLICA_SET -> controller.equals("ReplicaSet/" + w.name());
            case STATEFUL_SET -> controller.equals("StatefulSet/" + w.name());
            case DAEMON_SET -> controller.equals("DaemonSet/" + w.name());
        };
    }
}
