package io.clusterdns.server;

import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.fast.FastPath;
import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plugin.acl.AclConfig;
import io.clusterdns.server.plugin.acl.AclPlugin;
import io.clusterdns.server.plugin.any.AnyConfig;
import io.clusterdns.server.plugin.any.AnyPlugin;
import io.clusterdns.server.plugin.autopath.AutopathConfig;
import io.clusterdns.server.plugin.autopath.AutopathPlugin;
import io.clusterdns.server.plugin.autopath.AutopathSetup;
import io.clusterdns.server.plugin.bind.BindConfig;
import io.clusterdns.server.plugin.cache.CacheConfig;
import io.clusterdns.server.plugin.cache.CachePlugin;
import io.clusterdns.server.plugin.cache.CacheStore;
import io.clusterdns.server.plugin.chaos.ChaosConfig;
import io.clusterdns.server.plugin.chaos.ChaosPlugin;
import io.clusterdns.server.plugin.errors.ErrorsConfig;
import io.clusterdns.server.plugin.errors.ErrorsPlugin;
import io.clusterdns.server.plugin.forward.ForwardConfig;
import io.clusterdns.server.plugin.forward.ForwardMetrics;
import io.clusterdns.server.plugin.forward.ForwardPlugin;
import io.clusterdns.server.plugin.health.HealthConfig;
import io.clusterdns.server.plugin.hosts.HostsConfig;
import io.clusterdns.server.plugin.hosts.HostsFile;
import io.clusterdns.server.plugin.hosts.HostsMetrics;
import io.clusterdns.server.plugin.hosts.HostsPlugin;
import io.clusterdns.server.plugin.k8sexternal.K8sExternalConfig;
import io.clusterdns.server.plugin.k8sexternal.K8sExternalPlugin;
import io.clusterdns.server.plugin.kubernetes.KubernetesBackend;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.kubernetes.KubernetesPlugin;
import io.clusterdns.server.plugin.loadbalance.LoadbalanceConfig;
import io.clusterdns.server.plugin.loadbalance.LoadbalancePlugin;
import io.clusterdns.server.plugin.local.LocalConfig;
import io.clusterdns.server.plugin.local.LocalMetrics;
import io.clusterdns.server.plugin.local.LocalPlugin;
import io.clusterdns.server.plugin.log.LogConfig;
import io.clusterdns.server.plugin.log.LogPlugin;
import io.clusterdns.server.plugin.loop.LoopConfig;
import io.clusterdns.server.plugin.loop.LoopPlugin;
import io.clusterdns.server.plugin.minimal.MinimalConfig;
import io.clusterdns.server.plugin.minimal.MinimalPlugin;
import io.clusterdns.server.plugin.multicluster.MulticlusterConfig;
import io.clusterdns.server.plugin.multicluster.MulticlusterPlugin;
import io.clusterdns.server.plugin.prometheus.PrometheusConfig;
import io.clusterdns.server.plugin.prometheus.PrometheusPlugin;
import io.clusterdns.server.plugin.ready.ReadyConfig;
import io.clusterdns.server.plugin.reload.ReloadConfig;
import io.clusterdns.server.plugin.rewrite.RewriteConfig;
import io.clusterdns.server.plugin.rewrite.RewritePlugin;
import io.clusterdns.server.plugin.rrl.AccountTable;
import io.clusterdns.server.plugin.rrl.RrlConfig;
import io.clusterdns.server.plugin.rrl.RrlMetrics;
import io.clusterdns.server.plugin.rrl.RrlPlugin;
import io.clusterdns.server.plugin.template.TemplateConfig;
import io.clusterdns.server.plugin.template.TemplatePlugin;
import io.clusterdns.server.plugin.timeouts.TimeoutsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Makes the chain links of a server block from its plugins' configs, with the long-lived parts
 * they use (the kubernetes backends, the metrics, a timer). Configuration-only plugins (health,
 * ready, reload, bind) make no link: their endpoints and sockets are the server's.
 */
final class PluginFactory {
    private final DnsMetrics metrics;
    private final ForwardMetrics forwardMetrics;
    private final HostsMetrics hostsMetrics;
    private final MeterRegistry registry;
    private final Vertx vertx;
    private final ScheduledExecutorService timer;
    private final Function<KubernetesConfig.Backend, KubernetesBackend> backends;
    private final Runnable onLoop;
    private final PluginStates states;

    /**
     * @param registry where plugins register their own series ({@code coredns_cache_*})
     * @param onLoop   what the loop plugin does after reporting a loop (the server exits)
     * @param states   state kept across reloads for plugins whose setup did not change
     */
    PluginFactory(DnsMetrics metrics, ForwardMetrics forwardMetrics, HostsMetrics hostsMetrics, MeterRegistry registry, Vertx vertx,
                  ScheduledExecutorService timer, Function<KubernetesConfig.Backend, KubernetesBackend> backends, Runnable onLoop,
                  PluginStates states) {
        this.metrics = metrics;
        this.forwardMetrics = forwardMetrics;
        this.hostsMetrics = hostsMetrics;
        this.registry = registry;
        this.vertx = vertx;
        this.timer = timer;
        this.backends = backends;
        this.onLoop = onLoop;
        this.states = states;
    }

