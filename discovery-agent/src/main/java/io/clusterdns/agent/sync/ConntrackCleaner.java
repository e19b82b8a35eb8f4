package io.clusterdns.agent.sync;

import io.clusterdns.agent.kernel.Conntrack;
import io.clusterdns.agent.kernel.ConntrackFilter;
import io.clusterdns.agent.model.Endpoint;
import io.clusterdns.agent.model.EndpointCategories;
import io.clusterdns.agent.model.ServicePortState;
import io.clusterdns.k8s.model.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which conntrack entries to delete after a sync. Only connectionless protocols need it: a UDP
 * "connection" lives as long as packets keep flowing, so without cleanup a DNS client that keeps
 * its source port would keep talking to a pod that is gone (kube-proxy's
 * {@code conntrack.CleanStaleEntries}). Pure; the filters are executed by {@link Conntrack}.
 *
 * <ul>
 *   <li>an endpoint no longer used by a UDP/SCTP service port: entries to each service address
 *       and node port that were NATed to it;</li>
 *   <li>a UDP/SCTP service port that had no endpoints and now has some: every entry to it (they
 *       were created while packets were rejected, and would keep being rejected);</li>
 *   <li>a UDP/SCTP service port that is gone: every entry to it.</li>
 * </ul>
 */
public final class ConntrackCleaner {
    private ConntrackCleaner() {
    }

    /**
     * @param applied what the kernel rules were built from before this sync, by owner
     * @param changes new states by owner (null value: the service port is gone)
     */
    public static List<ConntrackFilter> plan(Map<String, ServicePortState> applied, Map<String, ServicePortState> changes) {
        Set<ConntrackFilter> out = new LinkedHashSet<>();
        changes.forEach((owner, next) -> {
            ServicePortState prev = applied.get(owner);
            ServicePortState any = next != null ? next : prev;
            if (any == null || !needsCleanup(any.protocol())) {
                return;
            }
            List<Endpoint> before = prev == null ? List.of() : EndpointCategories.of(prev).allReachable();
            List<Endpoint> after = next == null ? List.of() : EndpointCategories.of(next).allReachable();
            if (next == null) {
                if (!before.isEmpty()) {
                    addAll(out, prev, null);
                }
            } else if (before.isEmpty() && !after.isEmpty()) {
                addAll(out, next, null);
            } else {
                for (Endpoint gone : before) {
                    if (after.stream().noneMatch(gone::sameTarget)) {
                        addAll(out, prev, gone.ip());
                    }
                }
            }
        });
        return new ArrayList<>(out);
    }

    static boolean needsCleanup(Protocol p) {
        return p == Protocol.UDP || p == Protocol.SCTP;
    }

    private static void addAll(Set<ConntrackFilter> out, ServicePortState sp, InetAddress endpoint) {
        List<InetAddress> vips = new ArrayList<>();
        vips.add(sp.clusterIP());
        vips.addAll(sp.externalIPs());
        vips.addAll(sp.loadBalancerIPs());
        for (InetAddress vip : vips) {
            out.add(new ConntrackFilter(sp.family(), sp.protocol(), vip, sp.port(), endpoint));
        }
        if (sp.nodePort() != 0) {
            out.add(new ConntrackFilter(sp.family(), sp.protocol(), null, sp.nodePort(), endpoint));
        }
    }
}
