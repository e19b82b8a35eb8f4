package io.clusterdns.agent.nft;

import static io.clusterdns.agent.nft.Names.*;

import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.NodeContext;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixed skeleton of a table: base chains on the hooks, the dispatch chains looking up the
 * per-service maps, and the masquerade machinery. Pure function of the node context.
 *
 * <pre>
 * prerouting  -110 filter-prerouting   ct state new → firewall-check (loadBalancerSourceRanges)
 *             -100 nat-prerouting      → services (DNAT)
 * input       -110 filter-input        ct state new → nodeport-endpoints-check, service-endpoints-check
 * forward     -110 filter-forward      ct state new → service-endpoints-check, cluster-ips-check
 * output      -110 filter-output       ct state new → service-endpoints-check, firewall-check
 *             -100 nat-output          → services (DNAT)
 *                0 filter-output-post-dnat  ct state new → cluster-ips-check
 * postrouting  100 nat-postrouting     → masquerading (SNAT of hairpin and marked packets)
 * </pre>
 *
 * REJECT happens in input/forward/output only (kernels before 5.9 refuse it in prerouting), and the
 * cluster-ips check runs after DNAT so that it only sees packets no service port claimed.
 */
public final class BaseRules {
    private BaseRules() {
    }

    public static Fragment render(NodeContext ctx) {
        Family f = Family.of(ctx.family());
        List<ChainDef> chains = new ArrayList<>();
        Expr newConn = new Expr.CtStateNew();
        chains.add(base(FILTER_PREROUTING, "filter", "prerouting", Hook.FILTER_BEFORE_DNAT,
                Rule.of(newConn, new Expr.Jump(FIREWALL_CHECK))));
        chains.add(base(FILTER_INPUT, "filter", "input", Hook.FILTER_BEFORE_DNAT,
                Rule.of(newConn, new Expr.Jump(NODEPORT_ENDPOINTS_CHECK)),
                Rule.of(newConn, new Expr.Jump(SERVICE_ENDPOINTS_CHECK))));
        chains.add(base(FILTER_FORWARD, "filter", "forward", Hook.FILTER_BEFORE_DNAT,
                Rule.of(newConn, new Expr.Jump(SERVICE_ENDPOINTS_CHECK)),
                Rule.of(newConn, new Expr.Jump(CLUSTER_IPS_CHECK))));
        chains.add(base(FILTER_OUTPUT, "filter", "output", Hook.FILTER_BEFORE_DNAT,
                Rule.of(newConn, new Expr.Jump(SERVICE_ENDPOINTS_CHECK)),
                Rule.of(newConn, new Expr.Jump(FIREWALL_CHECK))));
        chains.add(base(FILTER_OUTPUT_POST_DNAT, "filter", "output", Hook.FILTER,
                Rule.of(newConn, new Expr.Jump(CLUSTER_IPS_CHECK))));
        chains.add(base(NAT_PREROUTING, "nat", "prerouting", Hook.DNAT, Rule.of(new Expr.Jump(SERVICES))));
        chains.add(base(NAT_OUTPUT, "nat", "output", Hook.DNAT, Rule.of(new Expr.Jump(SERVICES))));
        chains.add(base(NAT_POSTROUTING, "nat", "postrouting", Hook.SNAT, Rule.of(new Expr.Jump(MASQUERADING))));

        List<Expr> nodePortAddrs = nodePortAddresses(ctx, f);
        chains.add(servicesChain(ctx, f, nodePortAddrs));
        chains.add(chain(SERVICE_ENDPOINTS_CHECK, Rule.of(new Expr.Vmap(Expr.VmapKey.DADDR_PROTO_PORT, NO_ENDPOINT_SERVICES))));
        // only hooked into input: the destination is local already, so no fib check is needed
        List<Expr> inputNodePortAddrs = ctx.nodePortsOnAllAddresses()
                ? List.of(new Expr.Addr(Expr.Dir.DADDR, true, List.of(f.loopback()))) : nodePortAddrs;
        chains.add(chain(NODEPORT_ENDPOINTS_CHECK, rule(inputNodePortAddrs, new Expr.Vmap(Expr.VmapKey.PROTO_PORT, NO_ENDPOINT_NODEPORTS))));
        chains.add(chain(FIREWALL_CHECK, Rule.of(new Expr.Vmap(Expr.VmapKey.DADDR_PROTO_PORT, FIREWALL_IPS))));
        chains.add(clusterIpsCheck(ctx));
        chains.add(chain(REJECT_CHAIN,
                Rule.of(new Expr.L4Proto(Protocol.TCP), new Expr.Reject(true)),
                Rule.of(new Expr.Reject(false))));
        chains.add(chain(MARK_FOR_MASQUERADE, Rule.of(new Expr.MarkSet(ctx.masqueradeMark()))));
        chains.add(chain(MASQUERADING,
                // hairpin: an endpoint reached itself through a service; the reply must come back through the node
                Rule.commented("hairpin", new Expr.CtStatusDnat(), new Expr.AddrPairInSet(HAIRPIN_IPS), new Expr.Masquerade()),
                Rule.of(new Expr.MarkClear(ctx.masqueradeMark()), new Expr.Return()),
                Rule.of(new Expr.MarkToggle(ctx.masqueradeMark())),
                Rule.of(new Expr.Masquerade())));
        return new Fragment(Fragment.BASE_OWNER, chains, containers(ctx, f), nodePortElements(ctx));
    }

