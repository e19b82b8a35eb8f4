package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.server.chain.PluginConfig;
import java.time.Duration;

/**
 * A plugin that answers from a Kubernetes cluster source: {@code kubernetes}, and
 * {@code multicluster}. The server starts one {@link KubernetesBackend} per distinct
 * {@link #backend()} (plugins asking for the same one share it, across blocks and reloads) and
 * keeps in it one index per distinct {@link #indexConfig()} while a plugin uses it.
 */
public interface FollowsCluster extends PluginConfig {
    /** What the backend's cluster source is built from. */
    KubernetesConfig.Backend backend();

    /** The configuration of the zone index the plugin answers from ({@code ResolverConfig}, {@code ClusterSetConfig}). */
    Object indexConfig();

    /** How long start-up waits for the backend's first snapshot (CoreDNS's start-up rule). */
    Duration startupTimeout();

    /** Where the plugin was written ({@code FILE:LINE}), null when it comes from command-line flags. */
    String where();
}
