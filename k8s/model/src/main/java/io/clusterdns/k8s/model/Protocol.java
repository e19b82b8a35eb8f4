package io.clusterdns.k8s.model;

/** L4 protocol of a service or endpoint port. */
public enum Protocol {
    TCP, UDP, SCTP;

    /** Parses the Kubernetes spelling; an absent value means TCP, as the API server defaults it. */
    public static Protocol parse(String value) {
        if (value == null || value.isEmpty()) {
            return TCP;
        }
        return switch (value) {
            case "TCP" -> TCP;
            case "UDP" -> UDP;
            case "SCTP" -> SCTP;
            default -> throw new IllegalArgumentException("unsupported protocol \"" + value + "\" (expected TCP, UDP or SCTP)");
        };
    }

    /** Lower-case name as used in SRV owner labels ({@code _tcp}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
