package io.clusterdns.server.plugin.multicluster;

import io.clusterdns.resolver.ClusterSetConfig;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.plugin.kubernetes.FollowsCluster;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.kubernetes.SourceConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code multicluster} plugin of one server block: what the clusterset zone answers
 * ({@link ClusterSetConfig}: zones, TTL, {@code noendpoints}), which missing names go on to the
 * next plugin, and the cluster source it follows.
 *
 * @param followed  the backend followed: a source of its own ({@code kubeconfig}); else the
 *                  {@code kubernetes} plugin's of its block (one source, one set of informers,
 *                  for both zones, with what that plugin's options add: Pods, their names); else
 *                  the pod's service account. Null until {@link MulticlusterSetup#link} has looked
 *                  at the block.
 * @param where     where the line was written ({@code FILE:LINE})
 */
public record MulticlusterConfig(ClusterSetConfig clusterSet, Fallthrough fallthrough, KubernetesConfig.Backend followed, String where)
        implements FollowsCluster {
    public static final String NAME = "multicluster";

    @Override
    public Object setupKey() {
        return new MulticlusterConfig(clusterSet, fallthrough, followed, null);
    }

    /** The source followed, null until linked (see {@link #followed}). */
    public SourceConfig source() {
        return followed == null ? null : followed.source();
    }
    /** CoreDNS's multicluster plugin waits up to 5 seconds for its first sync, and has no option for it. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(5);

    public MulticlusterConfig {
        Objects.requireNonNull(clusterSet, "clusterSet");
        fallthrough = fallthrough == null ? Fallthrough.NONE : fallthrough;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** What its source must watch besides the cluster's objects: ServiceImports, and their slices unless {@code noendpoints}. */
    public SourceConfig.ClusterSet watch() {
        return clusterSet.noEndpoints() ? SourceConfig.ClusterSet.IMPORTS : SourceConfig.ClusterSet.IMPORTS_AND_SLICES;
    }

    /** The same plugin following {@code other}. */
    MulticlusterConfig following(KubernetesConfig.Backend other) {
        return new MulticlusterConfig(clusterSet, fallthrough, other, where);
    }

    @Override
    public KubernetesConfig.Backend backend() {
        if (followed == null) {
            throw new IllegalStateException("multicluster plugin not linked to its server block");
        }
        return followed;
    }

    @Override
    public Object indexConfig() {
        return clusterSet;
    }

    @Override
    public Duration startupTimeout() {
        return STARTUP_TIMEOUT;
    }
}
