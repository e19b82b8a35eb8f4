package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.ContainerPort;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.Protocol;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Converts a {@link Pod} into a {@link PodInfo}: IPs ({@code status.podIPs}, else
 * {@code status.podIP}), hostname/subdomain (headless DNS), node, labels, phase, the Ready
 * condition, terminating (a deletionTimestamp exists), and the named container ports a named
 * targetPort can resolve to (regular containers and sidecars, i.e. init containers with
 * {@code restartPolicy: Always}).
 */
public final class PodConverter {
    private static final Set<String> PHASES = Set.of("Pending", "Running", "Succeeded", "Failed", "Unknown");

    private PodConverter() {
    }

    /** Converts and validates; throws {@link ConversionException} naming the bad field. */
    public static PodInfo convert(Pod pod) {
        ObjectMeta meta = ObjectMetas.meta(pod.getMetadata());
        String namespace = ObjectMetas.namespace(meta);
        String name = ObjectMetas.name(meta, ObjectMetas.NameRule.DNS1123_SUBDOMAIN);
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        String phase = status.getPhase();
        if (!Fields.isBlank(phase) && !PHASES.contains(phase)) {
            throw new ConversionException("status.phase", "unknown phase \"" + phase + "\" (expected Pending, Running, Succeeded, Failed or Unknown)");
        }
        return new PodInfo(namespace, name, ips(status),
                Fields.optionalLabel("spec.hostname", spec.getHostname()),
                Fields.optionalLabel("spec.subdomain", spec.getSubdomain()),
                EndpointSliceConverter.blankToNull(spec.getNodeName()),
                ObjectMetas.labels(meta), Fields.isBlank(phase) ? null : phase, ready(status),
                !Fields.isBlank(meta.getDeletionTimestamp()), namedPorts(spec));
    }

    private static List<InetAddress> ips(PodStatus status) {
        List<PodIP> podIps = Fields.list(status.getPodIPs());
        String single = status.getPodIP();
        if (podIps.isEmpty()) {
            return Fields.isBlank(single) ? List.of() : List.of(Fields.ip("status.podIP", single));
        }
        if (podIps.size() > 2) {
            throw new ConversionException("status.podIPs", "at most 2 entries (one per IP family), got " + podIps.size());
        }
        List<InetAddress> out = new ArrayList<>(2);
        for (int i = 0; i < podIps.size(); i++) {
            String path = FieldPaths.index("status.podIPs", i) + ".ip";
            InetAddress ip = Fields.ip(path, podIps.get(i).getIp());
            if (i == 1 && IpFamily.of(ip) == IpFamily.of(out.get(0))) {
                throw new ConversionException(path, "must be of the other IP family than status.podIPs[0]");
            }
            out.add(ip);
        }
        if (!Fields.isBlank(single) && !out.get(0).equals(Fields.ip("status.podIP", single))) {
            throw new ConversionException("status.podIPs[0].ip", "must match status.podIP (\"" + single + "\")");
        }
        return out;
    }

    private static boolean ready(PodStatus status) {
        for (PodCondition c : Fields.list(status.getConditions())) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    private static List<ContainerPort> namedPorts(PodSpec spec) {
        List<ContainerPort> out = new ArrayList<>();
        List<Container> containers = Fields.list(spec.getContainers());
        for (int i = 0; i < containers.size(); i++) {
            addNamed(FieldPaths.index("spec.containers", i), containers.get(i), out);
        }
        List<Container> init = Fields.list(spec.getInitContainers());
        for (int i = 0; i < init.size(); i++) {
            if ("Always".equals(init.get(i).getRestartPolicy())) {
                addNamed(FieldPaths.index("spec.initContainers", i), init.get(i), out);
            }
        }
        return out;
    }

    /** Only named ports are kept: a numeric targetPort never looks at container ports. */
    private static void addNamed(String containerPath, Container c, List<ContainerPort> out) {
        var ports = Fields.list(c.getPorts());
        for (int j = 0; j < ports.size(); j++) {
            String path = FieldPaths.index(containerPath + ".ports", j);
            var p = ports.get(j);
            int number = Fields.port(path + ".containerPort", p.getContainerPort());
            Protocol protocol = Fields.parse(path + ".protocol", p.getProtocol(), Protocol::parse);
            String name = p.getName();
            if (Fields.isBlank(name)) {
                continue;
            }
            if (!DnsNames.isIanaServiceName(name)) {
                throw new ConversionException(path + ".name", Fields.quote(name)
                        + " must be an IANA service name (at most 15 lower-case letters, digits and '-', with at least one letter)");
            }
            out.add(new ContainerPort(name, number, protocol));
        }
    }
}
