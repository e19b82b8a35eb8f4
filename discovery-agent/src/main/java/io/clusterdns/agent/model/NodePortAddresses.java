package io.clusterdns.agent.model;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --nodeport-addresses}: which local addresses accept NodePort traffic. Empty means all
 * (except loopback); {@code primary} means the node IPs; otherwise the local addresses inside the
 * given CIDRs (kube-proxy's semantics).
 */
public record NodePortAddresses(List<Cidr> cidrs, boolean primary) {
    public static final NodePortAddresses ALL = new NodePortAddresses(List.of(), false);

    public NodePortAddresses {
        cidrs = List.copyOf(cidrs);
        if (primary && !cidrs.isEmpty()) {
            throw new IllegalArgumentException("--nodeport-addresses: \"primary\" cannot be combined with CIDRs");
        }
    }

    public static NodePortAddresses parse(List<String> values) {
        List<Cidr> cidrs = new ArrayList<>();
        boolean primary = false;
        for (String v : values) {
            for (String part : v.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                if (p.equals("primary")) {
                    primary = true;
                } else {
                    cidrs.add(Cidr.parse(p));
                }
            }
        }
        return new NodePortAddresses(cidrs, primary);
    }

    public boolean matchAll() {
        return cidrs.isEmpty() && !primary;
    }

    @Override
    public String toString() {
        return matchAll() ? "all local addresses" : primary ? "primary" : cidrs.toString();
    }
}
