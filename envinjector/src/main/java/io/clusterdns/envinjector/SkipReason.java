package io.clusterdns.envinjector;

import java.util.Locale;

/**
 * Why something was not injected, as the {@code reason} label of {@code envinjector_skipped_total}.
 * Each reason concerns one {@link Scope}: a whole pod (admitted without a patch), one selected
 * service, or one variable of one container.
 */
public enum SkipReason {
    /** Neither the namespace label nor the pod annotation asks for injection. */
    NOT_OPTED_IN(Scope.POD),
    /** {@code clusterdns.io/inject: "false"} in an enabled namespace. */
    OPTED_OUT(Scope.POD),
    /** Not a CREATE (the webhook configuration should only send CREATE; env is immutable afterwards). */
    NOT_CREATE(Scope.POD),
    /** The request is not about a v1 Pod (a misconfigured webhook rule). */
    NOT_A_POD(Scope.POD),
    /** The service cache has not synced yet: injecting from an empty cache would be wrong. */
    NOT_SYNCED(Scope.POD),
    /** {@code clusterdns.io/env-style} has a value we do not know. */
    INVALID_ANNOTATION(Scope.POD),
    /** More variables than {@code --max-variables}; injecting them could make the pod too big to store. */
    TOO_MANY_VARIABLES(Scope.POD),
    /** The pod has no containers to inject into. */
    NO_CONTAINERS(Scope.POD),
    /** Nothing to inject: no services with variables selected. */
    NO_VARIABLES(Scope.POD),
    /** Every variable is already defined in every container (e.g. a second admission). */
    ALREADY_PRESENT(Scope.POD),
    /** Our own patch did not verify against the request object; a bug, logged as an error. */
    PATCH_VERIFICATION_FAILED(Scope.POD),
    /** An unexpected exception; logged with its stack trace, the pod is admitted unchanged. */
    INTERNAL_ERROR(Scope.POD),

    /** An entry of {@code clusterdns.io/services} is not {@code name} or {@code namespace/name}. */
    INVALID_REFERENCE(Scope.SERVICE),
    /** A selected service does not exist (yet). */
    SERVICE_NOT_FOUND(Scope.SERVICE),
    /** A service without cluster IP (headless, ExternalName) in kubelet style. */
    NO_CLUSTER_IP(Scope.SERVICE),
    /** Two selected services map to the same variable prefix; the first one wins. */
    NAME_COLLISION(Scope.SERVICE),

    /** A generated name is not {@code [A-Za-z_][A-Za-z0-9_]*}. */
    INVALID_NAME(Scope.VARIABLE),
    /** Two services generate the same variable name; the first one wins. */
    DUPLICATE_NAME(Scope.VARIABLE),
    /** The container already defines the variable in {@code env}; the pod's own definition wins. */
    ALREADY_DEFINED(Scope.VARIABLE);

    /** What a skip counts. */
    public enum Scope { POD, SERVICE, VARIABLE }

    private final Scope scope;

    SkipReason(Scope scope) {
        this.scope = scope;
    }

    public Scope scope() {
        return scope;
    }

    /** The metric label: {@code not_opted_in}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
