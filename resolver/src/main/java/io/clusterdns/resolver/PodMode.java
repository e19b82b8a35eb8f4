package io.clusterdns.resolver;

import java.util.Locale;

/** CoreDNS {@code pods} option: how {@code a-b-c-d.<ns>.pod.<zone>} is answered. */
public enum PodMode {
    /** No pod records (CoreDNS default): pod names are NXDOMAIN. */
    DISABLED,
    /** Answer any well-formed dashed IP without checking a pod exists (kube-dns compatible). */
    INSECURE,
    /** Answer only when a pod with that IP exists in that namespace. Needs the pod informer. */
    VERIFIED;

    public static PodMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid pods mode \"" + value + "\" (expected disabled, insecure or verified)");
        }
    }
}
