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
import java.util.EnumMap;
import java.util.Map;

/** Sets the size gauges after a successful sync: table sizes, services per type, bad annotations, traffic policy gaps, topology in effect. */
final class SyncGauges {
    private SyncGauges() {
    }

    static void update(AgentMetrics metrics, ClusterSnapshot snapshot, Map<Family, NftModel> models,
                       Map<Family, Map<String, ServicePortState>> states) {
        models.forEach((f, m) -> {
            metrics.gauge("clusterdns.agent.nftables.chains", "family", f.nft(), m.chainCount());
            metrics.gauge("clusterdns.agent.nftables.rules", "family", f.nft(), m.ruleCount());
            metrics.gauge("clusterdns.agent.nftables.elements", "family", f.nft(), m.elementCount());
        });
        Map<ServiceType, Long> byType = new EnumMap<>(ServiceType.class);
        for (ServiceType t : ServiceType.values()) {
            byType.put(t, 0L);
        }
        long badLoadBalancing = 0;
        for (ServiceInfo s : snapshot.services().values()) {
            byType.merge(s.type(), 1L, Long::sum);
            badLoadBalancing += ServiceLoadBalancing.of(s).invalid() != null ? 1 : 0;
        }
        byType.forEach((t, n) -> metrics.gauge("clusterdns.agent.services", "type", t.apiName(), n));
        // services whose load balancing annotation names no mode (they use the node's; the builder logged each)
        metrics.gauge("clusterdns.agent.services.invalid.annotation", "annotation", ServiceLoadBalancing.ANNOTATION, badLoadBalancing);
        long internal = 0;
        long external = 0;
        long sameZone = 0;
        long sameNode = 0;
        long fallback = 0;
        for (Map.Entry<Family, Map<String, ServicePortState>> e : states.entrySet()) {
            metrics.gauge("clusterdns.agent.service.ports", "family", e.getKey().nft(), e.getValue().size());
            for (ServicePortState s : e.getValue().values()) {
                if (s.usesClusterEndpoints() && hinted(s)) {
                    switch (EndpointCategories.topology(s.endpoints())) {
                        case SAME_ZONE -> sameZone++;
                        case SAME_NODE -> sameNode++;
                        case NONE -> fallback++;
                    }
                }
                if (!s.internalPolicyLocal() && !s.externalPolicyLocal()) {
                    continue;
                }
                EndpointCategories c = EndpointCategories.of(s);
                if (c.hasAny() && c.local().isEmpty()) {
                    internal += s.internalPolicyLocal() ? 1 : 0;
                    external += s.externalPolicyLocal() ? 1 : 0;
                }
            }
        }
        // kube-proxy's kubeproxy_sync_proxy_rules_no_local_endpoints_total, without the _total a gauge may not carry
        metrics.gauge("kubeproxy.sync.proxy.rules.no.local.endpoints", "traffic_policy", "internal", internal);
        metrics.gauge("kubeproxy.sync.proxy.rules.no.local.endpoints", "traffic_policy", "external", external);
        // service ports with hinted endpoints: narrowed to this zone or node, or using every endpoint (incomplete hints, none for here)
        metrics.gauge("clusterdns.agent.topology.service.ports", "topology", "same-zone", sameZone);
        metrics.gauge("clusterdns.agent.topology.service.ports", "topology", "same-node", sameNode);
        metrics.gauge("clusterdns.agent.topology.service.ports", "topology", "fallback", fallback);
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
