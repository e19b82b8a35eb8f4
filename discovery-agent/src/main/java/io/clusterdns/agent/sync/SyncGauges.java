package io.clusterdns.agent.sync;

import io.clusterdns.agent.lb.ServiceLoadBalancing;
import io.clusterdns.agent.model.EndpointCategories;
import io.clusterdns.agent.model.ServicePortState;
import io.clusterdns.agent.nft.Family;
import io.clusterdns.agent.nft.NftModel;
import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Sets the size gauges after a successful sync: table sizes, services per type, bad annotations,
 * traffic policy gaps, topology in effect. Counts are kept up to date from what changed (service
 * keys, service port states), not recounted: a one-service change at 10,000 services must not
 * walk them all (that walk was most of the agent's own time per change).
 */
final class SyncGauges {
    private final Map<ServiceKey, ServiceInfo> counted = new HashMap<>();
    private final Map<ServiceType, Long> byType = new EnumMap<>(ServiceType.class);
    private long badLoadBalancing;
    private long badTableSize;
    /** same zone, same node, fallback, no local endpoint (internal), no local endpoint (external). */
    private final long[] totals = new long[5];

    /** Counts the services of {@code snapshot} with these keys again (null: all of them). */
    void services(ClusterSnapshot snapshot, Collection<ServiceKey> changed) {
        if (changed == null) {
            counted.clear();
            byType.clear();
            badLoadBalancing = 0;
            badTableSize = 0;
            snapshot.services().forEach(this::count);
            return;
        }
        for (ServiceKey k : changed) {
            ServiceInfo old = counted.remove(k);
            if (old != null) {
                byType.merge(old.type(), -1L, Long::sum);
                countInvalid(old, -1);
            }
            ServiceInfo now = snapshot.service(k);
            if (now != null) {
                count(k, now);
            }
        }
    }

    private void count(ServiceKey k, ServiceInfo s) {
        counted.put(k, s);
        byType.merge(s.type(), 1L, Long::sum);
        countInvalid(s, 1);
    }

    private void countInvalid(ServiceInfo s, int sign) {
        ServiceLoadBalancing.Choice choice = ServiceLoadBalancing.of(s);
        badLoadBalancing += choice.invalid() != null ? sign : 0;
        badTableSize += choice.invalidTableSize() != null ? sign : 0;
    }

    /** A service port's state went from {@code old} to {@code now} (either may be null). */
    void state(ServicePortState old, ServicePortState now) {
        add(old, -1);
        add(now, 1);
    }

    private void add(ServicePortState s, int sign) {
        if (s == null) {
            return;
        }
        if (s.usesClusterEndpoints() && hinted(s)) {
            switch (EndpointCategories.topology(s.endpoints())) {
                case SAME_ZONE -> totals[0] += sign;
                case SAME_NODE -> totals[1] += sign;
                case NONE -> totals[2] += sign;
            }
        }
        if (!s.internalPolicyLocal() && !s.externalPolicyLocal()) {
            return;
        }
        EndpointCategories c = EndpointCategories.of(s);
        if (c.hasAny() && c.local().isEmpty()) {
            totals[3] += s.internalPolicyLocal() ? sign : 0;
            totals[4] += s.externalPolicyLocal() ? sign : 0;
        }
    }

    void publish(AgentMetrics metrics, Map<Family, NftModel> models, Map<Family, Map<String, ServicePortState>> states) {
        models.forEach((f, m) -> {
            metrics.gauge("clusterdns.agent.nftables.chains", "family", f.nft(), m.chainCount());
            metrics.gauge("clusterdns.agent.nftables.rules", "family", f.nft(), m.ruleCount());
            metrics.gauge("clusterdns.agent.nftables.elements", "family", f.nft(), m.elementCount());
        });
        for (ServiceType t : ServiceType.values()) {
            metrics.gauge("clusterdns.agent.services", "type", t.apiName(), byType.getOrDefault(t, 0L));
        }
        // services whose load balancing annotations are invalid (they use the node's setting; the builder logged each)
        metrics.gauge("clusterdns.agent.services.invalid.annotation", "annotation", ServiceLoadBalancing.ANNOTATION, badLoadBalancing);
        metrics.gauge("clusterdns.agent.services.invalid.annotation", "annotation", ServiceLoadBalancing.TABLE_SIZE_ANNOTATION, badTableSize);
        states.forEach((f, st) -> metrics.gauge("clusterdns.agent.service.ports", "family", f.nft(), st.size()));
        // kube-proxy's kubeproxy_sync_proxy_rules_no_local_endpoints_total, without the _total a gauge may not carry
        metrics.gauge("kubeproxy.sync.proxy.rules.no.local.endpoints", "traffic_policy", "internal", totals[3]);
        metrics.gauge("kubeproxy.sync.proxy.rules.no.local.endpoints", "traffic_policy", "external", totals[4]);
        // service ports with hinted endpoints: narrowed to this zone or node, or using every endpoint (incomplete hints, none for here)
        metrics.gauge("clusterdns.agent.topology.service.ports", "topology", "same-zone", totals[0]);
        metrics.gauge("clusterdns.agent.topology.service.ports", "topology", "same-node", totals[1]);
        metrics.gauge("clusterdns.agent.topology.service.ports", "topology", "fallback", totals[2]);
    }

    /** A ready endpoint carries a hint: the EndpointSlice controller was asked for topology (a scan, no allocation). */
    private static boolean hinted(ServicePortState s) {
        for (var ep : s.endpoints()) {
            if (ep.ready() && (ep.zoneHint() != io.clusterdns.agent.model.Endpoint.Hint.NONE
                    || ep.nodeHint() != io.clusterdns.agent.model.Endpoint.Hint.NONE)) {
                return true;
            }
        }
        return false;
    }
}
