package io.clusterdns.envinjector;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServicePort;
import java.util.List;
import java.util.Objects;

/**
 * What the variables of one service are made from.
 *
 * @param prefix    the variable prefix: {@code REDIS_PRIMARY}, or {@code PAYMENTS_API} for a service
 *                  of another namespace
 * @param clusterIP the primary cluster IP as text, null when the service has none (headless,
 *                  ExternalName); kubelet copies {@code spec.clusterIP}, the primary family
 * @param dnsName   {@code <name>.<ns>.svc.<zone>}
 * @param ports     {@code spec.ports} in order
 */
public record EnvService(String prefix, String clusterIP, String dnsName, List<ServicePort> ports) {
    public EnvService {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(dnsName, "dnsName");
        ports = List.copyOf(ports);
    }

    /** The service as seen from a pod, with the given prefix; IPs in canonical text (RFC 5952 for IPv6). */
    public static EnvService of(ServiceInfo service, String prefix, String zone) {
        String ip = service.hasClusterIP() ? IpAddresses.format(service.clusterIPs().get(0)) : null;
        return new EnvService(prefix, ip, service.name() + "." + service.namespace() + ".svc." + zone, service.ports());
    }

    public boolean hasClusterIP() {
        return clusterIP != null;
    }
}
