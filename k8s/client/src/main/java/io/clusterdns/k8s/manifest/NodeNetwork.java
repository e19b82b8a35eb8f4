package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.convert.ConversionException;
import io.clusterdns.k8s.convert.FieldPaths;
import io.clusterdns.k8s.convert.ServiceCidrConverter;
import io.clusterdns.k8s.model.IpAddresses;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What the pod generator needs of a Node besides name and labels: its {@code spec.podCIDRs}
 * (else {@code spec.podCIDR}), where its pods' addresses come from, and its
 * {@code InternalIP} addresses, which its host-network pods have.
 */
record NodeNetwork(List<IpRange> podCidrs, List<InetAddress> internalIps) {
    static final NodeNetwork NONE = new NodeNetwork(List.of(), List.of());

    NodeNetwork {
        podCidrs = List.copyOf(podCidrs);
        internalIps = List.copyOf(internalIps);
    }

    /** Validated as the API server does (one or two CIDRs, one per family, canonical); throws naming the field. */
    static NodeNetwork of(Node node) {
        List<IpRange> ranges = new ArrayList<>();
        if (node.getSpec() != null) {
            List<String> written = node.getSpec().getPodCIDRs();
            String path = "spec.podCIDRs";
            if ((written == null || written.isEmpty()) && node.getSpec().getPodCIDR() != null && !node.getSpec().getPodCIDR().isEmpty()) {
                written = List.of(node.getSpec().getPodCIDR());
                path = "spec.podCIDR";
            }
            if (written != null && !written.isEmpty()) {
                List<String> cidrs;
                try {
                    cidrs = ServiceCidrConverter.cidrs("spec.podCIDRs", written);
                } catch (ConversionException e) {
                    throw path.equals("spec.podCIDR") ? new ConversionException(path, e.reason()) : e;
                }
                cidrs.forEach(c -> ranges.add(IpRange.parse(c)));
            }
        }
        List<InetAddress> internal = new ArrayList<>();
        List<NodeAddress> addresses = node.getStatus() == null || node.getStatus().getAddresses() == null
                ? List.of() : node.getStatus().getAddresses();
        for (int i = 0; i < addresses.size(); i++) {
            NodeAddress a = addresses.get(i);
            if ("InternalIP".equals(a.getType())) {
                InetAddress ip = IpAddresses.tryParse(a.getAddress());
                if (ip == null) {
                    throw new ConversionException(FieldPaths.index("status.addresses", i) + ".address",
                            "\"" + a.getAddress() + "\" is not an IP address");
                }
                internal.add(ip);
            }
        }
        return new NodeNetwork(ranges, internal);
    }
}