    /**
     * The dispatch, after marking off-cluster traffic to ClusterIPs for masquerade (a route to
     * the service range via this node: the reply must come back through it), or all of it with
     * {@code --masquerade-all}. One rule for every service rather than kube-proxy's one per
     * service chain ({@code ip daddr VIP tcp dport P ip saddr != CIDR jump mark-for-masquerade}):
     * half the rules of a large table, and the same packets masqueraded, because a packet to a
     * ClusterIP is either DNATed by the dispatch that follows (the per-service rule matched exactly
     * the address, protocol and port of its {@code service-ips} element) or rejected or dropped
     * by the filter chains (wrong port, no endpoints, no local endpoint), where the mark is moot.
     */
    private static ChainDef servicesChain(NodeContext ctx, Family f, List<Expr> nodePortAddrs) {
        List<Rule> rules = new ArrayList<>();
        if (ctx.masqueradeAll()) {
            rules.add(Rule.of(new Expr.AddrInSet(Expr.Dir.DADDR, CLUSTER_IPS), new Expr.Jump(MARK_FOR_MASQUERADE)));
        } else if (ctx.hasLocalDetector()) {
            rules.add(Rule.of(new Expr.AddrInSet(Expr.Dir.DADDR, CLUSTER_IPS),
                    new Expr.Addr(Expr.Dir.SADDR, true, ctx.clusterCidrs().stream().map(Cidr::toString).toList()),
                    new Expr.Jump(MARK_FOR_MASQUERADE)));
        }
        rules.add(Rule.of(new Expr.Vmap(Expr.VmapKey.DADDR_PROTO_PORT, SERVICE_IPS)));
        rules.add(rule(nodePortAddrs, new Expr.Vmap(Expr.VmapKey.PROTO_PORT, SERVICE_NODEPORTS)));
        return new ChainDef(SERVICES, null, rules);
    }

    private static ChainDef clusterIpsCheck(NodeContext ctx) {
        List<Rule> rules = new ArrayList<>();
        rules.add(Rule.commented("Reject traffic to invalid ports of ClusterIPs",
                new Expr.AddrInSet(Expr.Dir.DADDR, CLUSTER_IPS), new Expr.Goto(REJECT_CHAIN)));
        if (!ctx.serviceCidrs().isEmpty()) {
            List<String> cidrs = ctx.serviceCidrs().stream().map(Cidr::toString).toList();
            rules.add(Rule.commented("Drop traffic to unallocated ClusterIPs",
                    new Expr.Addr(Expr.Dir.DADDR, false, cidrs), new Expr.Drop()));
        }
        return new ChainDef(CLUSTER_IPS_CHECK, null, rules);
    }

    private static List<Expr> nodePortAddresses(NodeContext ctx, Family f) {
        if (ctx.nodePortsOnAllAddresses()) {
            return List.of(new Expr.FibLocal(Expr.Dir.DADDR), new Expr.Addr(Expr.Dir.DADDR, true, List.of(f.loopback())));
        }
        return List.of(new Expr.AddrInSet(Expr.Dir.DADDR, NODEPORT_IPS));
    }

    private static List<ContainerDef> containers(NodeContext ctx, Family f) {
        String addr = f.addrType();
        List<ContainerDef> out = new ArrayList<>();
        out.add(ContainerDef.set(CLUSTER_IPS, addr, "Active ClusterIPs"));
        out.add(ContainerDef.set(HAIRPIN_IPS, addr + " . " + addr, "endpoint . itself: hairpin connections to masquerade"));
        for (io.clusterdns.k8s.model.Protocol p : io.clusterdns.k8s.model.Protocol.values()) {
            for (int shard = 0; shard < DnatSlotBlocks.SHARDS; shard++) {
                out.add(ContainerDef.dnatSlotMap(dnatSlots(p, shard), f.nft(), p.label(), "slot : endpoint of the random pick of small services"));
            }
        }
        if (!ctx.nodePortsOnAllAddresses()) {
            out.add(ContainerDef.set(NODEPORT_IPS, addr, "IPs that accept NodePort traffic"));
        }
        out.add(ContainerDef.verdictMap(SERVICE_IPS, addr + " . inet_proto . inet_service", "ClusterIP, ExternalIP and LoadBalancer IP traffic"));
        out.add(ContainerDef.verdictMap(SERVICE_NODEPORTS, "inet_proto . inet_service", "NodePort traffic"));
        out.add(ContainerDef.verdictMap(NO_ENDPOINT_SERVICES, addr + " . inet_proto . inet_service",
                "vmap to drop or reject packets to services with no endpoints"));
        out.add(ContainerDef.verdictMap(NO_ENDPOINT_NODEPORTS, "inet_proto . inet_service",
                "vmap to drop or reject packets to service nodeports with no endpoints"));
        out.add(ContainerDef.verdictMap(FIREWALL_IPS, addr + " . inet_proto . inet_service",
                "destinations that are subject to LoadBalancerSourceRanges"));
        return out;
    }

    private static List<Element> nodePortElements(NodeContext ctx) {
        if (ctx.nodePortsOnAllAddresses()) {
            return List.of();
        }
        List<Element> out = new ArrayList<>();
        for (InetAddress ip : ctx.nodePortIPs()) {
            if (!ip.isLoopbackAddress()) {
                out.add(new Element(NODEPORT_IPS, List.of(IpAddresses.format(ip)), null, null));
            }
        }
        return out;
    }

    private static ChainDef base(String name, String type, String hook, int priority, Rule... rules) {
        return new ChainDef(name, new Hook(type, hook, priority), List.of(rules));
    }

    private static ChainDef chain(String name, Rule... rules) {
        return new ChainDef(name, null, List.of(rules));
    }

    private static Rule rule(List<Expr> prefix, Expr last) {
        List<Expr> all = new ArrayList<>(prefix);
        all.add(last);
        return new Rule(all, null);
    }
}
