package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Kustomize;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.CorefilePlan;
import io.clusterdns.server.plugin.health.HealthConfig;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.ready.ReadyConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The coredns overlay, rendered by kustomize, is kubeadm's CoreDNS where it matters to the
 * cluster: the names, namespaces, labels and selectors every kubeadm cluster and tool relies on
 * (kube-dns Service at 10.96.0.10 with its ports by name, protocol and number; Deployment, ConfigMap
 * and ServiceAccount {@code coredns}; {@code system:coredns} role and binding), the container's
 * ports, args, mount and probes, and kubeadm's Corefile, which our Corefile parser reads into the
 * ports the probes and Service name. The fixture holds kubeadm's objects (resources/kubeadm).
 * Only the image, resources, JVM environment, the snapshot and tmp volumes, the pod's non-root
 * settings and the narrower RBAC rules may differ, and these are asserted too.
 */
class KubeadmCorednsObjectsTest {
    static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();
    static List<HasMetadata> ours;
    static List<HasMetadata> kubeadm;

    @BeforeAll
    static void load() throws IOException {
        ours = objects(Kustomize.render(Kustomize.overlay("coredns")));
        try (InputStream in = KubeadmCorednsObjectsTest.class.getResourceAsStream("/kubeadm/coredns-objects.yaml")) {
            kubeadm = objects(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static List<HasMetadata> objects(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
                out.add(FABRIC8.unmarshal(doc, HasMetadata.class));
            }
        }
        return out;
    }

    static <T extends HasMetadata> T one(List<HasMetadata> in, Class<T> type, String name) {
        List<T> found = in.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).toList();
        assertThat(found).as(type.getSimpleName() + " " + name).hasSize(1);
        return found.get(0);
    }

    static void sameMetadata(HasMetadata a, HasMetadata b) {
        assertThat(a.getMetadata().getNamespace()).as(a.getKind() + " namespace").isEqualTo(b.getMetadata().getNamespace());
        assertThat(a.getMetadata().getLabels()).as(a.getKind() + " labels").isEqualTo(b.getMetadata().getLabels());
        assertThat(a.getMetadata().getAnnotations()).as(a.getKind() + " annotations").isEqualTo(b.getMetadata().getAnnotations());
    }

    @Test
    void theKubeDnsServiceIsKubeadms() {
        Service s = one(ours, Service.class, "kube-dns");
        Service k = one(kubeadm, Service.class, "kube-dns");
        sameMetadata(s, k);
        assertThat(s.getMetadata().getLabels()).containsEntry("k8s-app", "kube-dns");
        assertThat(s.getSpec().getClusterIP()).isEqualTo("10.96.0.10").isEqualTo(k.getSpec().getClusterIP());
        assertThat(s.getSpec().getSelector()).isEqualTo(k.getSpec().getSelector());
        assertThat(portsOf(s)).containsExactlyElementsOf(portsOf(k)).contains("dns UDP 53->53", "dns-tcp TCP 53->53", "metrics TCP 9153->9153");
    }

    static List<String> portsOf(Service s) {
        return s.getSpec().getPorts().stream()
                .map((ServicePort p) -> p.getName() + " " + p.getProtocol() + " " + p.getPort() + "->" + p.getTargetPort().getIntVal())
                .toList();
    }

    @Test
    void theDeploymentIsKubeadmsButForImageResourcesAndSnapshot() {
        Deployment d = one(ours, Deployment.class, "coredns");
        Deployment k = one(kubeadm, Deployment.class, "coredns");
        sameMetadata(d, k);
        assertThat(d.getSpec().getSelector()).isEqualTo(k.getSpec().getSelector());
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).isEqualTo(k.getSpec().getTemplate().getMetadata().getLabels());
        assertThat(d.getSpec().getReplicas()).isEqualTo(k.getSpec().getReplicas()).isEqualTo(2);
        assertThat(d.getSpec().getStrategy()).isEqualTo(k.getSpec().getStrategy());
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        PodSpec kpod = k.getSpec().getTemplate().getSpec();
        assertThat(pod.getPriorityClassName()).isEqualTo(kpod.getPriorityClassName()).isEqualTo("system-cluster-critical");
        assertThat(pod.getServiceAccountName()).isEqualTo(kpod.getServiceAccountName());
        assertThat(pod.getAffinity()).isEqualTo(kpod.getAffinity());
        assertThat(pod.getTolerations()).isEqualTo(kpod.getTolerations());
        assertThat(pod.getNodeSelector()).isEqualTo(kpod.getNodeSelector());
        assertThat(pod.getDnsPolicy()).isEqualTo(kpod.getDnsPolicy());
        assertThat(pod.getVolumes()).contains(kpod.getVolumes().toArray(new io.fabric8.kubernetes.api.model.Volume[0]));
        assertThat(pod.getVolumes().stream().map(v -> v.getName()).toList()).containsExactly("config-volume", "snapshot", "tmp");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();

