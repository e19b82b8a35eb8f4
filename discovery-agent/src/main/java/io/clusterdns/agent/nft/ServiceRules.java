package io.clusterdns.agent.nft;

import static io.clusterdns.agent.nft.Names.*;

import io.clusterdns.agent.lb.LoadBalancing;
import io.clusterdns.agent.lb.NameDigest;
import io.clusterdns.agent.lb.LookupTable;
import io.clusterdns.agent.lb.MaglevTable;
import io.clusterdns.agent.lb.RendezvousTable;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.Endpoint;
import io.clusterdns.agent.model.EndpointCategories;
import io.clusterdns.agent.model.NodeContext;
import io.clusterdns.agent.model.ServicePortName;
import io.clusterdns.agent.model.ServicePortState;
import io.clusterdns.k8s.model.IpAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of one service port in one family, kube-proxy's nftables semantics:
 *
 * <ul>
 *   <li>{@code service-X} picks among cluster-wide endpoints, {@code local-X} among this node's
 *       (traffic policy Local). With at most {@link NodeContext#endpointChainThreshold()} (and
 *       {@link DnatSlotBlocks#SLOTS_PER_PICK}) endpoints the pick is one rule
 *       {@code dnat ip addr . port to numgen random mod N offset B map @dnat-slots-tcp-S} over
 *       N slots whose elements hold the endpoints ({@link DnatSlotBlocks}), so that a rolling
 *       update rewrites elements only and the kernel commits it without re-validating the table.
 *       With ClientIP affinity, or when another service port shares the slot block, the pick is
 *       inline, one rule per endpoint: {@code numgen random mod k == 0 ... dnat to EP} for
 *       k = N..2, then the last endpoint (each is chosen with probability 1/N). With more
 *       endpoints, {@code numgen random mod N vmap} jumps to per-endpoint chains
 *       {@code endpoint-X} (O(1) for big services, kube-proxy's layout). Why not always the
 *       latter: nft 1.0.x dumps every chain of the host before each transaction, and 50,000
 *       endpoint chains make every sync cost 0.3 s or more.</li>
 *   <li>The pick above is {@code random}, kube-proxy's. With {@code round-robin} ({@code numgen
 *       inc}), {@code maglev} or {@code rendezvous} ({@code jhash} into a lookup table of M slots,
 *       {@link MaglevTable} or {@link RendezvousTable}, in a map
 *       {@code maglev-X} / {@code maglev-local-X} of slot : goto endpoint chain, so that an
 *       endpoint change rewrites only the slots that changed owner) the
 *       node's flag or the Service's annotation asks for, it always goes through per-endpoint
 *       chains. ClientIP affinity is checked before any pick.</li>
 *   <li>{@code external-X} is where NodePort, external IP and load balancer traffic enters:
 *       masquerade with policy Cluster; with policy Local keep the client IP, except for pods and
 *       the node itself, which are short-circuited to {@code service-X} (as if they had gone out
 *       to the load balancer and come back).</li>
 *   <li>{@code firewall-X} drops load balancer traffic from outside loadBalancerSourceRanges.</li>
 *   <li>No usable endpoints: elements in {@code no-endpoint-*} maps REJECT; no local endpoint
 *       under policy Local: they DROP (other nodes may serve it).</li>
 * </ul>
 */
public final class ServiceRules {
    /** jhash's seed: fixed, so that every node (and every restart) hashes a flow to the same table slot. */
    static final int MAGLEV_SEED = 0x5eed;

    private final ServicePortState sp;
    private final NodeContext ctx;
    private final Family f;
    private final EndpointCategories cats;
    private final ServicePortName name;
    private final List<ChainDef> chains = new ArrayList<>();
    private final List<ContainerDef> containers = new ArrayList<>();
    private final List<Element> elements = new ArrayList<>();
    private final java.util.Set<Endpoint> chainedEndpoints = new java.util.TreeSet<>();
    private final boolean slotsUsable;
    /** {@code name.chainBase()}, its SHA-256 and its hashed form: one digest for every per-service-port name and the slot block. */
    private final String base;
    private final byte[] digest;
    private final String hashedBase;

    private ServiceRules(ServicePortState sp, NodeContext ctx, boolean slotsUsable) {
        this.sp = sp;
        this.ctx = ctx;
        this.slotsUsable = slotsUsable;
        this.f = Family.of(sp.family());
        this.cats = EndpointCategories.of(sp);
        this.name = sp.name();
        this.base = name.chainBase();
        this.digest = NameDigest.sha256(base);
        this.hashedBase = ChainNames.hashed(base, digest);
    }

    /** Pure: equal states and contexts give equal fragments. */
    public static Fragment render(ServicePortState sp, NodeContext ctx) {
        return render(sp, ctx, true);
    }

    /**
     * @param slotsUsable false when another service port of the table has the same
     *                    {@link DnatSlotBlocks#block}: its small picks are then inline rules
     */
    public static Fragment render(ServicePortState sp, NodeContext ctx, boolean slotsUsable) {
        ServiceRules r = new ServiceRules(sp, ctx, slotsUsable);
        r.build();
        return new Fragment(r.base, r.chains, r.containers, r.elements);
    }

    private void build() {
        String clusterChain = ChainNames.SERVICE + hashedBase;
        String localChain = ChainNames.LOCAL + hashedBase;
        boolean hasAny = cats.hasAny();
        boolean hasInternal = hasAny && (!sp.internalPolicyLocal() || !cats.local().isEmpty());
        boolean hasExternal = hasAny && (!sp.externalPolicyLocal() || !cats.local().isEmpty());
        String internalChain = sp.internalPolicyLocal() ? localChain : clusterChain;
        String externalPolicyChain = sp.externalPolicyLocal() ? localChain : clusterChain;
        Expr.Verdict internalFilter = !hasAny ? new Expr.Goto(REJECT_CHAIN) : hasInternal ? null : new Expr.Drop();
        Expr.Verdict externalFilter = !hasAny ? new Expr.Goto(REJECT_CHAIN) : hasExternal ? null : new Expr.Drop();

        clusterIpElements(internalChain, hasInternal, internalFilter);
        externalElements(hasAny, externalFilter);
        if (!cats.cluster().isEmpty() && sp.usesClusterEndpoints()) {
            chains.add(policyChain(clusterChain, false, ChainNames.MAGLEV + hashedBase, cats.cluster()));
        }
        if (!cats.local().isEmpty() && sp.usesLocalEndpoints()) {
            chains.add(policyChain(localChain, true, ChainNames.MAGLEV_LOCAL + hashedBase, cats.local()));
        }
        if (hasAny && sp.externallyAccessible()) {
            chains.add(externalChain(clusterChain, hasExternal ? externalPolicyChain : null));
        }
        if (sp.usesFirewall()) {
            chains.add(firewallChain());
        }
        boolean remoteHairpin = hairpinFromOtherNodes();
        for (Endpoint ep : cats.allReachable()) {
            if (sp.clientIpAffinity()) {
                containers.add(ContainerDef.affinitySet(ChainNames.affinity(name, ep), f.addrType(), sp.affinity().timeoutSeconds()));
            }
            if (!ep.remote() || remoteHairpin) {
                String ip = IpAddresses.format(ep.ip());
                elements.add(new Element(HAIRPIN_IPS, List.of(ip, ip), null, null));
            }
        }
        for (Endpoint ep : chainedEndpoints) {
            chains.add(endpointChain(ep));
        }
    }

    /**
     * Whether a packet from an endpoint on another node can be DNATed here back to that same
     * endpoint without being marked for masquerade; its {@code ep . ep} pair in {@code hairpin-ips}
     * is needed here only then (otherwise only this node's endpoints, and those of unknown node,
     * get one: half the elements of a large table, and most of the kernel's time loading it).
     *
     * <p>A pod's packet passes its own node's prerouting hook first, so its ClusterIP, external
     * IP and load balancer IP traffic is DNATed there (every node has every service's addresses
     * in {@code service-ips}), and only a pair on its own node can match it. What reaches another
     * node still addressed to a service is: traffic to a NodePort on another node's address (not
     * local on the pod's node, so not DNATed there), and external or load balancer traffic that a
     * load balancer hands over keeping the client's source. With {@code externalTrafficPolicy:
     * Cluster} the external chain marks all of it for masquerade, so no pair is needed. With
     * {@code Local} and no local detector the pick is among this node's endpoints only. With
     * {@code Local} and a local detector, pod traffic is short-circuited to the cluster-wide pick
     * unmarked, as kube-proxy does: the pod on another node can be picked itself, so every
     * endpoint keeps its pair.
     *
     * <p>Not covered (kube-proxy's per-endpoint {@code ip saddr EP} masquerade rule would be): a
     * node running no service proxy that routes its pods' ClusterIP traffic through this node.
     * The agent runs on every node (a DaemonSet), and that node's own pods could not reach
     * services locally anyway.
     */
    private boolean hairpinFromOtherNodes() {
        return sp.externallyAccessible() && sp.externalPolicyLocal() && ctx.hasLocalDetector();
    }

    private void clusterIpElements(String internalChain, boolean hasInternal, Expr.Verdict internalFilter) {
        String ip = IpAddresses.format(sp.clusterIP());
        elements.add(new Element(CLUSTER_IPS, List.of(ip), null, null));
        if (hasInternal) {
            elements.add(new Element(SERVICE_IPS, ipKey(sp.clusterIP()), new Expr.Goto(internalChain), null));
        } else {
            elements.add(new Element(NO_ENDPOINT_SERVICES, ipKey(sp.clusterIP()), internalFilter, name.toString()));
        }
    }

    private void externalElements(boolean hasAny, Expr.Verdict externalFilter) {
        Expr.Verdict toExternal = new Expr.Goto(ChainNames.EXTERNAL + hashedBase);
        List<InetAddress> vips = new ArrayList<>(sp.externalIPs());
        vips.addAll(sp.loadBalancerIPs());
        for (InetAddress vip : vips) {
            if (hasAny) {
                elements.add(new Element(SERVICE_IPS, ipKey(vip), toExternal, null));
            }
            if (externalFilter != null) {
                elements.add(new Element(NO_ENDPOINT_SERVICES, ipKey(vip), externalFilter, name.toString()));
            }
        }
        if (sp.usesFirewall()) {
            for (InetAddress lb : sp.loadBalancerIPs()) {
                elements.add(new Element(FIREWALL_IPS, ipKey(lb), new Expr.Goto(ChainNames.FIREWALL + hashedBase), name.toString()));
            }
        }
        if (sp.nodePort() != 0) {
            // NodePorts are not subject to loadBalancerSourceRanges, as in kube-proxy
            List<String> key = List.of(sp.protocol().label(), Integer.toString(sp.nodePort()));
            if (hasAny) {
                elements.add(new Element(SERVICE_NODEPORTS, key, toExternal, null));
            }
            if (externalFilter != null) {
                elements.add(new Element(NO_ENDPOINT_NODEPORTS, key, externalFilter, name.toString()));
            }
        }
    }

    /**
     * service-X / local-X: the pick. Off-cluster ClusterIP traffic is marked for masquerade
     * before the dispatch, by one rule for all services ({@link BaseRules}).
     */
    private ChainDef policyChain(String chain, boolean local, String maglevMap, List<Endpoint> endpoints) {
        List<Rule> rules = new ArrayList<>();
        LoadBalancing mode = mode(endpoints);
        if (mode != LoadBalancing.RANDOM || endpoints.size() > ctx.endpointChainThreshold()) {
            chainedPick(rules, endpoints, mode, maglevMap);
        } else if (slotsUsable && !sp.clientIpAffinity() && endpoints.size() <= DnatSlotBlocks.SLOTS_PER_PICK) {
            slotPick(rules, endpoints, local);
        } else {
            inlinePick(rules, endpoints);
        }
        return new ChainDef(chain, null, rules);
    }

    /**
     * The service's mode, else the node's; a lookup table over more endpoints than it can spread
     * falls back to random (see {@link LookupTable#MIN_SLOTS_PER_ENDPOINT}), a rendezvous table too
     * costly to build to Maglev ({@link RendezvousTable#MAX_WEIGHTS}).
     */
    private LoadBalancing mode(List<Endpoint> endpoints) {
        LoadBalancing mode = ctx.loadBalancing().modeOf(sp.loadBalancing());
        if (mode.lookupTable() && (long) endpoints.size() * LookupTable.MIN_SLOTS_PER_ENDPOINT > tableSize()) {
            return LoadBalancing.RANDOM;
        }
        if (mode.rendezvous() && !RendezvousTable.affordable(endpoints.size(), tableSize())) {
            return mode.sourceOnly() ? LoadBalancing.MAGLEV_SOURCE : LoadBalancing.MAGLEV;
        }
        return mode;
    }

    /** Affinity first (a known client keeps its endpoint), then the mode's pick over the endpoint chains. */
    private void chainedPick(List<Rule> rules, List<Endpoint> endpoints, LoadBalancing mode, String maglevMap) {
        chainedEndpoints.addAll(endpoints);
        if (sp.clientIpAffinity()) {
            for (Endpoint ep : endpoints) {
                rules.add(Rule.of(new Expr.AddrInSet(Expr.Dir.SADDR, ChainNames.affinity(name, ep)),
                        new Expr.Goto(ChainNames.endpoint(name, ep))));
            }
        }
        List<String> chainNames = endpoints.stream().map(ep -> ChainNames.endpoint(name, ep)).toList();
        Expr pick = switch (mode) {
            case RANDOM -> new Expr.NumgenVmap(false, chainNames);
            case ROUND_ROBIN -> new Expr.NumgenVmap(true, chainNames);
            case MAGLEV, MAGLEV_SOURCE, RENDEZVOUS, RENDEZVOUS_SOURCE -> lookupTable(endpoints, mode, maglevMap);
        };
        rules.add(Rule.of(pick));
    }

    /** The service's M: its annotation's, else the node's. */
    private int tableSize() {
        return ctx.loadBalancing().tableSizeOf(sp.tableSize());
    }

    /** The mode's lookup table of these endpoints (named by ip:port, so the same on every node) as a map of slots. */
    private Expr lookupTable(List<Endpoint> endpoints, LoadBalancing mode, String map) {
        Map<String, String> chainOf = new HashMap<>();
        for (Endpoint ep : endpoints) {
            chainOf.put(ep.hostPort(), ChainNames.endpoint(name, ep));
        }
        LookupTable table = mode.table(List.copyOf(chainOf.keySet()), tableSize());
        containers.add(ContainerDef.slotMap(map, null));
        for (int i = 0; i < table.size(); i++) {
            elements.add(new Element(map, List.of(Integer.toString(i)), new Expr.Goto(chainOf.get(table.owner(i))), null));
        }
        return new Expr.JhashVmap(mode.sourceOnly() ? Expr.HashKey.SOURCE : Expr.HashKey.FIVE_TUPLE, MAGLEV_SEED, table.size(), map);
    }

    /**
     * One static rule picks slot k of N in {@code dnat-slots}, whose elements hold the endpoints:
     * replacing endpoints (a rolling update) rewrites elements only, which the kernel commits
     * without re-validating the table; only a change of N changes the rule.
     */
    private void slotPick(List<Rule> rules, List<Endpoint> endpoints, boolean local) {
        int block = DnatSlotBlocks.blockOf(digest);
        int offset = DnatSlotBlocks.offsetOf(block, local);
        String map = dnatSlots(sp.protocol(), DnatSlotBlocks.shardOf(block));
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint ep = endpoints.get(i);
            elements.add(new Element(map, List.of(Integer.toString(offset + i)), new Expr.AddrPort(ep.ip(), ep.port()), null));
        }
        rules.add(Rule.of(new Expr.L4Proto(sp.protocol()), new Expr.DnatSlots(endpoints.size(), offset, map)));
    }

    /** The same pick without endpoint chains or sets: each rule takes its endpoint with probability 1/k. */
    private void inlinePick(List<Rule> rules, List<Endpoint> endpoints) {
        if (sp.clientIpAffinity()) {
            for (Endpoint ep : endpoints) {
                List<Expr> r = new ArrayList<>(List.of(new Expr.AddrInSet(Expr.Dir.SADDR, ChainNames.affinity(name, ep))));
                r.addAll(dnat(ep));
                rules.add(new Rule(r, null));
            }
        }
        for (int i = 0; i < endpoints.size(); i++) {
            int k = endpoints.size() - i;
            List<Expr> r = new ArrayList<>();
            if (k > 1) {
                r.add(new Expr.NumgenEq(k));
            }
            r.addAll(dnat(endpoints.get(i)));
            rules.add(new Rule(r, null));
        }
    }

    /** [remember the client for affinity,] DNAT to the endpoint. */
    private List<Expr> dnat(Endpoint ep) {
        List<Expr> out = new ArrayList<>(3);
        if (sp.clientIpAffinity()) {
            out.add(new Expr.UpdateAffinity(ChainNames.affinity(name, ep)));
        }
        out.add(new Expr.L4Proto(sp.protocol()));
        out.add(new Expr.Dnat(ep.ip(), ep.port()));
        return out;
    }

    private ChainDef externalChain(String clusterChain, String policyChain) {
        List<Rule> rules = new ArrayList<>();
        if (!sp.externalPolicyLocal()) {
            // endpoints may be on other nodes: masquerade so that replies come back through this node
            rules.add(Rule.of(new Expr.Jump(MARK_FOR_MASQUERADE)));
        } else {
            if (ctx.hasLocalDetector()) {
                rules.add(Rule.commented("short-circuit pod traffic",
                        new Expr.Addr(Expr.Dir.SADDR, false, cidrs(ctx.clusterCidrs())), new Expr.Goto(clusterChain)));
            }
            // the node's own traffic has a local source address (often the VIP itself): masquerade it
            rules.add(Rule.commented("masquerade local traffic",
                    new Expr.FibLocal(Expr.Dir.SADDR), new Expr.Jump(MARK_FOR_MASQUERADE)));
            rules.add(Rule.commented("short-circuit local traffic",
                    new Expr.FibLocal(Expr.Dir.SADDR), new Expr.Goto(clusterChain)));
        }
        if (policyChain != null) {
            rules.add(Rule.of(new Expr.Goto(policyChain)));
        }
        return new ChainDef(ChainNames.EXTERNAL + hashedBase, null, rules);
    }

    private ChainDef firewallChain() {
        List<String> allowed = new ArrayList<>(cidrs(sp.sourceRanges()));
        boolean allowNode = false;
        for (Cidr c : sp.sourceRanges()) {
            allowNode |= c.contains(ctx.nodeIP());
        }
        if (allowNode) {
            // a VIP bound on the node: the node's own requests to it loop back with the VIP as source
            for (InetAddress lb : sp.loadBalancerIPs()) {
                allowed.add(IpAddresses.format(lb));
            }
        }
        Rule rule = allowed.isEmpty()
                ? Rule.commented("no loadBalancerSourceRanges of this family", new Expr.Drop())
                : Rule.of(new Expr.Addr(Expr.Dir.SADDR, true, allowed), new Expr.Drop());
        return new ChainDef(ChainNames.FIREWALL + hashedBase, null, List.of(rule));
    }

    /** endpoint-X: [remember the client,] DNAT. Hairpin is masqueraded in postrouting ({@code hairpin-ips}). */
    private ChainDef endpointChain(Endpoint ep) {
        return new ChainDef(ChainNames.endpoint(name, ep), null, List.of(new Rule(dnat(ep), null)));
    }

    private List<String> ipKey(InetAddress ip) {
        return List.of(IpAddresses.format(ip), sp.protocol().label(), Integer.toString(sp.port()));
    }

    private static List<String> cidrs(List<Cidr> cidrs) {
        return cidrs.stream().map(Cidr::toString).toList();
    }
}