    /** The links of {@code block}, in chain order; its cache leaves the cluster zone's own answers alone where the fast path can serve the block. */
    List<Plugin> chain(BlockPlan block) {
        List<PluginConfig> configs = new ArrayList<>();
        for (PluginConfig c : block.plugins()) {
            if (!(c instanceof HealthConfig || c instanceof ReadyConfig || c instanceof ReloadConfig || c instanceof BindConfig
                    || c instanceof TimeoutsConfig)) {
                configs.add(c);
            }
        }
        List<Plugin> out = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            String next = i + 1 < configs.size() ? configs.get(i + 1).name() : "";
            out.add(create(configs.get(i), next, block, i));
        }
        return FastPath.cacheLeavingClusterAnswers(out);
    }

    /** @param position where the link is in the block's chain (tells two identical lines apart) */
    private Plugin create(PluginConfig config, String nextPlugin, BlockPlan block, int position) {
        if (config instanceof KubernetesConfig k) {
            return new KubernetesPlugin(backends.apply(k.backend()).resolver(k.resolver()), k.fallthrough());
        }
        if (config instanceof MulticlusterConfig m) {
            return new MulticlusterPlugin(backends.apply(m.backend()).clusterSet(m.clusterSet()), m.fallthrough());
        }
        if (config instanceof K8sExternalConfig e) {
            // the plan made sure the block has a kubernetes plugin: its index is the one answered from
            KubernetesConfig k = block.plugin(KubernetesConfig.class).orElseThrow();
            return K8sExternalPlugin.of(e, backends.apply(k.backend()).resolver(k.resolver()), block.bind());
        }
        if (config instanceof PrometheusConfig) {
            return new PrometheusPlugin(metrics, nextPlugin);
        }
        if (config instanceof ErrorsConfig e) {
            return new ErrorsPlugin(e, timer);
        }
        if (config instanceof LogConfig l) {
            return new LogPlugin(l);
        }
        if (config instanceof AclConfig a) {
            return new AclPlugin(a, registry);
        }
        if (config instanceof RrlConfig r) {
            // one set of series for the server; the accounts kept across a reload that leaves the line alone
            RrlMetrics m = states.get(List.of(RrlConfig.NAME), RrlMetrics.class, () -> new RrlMetrics(registry, timer));
            AccountTable table = states.get(List.of(RrlConfig.NAME, block.keys(), r), AccountTable.class, () -> m.table(r));
            return new RrlPlugin(r, table, m, System::nanoTime);
        }
        if (config instanceof LoadbalanceConfig) {
            return new LoadbalancePlugin();
        }
        if (config instanceof RewriteConfig r) {
            return new RewritePlugin(r);
        }
        if (config instanceof LoopConfig) {
            return new LoopPlugin(block.zones().get(0), onLoop);
        }
        if (config instanceof CacheConfig c) {
            // the same cache line in a block with the same keys keeps its entries across a reload, as long as every
            // plugin after it (whose answers it holds) is set up as before; CoreDNS empties it on every reload
            List<PluginConfig> plugins = block.plugins();
            List<Object> after = plugins.subList(plugins.indexOf(c) + 1, plugins.size()).stream().map(PluginConfig::setupKey).toList();
            CacheStore store = states.get(List.of(CacheConfig.NAME, block.keys(), c, after), CacheStore.class, () -> new CacheStore(c));
            return new CachePlugin(c, store, registry, System::nanoTime);
        }
        if (config instanceof TemplateConfig t) {
            return new TemplatePlugin(t, registry);
        }
        if (config instanceof AutopathConfig a) {
            // @kubernetes reads the client's pod from the index the block's kubernetes plugin answers from
            KubernetesConfig k = a.kubernetes() && AutopathSetup.inactive(block.plugins()) == null
                    ? block.plugin(KubernetesConfig.class).orElseThrow() : null;
            return new AutopathPlugin(a, k == null ? null : backends.apply(k.backend()).resolver(k.resolver()), registry);
        }
        if (config instanceof ForwardConfig f) {
            // the link is the state: its connections, health checks and upstreams' up/down kept across a
            // reload that leaves the line (and what follows it) alone
            boolean nextIsForward = ForwardConfig.NAME.equals(nextPlugin);
            return states.get(List.of(ForwardConfig.NAME, block.keys(), f, nextIsForward, position), ForwardPlugin.class,
                    () -> new ForwardPlugin(f, vertx, forwardMetrics, nextIsForward));
        }
        if (config instanceof HostsConfig h) {
            // the file as read, and its checks, kept across a reload that leaves the line alone
            HostsFile file = states.get(List.of(HostsConfig.NAME, block.keys(), h), HostsFile.class,
                    () -> new HostsFile(h, timer, hostsMetrics));
            return new HostsPlugin(h, file);
        }
        if (config instanceof LocalConfig l) {
            return new LocalPlugin(l, LocalMetrics.requests(registry));
        }
        if (config instanceof AnyConfig) {
            return new AnyPlugin();
        }
        if (config instanceof MinimalConfig) {
            return new MinimalPlugin();
        }
        if (config instanceof ChaosConfig c) {
            return new ChaosPlugin(c);
        }
        throw new IllegalStateException("no chain link for plugin " + config.name());
    }
}
