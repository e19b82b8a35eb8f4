package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.chain.Fallthrough;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code kubernetes} plugin of one server block: what the zone logic answers
 * ({@link ResolverConfig}: zones, TTL, pods, namespaces, ...), where the cluster state comes from
 * ({@link SourceConfig}), which missing names go on to the next plugin, and how long start-up
 * waits for the first complete view.
 */
public record KubernetesConfig(ResolverConfig resolver, SourceConfig source, Fallthrough fallthrough, Duration startupTimeout,
        String where) implements FollowsCluster {
    public static final String NAME = "kubernetes";

    @Override
    public Object setupKey() {
        return new KubernetesConfig(resolver, source, fallthrough, startupTimeout, null);
    }
    /** CoreDNS's {@code startup_timeout} default. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration MAX_STARTUP_TIMEOUT = Duration.ofMinutes(10);

    /** Built from the command line's flags: no Corefile line. */
    public KubernetesConfig(ResolverConfig resolver, SourceConfig source, Fallthrough fallthrough, Duration startupTimeout) {
        this(resolver, source, fallthrough, startupTimeout, null);
    }

    public KubernetesConfig {
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(source, "source");
        fallthrough = fallthrough == null ? Fallthrough.NONE : fallthrough;
        startupTimeout = startupTimeout == null ? DEFAULT_STARTUP_TIMEOUT : startupTimeout;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The same plugin following another source (the multicluster plugin of its block adds what it watches). */
    public KubernetesConfig withSource(SourceConfig other) {
        return new KubernetesConfig(resolver, other, fallthrough, startupTimeout, where);
    }

    @Override
    public Object indexConfig() {
        return resolver;
    }

    /** The part that decides the running cluster source: equal ones share it across blocks and reloads. */
    @Override
    public Backend backend() {
        return new Backend(source, resolver.podMode() == io.clusterdns.resolver.PodMode.VERIFIED, resolver.endpointPodNames());
    }

    /**
     * What a {@link KubernetesBackend}'s cluster source is built from: what it follows, whether it
     * watches Pods ({@code pods verified}), and whether its endpoints keep the names of their Pods
     * ({@code endpoint_pod_names}: {@link io.clusterdns.k8s.informer.InformerConfig#endpointPodNames}).
     */
    public record Backend(SourceConfig source, boolean watchPods, boolean endpointPodNames) {
        /** A backend following {@code source} without Pods and their names. */
        public Backend(SourceConfig source) {
            this(source, false, false);
        }
    }
}
