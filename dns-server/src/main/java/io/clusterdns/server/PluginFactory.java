package io.clusterdns.server;

import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plugin.errors.ErrorsConfig;
import io.clusterdns.server.plugin.errors.ErrorsPlugin;
import io.clusterdns.server.plugin.forward.ForwardConfig;
import io.clusterdns.server.plugin.forward.ForwardMetrics;
import io.clusterdns.server.plugin.forward.ForwardPlugin;
import io.clusterdns.server.plugin.health.HealthConfig;
import io.clusterdns.server.plugin.kubernetes.KubernetesBackend;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.kubernetes.KubernetesPlugin;
import io.clusterdns.server.plugin.prometheus.PrometheusConfig;
import io.clusterdns.server.plugin.prometheus.PrometheusPlugin;
import io.clusterdns.server.plugin.ready.ReadyConfig;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the chain links of a server block from its plugins' configs, with the long-lived parts
 * they use (the kubernetes backends, the metrics, a timer, the event loops). Configuration-only
 * plugins (health, ready) make no link: their endpoints are the server's. Links that hold
 * resources (forward's sockets and health checks) are closed by {@link #close}.
 */
final class PluginFactory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PluginFactory.class);

    private final DnsMetrics metrics;
    private final ForwardMetrics forwardMetrics;
    private final Vertx vertx;
    private final ScheduledExecutorService timer;
    private final Function<KubernetesConfig, KubernetesBackend> backends;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    PluginFactory(DnsMetrics metrics, ForwardMetrics forwardMetrics, Vertx vertx, ScheduledExecutorService timer,
                  Function<KubernetesConfig, KubernetesBackend> backends) {
        this.metrics = metrics;
        this.forwardMetrics = forwardMetrics;
        this.vertx = vertx;
        this.timer = timer;
        this.backends = backends;
    }

    /** The links of {@code block}, in chain order. */
    List<Plugin> chain(BlockPlan block) {
        List<PluginConfig> configs = new ArrayList<>();
        for (PluginConfig c : block.plugins()) {
            if (!(c instanceof HealthConfig || c instanceof ReadyConfig)) {
                configs.add(c);
            }
        }
        List<Plugin> out = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            String next = i + 1 < configs.size() ? configs.get(i + 1).name() : "";
            out.add(create(configs.get(i), next));
        }
        return out;
    }

    private Plugin create(PluginConfig config, String nextPlugin) {
        if (config instanceof KubernetesConfig k) {
            return new KubernetesPlugin(backends.apply(k).resolver(), k.fallthrough());
        }
        if (config instanceof PrometheusConfig) {
            return new PrometheusPlugin(metrics, nextPlugin);
        }
        if (config instanceof ErrorsConfig e) {
            return new ErrorsPlugin(e, timer);
        }
        if (config instanceof ForwardConfig f) {
            ForwardPlugin forward = new ForwardPlugin(f, vertx, forwardMetrics, ForwardConfig.NAME.equals(nextPlugin));
            closeables.add(forward);
            return forward;
        }
        throw new IllegalStateException("no chain link for plugin " + config.name());
    }

    /** Closes the links made so far that hold resources. */
    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing a plugin: {}", e.toString());
            }
        }
        closeables.clear();
    }
}
