package io.clusterdns.envinjector;

import java.util.Locale;

/**
 * Which variables a service contributes ({@code clusterdns.io/env-style}).
 *
 * <ul>
 *   <li>{@code kubelet}: exactly kubelet's variables: {@code _SERVICE_HOST}, {@code _SERVICE_PORT},
 *       {@code _SERVICE_PORT_<NAME>} and the Docker-link {@code _PORT...} family;</li>
 *   <li>{@code dns}: {@code _SERVICE_DNS} (the service's DNS name, which survives a cluster IP
 *       change), {@code _SERVICE_PORT} and {@code _SERVICE_PORT_<NAME>}; no IPs and no Docker-link
 *       variables (no {@code KAFKA_PORT=tcp://...} surprise);</li>
 *   <li>{@code both}: kubelet's variables plus {@code _SERVICE_DNS}.</li>
 * </ul>
 */
public enum EnvStyle {
    KUBELET, DNS, BOTH;

    public static final EnvStyle DEFAULT = KUBELET;

    /** Parses the annotation value (case-insensitive, surrounding blanks ignored). */
    public static EnvStyle parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "kubelet" -> KUBELET;
            case "dns" -> DNS;
            case "both" -> BOTH;
            default -> throw new IllegalArgumentException("expected kubelet, dns or both, got \"" + text + "\"");
        };
    }

    boolean ipVariables() {
        return this != DNS;
    }

    boolean dnsVariables() {
        return this != KUBELET;
    }
}
