package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.convert.ConversionException;
import io.clusterdns.k8s.convert.ServiceCidrConverter;
import java.util.Arrays;
import java.util.List;

/**
 * The cluster's pod network ({@code --pod-cidr}): where the manifest source takes the addresses
 * of the pods it generates for workloads, on Nodes that list no {@code spec.podCIDRs} of their
 * own. One CIDR, or two of different families for a dual-stack cluster (each generated pod then
 * gets one address of each, the first family first), as kubeadm's {@code podSubnet}.
 *
 * @param cidrs canonical CIDRs ({@code 10.244.0.0/16}), one or two, at most one per family
 */
public record PodCidrs(List<String> cidrs) {
    /** kubeadm's and kind's default pod subnet (with flannel's conventions). */
    public static final String DEFAULT_TEXT = "10.244.0.0/16";
    public static final PodCidrs DEFAULT = parse(DEFAULT_TEXT);

    public PodCidrs {
        cidrs = ServiceCidrConverter.cidrs("--pod-cidr", List.copyOf(cidrs));
    }

    /**
     * {@code 10.244.0.0/16} or {@code 10.244.0.0/16,fd00:10:244::/56}.
     *
     * @throws IllegalArgumentException with a message fit to follow the flag name
     */
    public static PodCidrs parse(String text) {
        try {
            return new PodCidrs(Arrays.stream(text.split(",", -1)).map(String::trim).toList());
        } catch (ConversionException e) {
            throw new IllegalArgumentException(e.reason() + (e.reason().contains(text) ? "" : ", got \"" + text + "\""), e);
        }
    }

    List<IpRange> ranges() {
        return cidrs.stream().map(IpRange::parse).toList();
    }

    @Override
    public String toString() {
        return String.join(",", cidrs);
    }
}
