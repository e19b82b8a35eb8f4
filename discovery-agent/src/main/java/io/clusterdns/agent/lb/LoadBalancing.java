package io.clusterdns.agent.lb;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a service chain picks one of its endpoints for a new connection (replies and later packets
 * follow conntrack, whatever the mode).
 */
public enum LoadBalancing {
    /** {@code numgen random mod N}: kube-proxy's nftables mode. */
    RANDOM("random"),
    /** {@code numgen inc mod N}: each new connection the next endpoint, as IPVS's {@code rr}. */
    ROUND_ROBIN("round-robin"),
    /** Maglev lookup table indexed by {@code jhash} of the 5-tuple: a flow keeps its endpoint across nodes and restarts. */
    MAGLEV("maglev"),
    /** The same table indexed by the source address only: every connection of a client reaches the same endpoint. */
    MAGLEV_SOURCE("maglev-source"),
    /**
     * The same kernel layout as {@code maglev}, the table filled by rendezvous hashing
     * ({@link RendezvousTable}): only the flows of the endpoint that comes or goes move, shares are uneven.
     */
    RENDEZVOUS("rendezvous"),
    /** Rendezvous over the source address only. */
    RENDEZVOUS_SOURCE("rendezvous-source");

    private final String label;

    LoadBalancing(String label) {
        this.label = label;
    }

    /** The name in the flag and the annotation. */
    public String label() {
        return label;
    }

    /** Picks through a lookup table of slots ({@link LookupTable}) indexed by a hash of the flow. */
    public boolean lookupTable() {
        return this == MAGLEV || this == MAGLEV_SOURCE || this == RENDEZVOUS || this == RENDEZVOUS_SOURCE;
    }

    public boolean rendezvous() {
        return this == RENDEZVOUS || this == RENDEZVOUS_SOURCE;
    }

    /** A table mode that hashes the source address only (all connections of a client to one endpoint). */
    public boolean sourceOnly() {
        return this == MAGLEV_SOURCE || this == RENDEZVOUS_SOURCE;
    }

    /** This table mode's table of the backends (named {@code ip:port}) with {@code size} slots. */
    public LookupTable table(List<String> backendNames, int size) {
        return switch (this) {
            case MAGLEV, MAGLEV_SOURCE -> MaglevTable.build(backendNames, size);
            case RENDEZVOUS, RENDEZVOUS_SOURCE -> RendezvousTable.build(backendNames, size);
            case RANDOM, ROUND_ROBIN -> throw new IllegalStateException(label + " has no lookup table");
        };
    }

    /** The mode named {@code value} (case-insensitive, surrounding spaces ignored), if any. */
    public static Optional<LoadBalancing> of(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.label.equals(v)).findFirst();
    }

    /** {@code random, round-robin, maglev, maglev-source, rendezvous, rendezvous-source}: for error messages and help. */
    public static String labels() {
        return Arrays.stream(values()).map(LoadBalancing::label).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return label;
    }
}
