package io.clusterdns.agent.nft;

/** The fixed names in the agent's tables (chains, sets and maps that are not per service). */
public final class Names {
    /** Our table, in family {@code ip} and {@code ip6}. Nothing outside it is ever touched. */
    public static final String TABLE = "clusterdns";
    public static final String TABLE_COMMENT = "clusterdns discovery-agent: service load balancing (managed, do not edit)";

    public static final String FILTER_PREROUTING = "filter-prerouting";
    public static final String FILTER_INPUT = "filter-input";
    public static final String FILTER_FORWARD = "filter-forward";
    public static final String FILTER_OUTPUT = "filter-output";
    public static final String FILTER_OUTPUT_POST_DNAT = "filter-output-post-dnat";
    public static final String NAT_PREROUTING = "nat-prerouting";
    public static final String NAT_OUTPUT = "nat-output";
    public static final String NAT_POSTROUTING = "nat-postrouting";

    public static final String SERVICES = "services";
    public static final String SERVICE_IPS = "service-ips";
    public static final String SERVICE_NODEPORTS = "service-nodeports";
    public static final String NODEPORT_IPS = "nodeport-ips";
    public static final String CLUSTER_IPS = "cluster-ips";
    public static final String CLUSTER_IPS_CHECK = "cluster-ips-check";
    public static final String SERVICE_ENDPOINTS_CHECK = "service-endpoints-check";
    public static final String NODEPORT_ENDPOINTS_CHECK = "nodeport-endpoints-check";
    public static final String NO_ENDPOINT_SERVICES = "no-endpoint-services";
    public static final String NO_ENDPOINT_NODEPORTS = "no-endpoint-nodeports";
    public static final String REJECT_CHAIN = "reject-chain";
    public static final String FIREWALL_IPS = "firewall-ips";
    public static final String FIREWALL_CHECK = "firewall-check";
    public static final String MARK_FOR_MASQUERADE = "mark-for-masquerade";
    public static final String MASQUERADING = "masquerading";
    public static final String HAIRPIN_IPS = "hairpin-ips";
    /**
     * Slot : endpoint address . port, for the random pick of small services ({@link Expr.DnatSlots}):
     * {@link DnatSlotBlocks#SHARDS} maps per protocol.
     */
    public static final String DNAT_SLOTS = "dnat-slots-";

    /** {@code dnat-slots-tcp-7}. */
    public static String dnatSlots(io.clusterdns.k8s.model.Protocol p, int shard) {
        return DNAT_SLOTS + p.label() + "-" + shard;
    }

    private Names() {
    }

    /** A double-quoted nft string; the agent's comments never contain quotes, but a name could. */
    public static String quote(String s) {
        return '"' + s.replace("\"", "'") + '"';
    }
}
