package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.LoadBalancerIngress;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.TrafficPolicy;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The Service fields of load balancers ({@code ValidateService}, {@code ValidateLoadBalancerStatus}):
 * source ranges, the health-check node port, and the load balancer's {@code status}. That most of
 * them are refused on other types is checked on creation only ({@link ServiceCreateRules}).
 */
final class LoadBalancers {
    private LoadBalancers() {
    }

    /** Kept as written (trimmed: the API tolerates padding, a leftover of the annotation it replaced). */
    static List<String> sourceRanges(ServiceFields.Spec spec) {
        List<String> raw = Fields.list(spec.loadBalancerSourceRanges());
        List<String> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String cidr = raw.get(i) == null ? "" : raw.get(i).trim();
            if (!isCidr(cidr)) {
                throw new ConversionException(FieldPaths.index("spec.loadBalancerSourceRanges", i),
                        Fields.quote(cidr) + " is not a CIDR (address/prefix-length)");
            }
            out.add(cidr);
        }
        return out;
    }

    private static boolean isCidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return false;
        }
        InetAddress ip = IpAddresses.tryParse(text.substring(0, slash));
        String len = text.substring(slash + 1);
        if (ip == null || len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return Integer.parseInt(len) <= (IpAddresses.isV6(ip) ? 128 : 32);
    }

    static int healthCheckNodePort(ServiceFields.Spec spec, ServiceType type, TrafficPolicy external) {
        Integer value = spec.healthCheckNodePort();
        if (value == null || value == 0) {
            return 0;
        }
        if (type != ServiceType.LOAD_BALANCER || external != TrafficPolicy.LOCAL) {
            throw new ConversionException("spec.healthCheckNodePort", "may only be set when type is LoadBalancer and externalTrafficPolicy is Local");
        }
        return Fields.portRange("spec.healthCheckNodePort", value);
    }

    /** {@code status.loadBalancer.ingress}, as a load balancer controller writes it; ipMode left unset means VIP. */
    static List<LoadBalancerIngress> ingress(List<ServiceFields.Ingress> ingress) {
        var raw = Fields.list(ingress);
        List<LoadBalancerIngress> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String path = FieldPaths.index("status.loadBalancer.ingress", i);
            var in = raw.get(i);
            InetAddress ip = Fields.isBlank(in.ip()) ? null : Fields.ip(path + ".ip", in.ip());
            String mode = in.ipMode();
            if (mode != null && ip == null) {
                throw new ConversionException(path + ".ipMode", "may not be set when ip is not set");
            }
            if (mode != null && !mode.equals("VIP") && !mode.equals("Proxy")) {
                throw new ConversionException(path + ".ipMode", "unsupported ipMode \"" + mode + "\" (expected VIP or Proxy)");
            }
            out.add(new LoadBalancerIngress(ip, hostname(path + ".hostname", in.hostname()), mode));
        }
        return out;
    }

    private static String hostname(String path, String hostname) {
        if (Fields.isBlank(hostname)) {
            return null;
        }
        if (!DnsNames.isDns1123Subdomain(hostname)) {
            throw new ConversionException(path, Fields.quote(hostname) + " " + DnsNames.DNS1123_SUBDOMAIN_RULE);
        }
        if (IpAddresses.isLiteral(hostname)) {
            throw new ConversionException(path, Fields.quote(hostname) + " must be a DNS name, not an IP address");
        }
        return hostname;
    }
}
