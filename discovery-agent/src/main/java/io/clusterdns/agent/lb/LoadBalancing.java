package io.clusterdns.agent.lb;

import java.util.Arrays;
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
    MAGLEV_SOURCE("maglev-source");

    private final String label;

    LoadBalancing(String label) {
        this.label = label;
    }

    /** The name in the flag and the annotation. */
    public String label() {
        return label;
    }

    public boolean maglev() {
        return this == MAGLEV || this == MAGLEV_SOURCE;
    }

    /** The mode named {@code value} (case-insensitive, surrounding spaces ignored), if any. */
    public static Optional<LoadBalancing> of(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.label.equals(v)).findFirst();
    }

    /** {@code random, round-robin, maglev, maglev-source}: for error messages and help. */
    public static String labels() {
        return Arrays.stream(values()).map(LoadBalancing::label).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return label;
    }
}
