package io.clusterdns.server.plugin.autopath;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.PodInfo;
import java.net.InetAddress;

/**
 * Which namespace a client address is in, from the pods having it. CoreDNS takes whichever pod
 * its index lists first; here:
 * <ul>
 *   <li>an address of a host-network pod is its node's, shared with the node's own processes and
 *       every other host-network pod there: nobody's in particular, so no namespace;</li>
 *   <li>Succeeded and Failed pods no longer use theirs (the address may be another pod's already);</li>
 *   <li>of the others the newest: an address is only given again once its pod's sandbox is gone,
 *       so an older pod with it is a stale object the watch has not removed yet (a Pending pod
 *       with an address has its sandbox: its init containers resolve names too); on equal
 *       creation times a Running pod before one that is not;</li>
 *   <li>a tie between namespaces (same phase, same creation second) is ambiguous: no namespace.</li>
 * </ul>
 */
final class ClientNamespace {
    private ClientNamespace() {
    }

    /**
     * The namespace of the pod that has {@code address} in {@code pods}, or null when none can be
     * told; per question, so it walks the snapshot's pods at the address without making a list.
     */
    static String of(ClusterSnapshot pods, InetAddress address) {
        PodInfo best = null;
        boolean tie = false;
        for (int i = 0, n = pods.podCountByIP(address); i < n; i++) {
            PodInfo p = pods.podByIP(address, i);
            if (p.hostNetwork()) {
                return null;
            }
            if (p.terminal()) {
                continue;
            }
            int c = best == null ? 1 : compare(p, best);
            if (c > 0) {
                best = p;
                tie = false;
            } else if (c == 0 && !p.namespace().equals(best.namespace())) {
                tie = true;
            }
        }
        return best == null || tie ? null : best.namespace();
    }

    /** Positive when {@code a} more likely has the address now than {@code b}. */
    private static int compare(PodInfo a, PodInfo b) {
        int c = a.compareCreated(b);
        return c != 0 ? c : Boolean.compare(a.running(), b.running());
    }
}
