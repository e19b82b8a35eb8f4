package io.clusterdns.agent.nft;

import java.util.List;
import java.util.Objects;

/**
 * What one owner contributes to a table: the static skeleton ({@link #BASE_OWNER}) or one service
 * port. Chains and sets belong to exactly one owner (their names are derived from it); map and
 * set elements may be claimed by several (two ports of a service share their cluster IP in
 * {@code cluster-ips}).
 */
public record Fragment(String owner, List<ChainDef> chains, List<ContainerDef> containers, List<Element> elements) {
    /** Sorts before every service port ({@code ns/name/proto/port}). */
    public static final String BASE_OWNER = "";

    public Fragment {
        Objects.requireNonNull(owner, "owner");
        chains = List.copyOf(chains);
        containers = List.copyOf(containers);
        elements = List.copyOf(elements);
    }

    public int ruleCount() {
        int n = 0;
        for (ChainDef c : chains) {
            n += c.rules().size();
        }
        return n;
    }
}
