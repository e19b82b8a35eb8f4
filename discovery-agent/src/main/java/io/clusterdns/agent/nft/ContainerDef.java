package io.clusterdns.agent.nft;

import java.util.Objects;

/**
 * A named set or verdict map. {@code timeoutSeconds} > 0 makes a dynamic set with timeouts (the
 * session affinity sets, filled by the packets themselves, never by the agent).
 */
public record ContainerDef(boolean map, String name, String type, int timeoutSeconds, String comment) {
    public ContainerDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static ContainerDef set(String name, String type, String comment) {
        return new ContainerDef(false, name, type, 0, comment);
    }

    public static ContainerDef verdictMap(String name, String keyType, String comment) {
        return new ContainerDef(true, name, keyType + " : verdict", 0, comment);
    }

    /**
     * A verdict map keyed by a 32-bit number (a Maglev table's slots). nft 1.0.6 has no plain
     * integer type for {@code type}, so the key is declared by {@code typeof} an expression of
     * that type ({@code typeof jhash ...} would do too, but makes that version of nft crash when it
     * lists the map).
     */
    public static ContainerDef slotMap(String name, String comment) {
        return new ContainerDef(true, name, "typeof numgen inc mod 2 : verdict", 0, comment);
    }

    /**
     * A data map of DNAT slots ({@link Expr.DnatSlots}): a 32-bit slot number (declared by
     * {@code typeof numgen}, as {@link #slotMap}) to an endpoint's address and port; {@code nft}
     * is the family's word, {@code ip} or {@code ip6}. One map per protocol, declared with that
     * protocol's port ({@code tcp dport}): nft 1.0.6 refuses to add a rule matching {@code meta
     * l4proto udp} that maps through a map declared with {@code tcp dport} or {@code th dport}
     * once the map is in the kernel ("conflicting protocols specified").
     */
    public static ContainerDef dnatSlotMap(String name, String nft, String protocol, String comment) {
        return new ContainerDef(true, name, "typeof numgen random mod 2 : " + nft + " daddr . " + protocol + " dport", 0, comment);
    }

    public static ContainerDef affinitySet(String name, String type, int timeoutSeconds) {
        return new ContainerDef(false, name, type, timeoutSeconds, null);
    }

    public boolean dynamic() {
        return timeoutSeconds > 0;
    }

    public String keyword() {
        return map ? "map" : "set";
    }

    /** {@code type ipv4_addr : verdict}, or the {@code typeof ...} declaration as is. */
    public String typeClause() {
        return type.startsWith("typeof ") ? type : "type " + type;
    }

    /** The body between braces, as one line: {@code type ipv4_addr; flags dynamic,timeout; timeout 10800s;}. */
    public String body() {
        StringBuilder sb = new StringBuilder(typeClause()).append(';');
        if (dynamic()) {
            sb.append(" flags dynamic,timeout; timeout ").append(timeoutSeconds).append("s;");
        }
        if (comment != null) {
            sb.append(" comment ").append(Names.quote(comment)).append(';');
        }
        return sb.toString();
    }
}
