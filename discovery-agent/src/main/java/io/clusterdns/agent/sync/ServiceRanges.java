package io.clusterdns.agent.sync;

import io.clusterdns.agent.model.Cidr;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service ranges whose unallocated addresses are dropped. When the cluster has ServiceCIDR
 * objects ({@code networking.k8s.io/v1}, Kubernetes 1.33+), the union of their {@code spec.cidrs},
 * as kube-proxy takes it: every object counts, a terminating one too, since its addresses stay
 * allocated until its finalizer lets it go. When it has none (an older cluster, manifests without
 * any), the agent's own {@code --service-cidr} (or the manifest source's default ranges). Logs
 * each change of the ranges in effect. Used by one thread (the sync loop's; a dry run's).
 */
public final class ServiceRanges {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRanges.class);

    private final List<Cidr> fallback;
    private List<Cidr> last;

    /** @param fallback the ranges of the agent's flags, every family */
    public ServiceRanges(List<Cidr> fallback) {
        this.fallback = List.copyOf(fallback);
    }

    /** The ranges in effect for {@code snapshot}, every family, sorted. */
    public List<Cidr> of(ClusterSnapshot snapshot) {
        List<Cidr> out;
        if (snapshot.serviceCidrs().isEmpty()) {
            out = fallback;
        } else {
            TreeSet<Cidr> union = new TreeSet<>();
            for (ServiceCidrInfo s : snapshot.serviceCidrs().values()) {
                s.cidrs().forEach(c -> union.add(Cidr.parse(c))); // canonical: the converter checked them
            }
            out = List.copyOf(union);
        }
        if (!out.equals(last)) {
            if (out.isEmpty()) {
                LOG.info("No service ranges (no --service-cidr, and the cluster has no ServiceCIDR): unallocated addresses are not dropped");
            } else if (snapshot.serviceCidrs().isEmpty()) {
                LOG.info("Service ranges (unallocated addresses dropped): {} from the agent's settings (the cluster has no ServiceCIDR)",
                        out);
            } else {
                LOG.info("Service ranges (unallocated addresses dropped): {} from ServiceCIDRs {}", out,
                        new TreeSet<>(snapshot.serviceCidrs().keySet()));
            }
            last = out;
        }
        return out;
    }

    public static List<Cidr> ofFamily(List<Cidr> ranges, IpFamily family) {
        return ranges.stream().filter(c -> c.family() == family).toList();
    }
}
