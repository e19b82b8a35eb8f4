package io.clusterdns.agent.lb;

import io.clusterdns.k8s.config.ConfigException;
import java.util.Objects;

/**
 * The node's load balancing settings: the mode of services without the annotation, and the size
 * of Maglev lookup tables. Every node must use the same table size, or a flow arriving at two
 * nodes (ECMP towards a load balancer IP) picks different endpoints.
 *
 * @param nodeDefault      the mode of services without a (valid) {@link ServiceLoadBalancing#ANNOTATION}
 * @param maglevTableSize  M, a prime: slots of each Maglev table; a service with more endpoints
 *                         than M/{@link LookupTable#MIN_SLOTS_PER_ENDPOINT} falls back to random; a Service's
 *                         {@link ServiceLoadBalancing#TABLE_SIZE_ANNOTATION} overrides it (Maglev and rendezvous)
 */
public record LoadBalancingConfig(LoadBalancing nodeDefault, int maglevTableSize) {

    /**
     * See the README ("Maglev"): when one endpoint of 100 comes or goes, 4.2 % of flows move (ideal
     * 1 %; 2.4 % with 16381, 1.6 % with 65537; rendezvous ~1 % at any M), but every slot is a map element the kernel holds
     * (~110–160 bytes) and nft or the kernel rewrites: with 200 Maglev services a one-service change
     * takes ~0.4–0.65 s at 4093 (README "What M costs"). Small services lose little: 5 endpoints, 20.5 % (ideal 20 %).
     */
    public static final int DEFAULT_MAGLEV_TABLE_SIZE = 4093;
    public static final int MIN_MAGLEV_TABLE_SIZE = 251;
    /** A table of 65,537 slots costs ~1 s of nft work when written in full: larger ones are refused. */
    public static final int MAX_MAGLEV_TABLE_SIZE = 65537;
    public static final LoadBalancingConfig DEFAULT = new LoadBalancingConfig(LoadBalancing.RANDOM, DEFAULT_MAGLEV_TABLE_SIZE);

    public LoadBalancingConfig {
        Objects.requireNonNull(nodeDefault, "nodeDefault");
        String problem = tableSizeProblem(Integer.toString(maglevTableSize));
        if (problem != null) {
            throw new ConfigException("--maglev-table-size", problem);
        }
    }

    /** Why a table size (the flag's, an annotation's text) is not valid, or null if it is. */
    public static String tableSizeProblem(String value) {
        String got;
        try {
            int m = Integer.parseInt(value.trim());
            if (m >= MIN_MAGLEV_TABLE_SIZE && m <= MAX_MAGLEV_TABLE_SIZE && LookupTable.isPrime(m)) {
                return null;
            }
            got = Integer.toString(m);
        } catch (NumberFormatException e) {
            // the same message as for a number out of range; text quoted, so an empty value shows
            got = "\"" + value + "\"";
        }
        return "must be a prime between " + MIN_MAGLEV_TABLE_SIZE + " and " + MAX_MAGLEV_TABLE_SIZE
                + " (e.g. 1021, 4093, 16381, 65537), got " + got;
    }

    /** Parses {@code --maglev-table-size} with the annotation's rules and message. */
    public static int parseTableSize(String value) {
        String problem = tableSizeProblem(value);
        if (problem != null) {
            throw new ConfigException("--maglev-table-size", problem);
        }
        return Integer.parseInt(value.trim());
    }

    /** Parses {@code --load-balancing}. */
    public static LoadBalancing parseMode(String value) {
        return LoadBalancing.of(value).orElseThrow(() -> new ConfigException("--load-balancing",
                "must be one of " + LoadBalancing.labels() + ", got \"" + value + "\""));
    }

    /** The mode of a service: its own if it chose one, else the node's. */
    public LoadBalancing modeOf(LoadBalancing serviceChoice) {
        return serviceChoice != null ? serviceChoice : nodeDefault;
    }

    /** The table size of a service: its own if it chose one (0: none), else the node's. */
    public int tableSizeOf(int serviceChoice) {
        return serviceChoice != 0 ? serviceChoice : maglevTableSize;
    }
}
