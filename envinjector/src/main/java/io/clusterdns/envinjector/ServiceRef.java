package io.clusterdns.envinjector;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of {@code clusterdns.io/services}: {@code name} (the pod's namespace) or
 * {@code namespace/name}.
 *
 * @param namespace the service's namespace (the pod's when the entry named none)
 * @param name      the service name
 * @param foreign   true when the service lives in another namespace than the pod: its variables
 *                  are then prefixed with the namespace ({@code PAYMENTS_API_SERVICE_HOST}) so they
 *                  never collide with the pod's own services
 */
public record ServiceRef(String namespace, String name, boolean foreign) {
    /** A Service name: an RFC 1035 label, as the API server validates it. */
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    /** A Namespace name: an RFC 1123 label. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public ServiceRef {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    /**
     * Parses one trimmed, non-empty entry written in a pod of {@code podNamespace}.
     *
     * @throws IllegalArgumentException naming what is wrong with the entry
     */
    public static ServiceRef parse(String entry, String podNamespace) {
        int slash = entry.indexOf('/');
        String ns = slash < 0 ? podNamespace : entry.substring(0, slash);
        String name = slash < 0 ? entry : entry.substring(slash + 1);
        if (name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("\"" + entry + "\" is not NAME or NAMESPACE/NAME");
        }
        if (!NAMESPACE.matcher(ns).matches()) {
            throw new IllegalArgumentException("\"" + entry + "\": \"" + ns + "\" is not a namespace name");
        }
        if (!SERVICE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("\"" + entry + "\": \"" + name + "\" is not a service name");
        }
        return new ServiceRef(ns, name, !ns.equals(podNamespace));
    }

    /** {@code REDIS_PRIMARY}, or {@code PAYMENTS_API} for a foreign service. */
    public String prefix() {
        return foreign ? EnvNames.of(namespace + "_" + name) : EnvNames.of(name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
