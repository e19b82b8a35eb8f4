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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a {@link Pod} into a {@link PodInfo}: IPs ({@code status.podIPs}, else
 * {@code status.podIP}), hostname/subdomain (headless DNS), node, labels, phase, the Ready
 * condition, terminating (a deletionTimestamp exists), and the named container ports a named
 * targetPort can resolve to (regular containers and sidecars, i.e. init containers with
 * {@code restartPolicy: Always}), {@code spec.hostNetwork} and {@code metadata.creationTimestamp}
 * (who a client address belongs to).
 *
 * <p>Only the fields read here are validated, as the API server validates them; the rest of the
 * pod (images, volumes, resources) is not looked at. The API server does not check
 * {@code status.phase}, so any phase is kept; only Succeeded and Failed mean "terminal".
 */
public final class PodConverter {
    private PodConverter() {
    }

    /** Converts and validates; throws {@link ConversionException} naming the bad field. */
    public static PodInfo convert(Pod pod) {
        return convert(pod, true);
    }

    /**
     * As {@link #convert(Pod)}, validating the same, but {@link PodInfo#slim}: without labels and
     * container ports, which only manifest mode's endpoint derivation reads (live mode's
     * EndpointSlices come from the API), so live mode holds no copy of them per pod.
     */
    public static PodInfo convertSlim(Pod pod) {
        return convert(pod, false);
    }

    private static PodInfo convert(Pod pod, boolean selectorInputs) {
        ObjectMeta meta = ObjectMetas.meta(pod.getMetadata());
        String namespace = ObjectMetas.namespace(meta);
        String name = ObjectMetas.name(meta, ObjectMetas.NameRule.DNS1123_SUBDOMAIN);
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        String phase = status.getPhase();
        // validated in the order of the fields, as ever, kept or not
        List<InetAddress> ips = ips(status);
        String hostname = Fields.optionalLabel("spec.hostname", spec.getHostname());
        String subdomain = Fields.optionalLabel("spec.subdomain", spec.getSubdomain());
        String nodeName = Fields.nodeName("spec.nodeName", spec.getNodeName());
        Map<String, String> labels = ObjectMetas.labels(meta);
        List<ContainerPort> ports = namedPorts(spec);
        return new PodInfo(namespace, name, ips, hostname, subdomain, nodeName, selectorInputs ? labels : null,
                Fields.isBlank(phase) ? null : phase, ready(status), !Fields.isBlank(meta.getDeletionTimestamp()),
                selectorInputs ? ports : null, Boolean.TRUE.equals(spec.getHostNetwork()),
                Fields.time("metadata.creationTimestamp", meta.getCreationTimestamp()));
    }

    /**
     * status.podIPs, else status.podIP. When both are written and podIP differs from podIPs[0],
     * podIP wins and podIPs is replaced by it, as the API's v1 conversion does for old kubelets.
     */
    private static List<InetAddress> ips(PodStatus status) {
        List<PodIP> podIps = Fields.list(status.getPodIPs());
        String single = status.getPodIP();
        if (!Fields.isBlank(single) && (podIps.isEmpty() || !single.equals(podIps.get(0).getIp()))) {
            return List.of(Fields.ip("status.podIP", single));
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

    /** Ports of every container are validated; named ones of regular containers and sidecars are kept. */
    private static List<ContainerPort> namedPorts(PodSpec spec) {
        List<ContainerPort> out = new ArrayList<>();
        List<Container> containers = Fields.list(spec.getContainers());
        for (int i = 0; i < containers.size(); i++) {
            addNamed(FieldPaths.index("spec.containers", i), containers.get(i), out);
        }
        List<Container> init = Fields.list(spec.getInitContainers());
        for (int i = 0; i < init.size(); i++) {
            List<ContainerPort> ports = new ArrayList<>();
            addNamed(FieldPaths.index("spec.initContainers", i), init.get(i), ports);
            if ("Always".equals(init.get(i).getRestartPolicy())) {
                out.addAll(ports);
            }
        }
        return out;
    }

    /** Only named ports are kept: a numeric targetPort never looks at container ports. */
    private static void addNamed(String containerPath, Container c, List<ContainerPort> out) {
        var ports = Fields.list(c.getPorts());
        Map<String, Integer> names = new HashMap<>();
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
            Integer twin = names.putIfAbsent(name, j);
            if (twin != null) {
                throw new ConversionException(path + ".name", "duplicate port name \"" + name + "\" (also " + containerPath + ".ports[" + twin + "])");
            }
            out.add(new ContainerPort(name, number, protocol));
        }
    }
}