        assertThat(pod.getContainers()).hasSize(1);
        Container c = pod.getContainers().get(0);
        Container kc = kpod.getContainers().get(0);
        assertThat(c.getName()).isEqualTo(kc.getName());
        assertThat(c.getArgs()).isEqualTo(kc.getArgs());
        assertThat(c.getImagePullPolicy()).isEqualTo(kc.getImagePullPolicy());
        assertThat(portsOf(c)).containsExactlyElementsOf(portsOf(kc));
        assertThat(c.getLivenessProbe()).isEqualTo(kc.getLivenessProbe());
        assertThat(c.getReadinessProbe()).isEqualTo(kc.getReadinessProbe());
        assertThat(c.getSecurityContext()).isEqualTo(kc.getSecurityContext());
        assertThat(c.getVolumeMounts().get(0)).isEqualTo(kc.getVolumeMounts().get(0));
        assertThat(c.getResources().getLimits()).isEqualTo(kc.getResources().getLimits());
        assertThat(c.getImage()).startsWith("ghcr.io/clusterdns/dns-server:");
    }

    static List<String> portsOf(Container c) {
        return c.getPorts().stream().map((ContainerPort p) -> p.getName() + " " + p.getProtocol() + " " + p.getContainerPort()).toList();
    }

    @Test
    void theConfigMapHoldsKubeadmsCorefileWhichOurParserReadsIntoTheProbedPorts() {
        ConfigMap cm = one(ours, ConfigMap.class, "coredns");
        sameMetadata(cm, one(kubeadm, ConfigMap.class, "coredns"));
        String corefile = cm.getData().get("Corefile");
        assertThat(corefile).isEqualTo(one(kubeadm, ConfigMap.class, "coredns").getData().get("Corefile"));

        List<BlockPlan> blocks = CorefilePlan.blocks(CorefileParser.parse(corefile, Path.of("/etc/coredns/Corefile"), Map.of()), 53);
        assertThat(blocks).singleElement().satisfies(b -> assertThat(b.keys()).allSatisfy(key -> assertThat(key.port()).isEqualTo(53)));
        BlockPlan block = blocks.get(0);
        Container c = one(ours, Deployment.class, "coredns").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(containerPort(c, c.getLivenessProbe())).isEqualTo(block.plugin(HealthConfig.class).orElseThrow().address().port());
        assertThat(containerPort(c, c.getReadinessProbe())).isEqualTo(block.plugin(ReadyConfig.class).orElseThrow().address().port());
        assertThat(block.plugin(KubernetesConfig.class)).isPresent();
    }

    static int containerPort(Container c, Probe probe) {
        if (probe.getHttpGet().getPort().getIntVal() != null) {
            return probe.getHttpGet().getPort().getIntVal();
        }
        String name = probe.getHttpGet().getPort().getStrVal();
        return c.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + name)).getContainerPort();
    }

    @Test
    void serviceAccountAndRoleKeepKubeadmsNamesAndGrantNoMore() {
        sameMetadata(one(ours, ServiceAccount.class, "coredns"), one(kubeadm, ServiceAccount.class, "coredns"));
        ClusterRoleBinding b = one(ours, ClusterRoleBinding.class, "system:coredns");
        ClusterRoleBinding kb = one(kubeadm, ClusterRoleBinding.class, "system:coredns");
        assertThat(b.getRoleRef()).isEqualTo(kb.getRoleRef());
        assertThat(b.getSubjects()).isEqualTo(kb.getSubjects());
        Set<String> granted = grants(one(ours, ClusterRole.class, "system:coredns"));
        assertThat(grants(one(kubeadm, ClusterRole.class, "system:coredns"))).containsAll(granted);
        assertThat(granted).containsExactlyInAnyOrder("/services list", "/services watch", "/namespaces list", "/namespaces watch",
                "discovery.k8s.io/endpointslices list", "discovery.k8s.io/endpointslices watch");
    }

    @Test
    void podsVerifiedAddsThePodsGrantThatLineAndMemory() {
        List<HasMetadata> verified = objects(Kustomize.render(Kustomize.overlay("coredns-pods-verified")));
        Set<String> granted = grants(one(verified, ClusterRole.class, "system:coredns"));
        Set<String> added = new HashSet<>(granted);
        added.removeAll(grants(one(ours, ClusterRole.class, "system:coredns")));
        assertThat(added).containsExactlyInAnyOrder("/pods list", "/pods watch");
        assertThat(one(verified, ConfigMap.class, "coredns").getData().get("Corefile"))
                .isEqualTo(one(ours, ConfigMap.class, "coredns").getData().get("Corefile").replace("pods insecure", "pods verified"));
        // the Pods' share of the first sync: 5,000 services and 25,000 Pods peaked at 195 MiB (dns-server/README.md)
        Deployment withPods = one(verified, Deployment.class, "coredns");
        ResourceRequirements resources = withPods.getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
        assertThat(resources.getRequests().get("memory")).isEqualTo(new Quantity("200Mi"));
        assertThat(resources.getLimits().get("memory")).isEqualTo(new Quantity("256Mi"));
        Deployment plain = one(ours, Deployment.class, "coredns");
        ResourceRequirements plainResources = plain.getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
        assertThat(plainResources.getRequests().get("cpu")).isEqualTo(resources.getRequests().get("cpu"));
        withPods.getSpec().getTemplate().getSpec().getContainers().get(0).setResources(plainResources);
        assertThat(withPods).as("nothing else differs").isEqualTo(plain);
    }

    /** "group/resource verb" for every combination a role grants. */
    static Set<String> grants(ClusterRole role) {
        Set<String> out = new HashSet<>();
        for (PolicyRule r : role.getRules()) {
            for (String g : r.getApiGroups()) {
                for (String res : r.getResources()) {
                    out.addAll(r.getVerbs().stream().map(v -> g + "/" + res + " " + v).collect(Collectors.toSet()));
                }
            }
        }
        return out;
    }
}
