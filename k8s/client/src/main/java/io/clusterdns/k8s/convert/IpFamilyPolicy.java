package io.clusterdns.k8s.convert;

/**
 * {@code spec.ipFamilyPolicy}. Only needed where cluster IPs are allocated (the manifest source);
 * objects from an API server already carry their final {@code clusterIPs}.
 */
public enum IpFamilyPolicy {
    SINGLE_STACK("SingleStack"), PREFER_DUAL_STACK("PreferDualStack"), REQUIRE_DUAL_STACK("RequireDualStack");

    private final String apiName;

    IpFamilyPolicy(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public boolean dualStack() {
        return this != SINGLE_STACK;
    }

    /** Parses the API spelling; throws IllegalArgumentException naming the bad value. */
    public static IpFamilyPolicy parse(String value) {
        for (IpFamilyPolicy p : values()) {
            if (p.apiName.equals(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unsupported ipFamilyPolicy \"" + value
                + "\" (expected SingleStack, PreferDualStack or RequireDualStack)");
    }
}
