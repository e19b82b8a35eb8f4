package io.clusterdns.server;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.server.DnsServer.SourceFactory;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.kubernetes.FollowsCluster;
import io.clusterdns.server.plugin.kubernetes.KubernetesBackend;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.kubernetes.RestClientMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The kubernetes backends of the running configuration, by what they follow
 * ({@link KubernetesConfig.Backend}): what a reload keeps (a source and its view of the cluster),
 * makes, waits for and drops, and which one's gauges are registered. {@link DnsServer#apply} opens
 * a {@link Change} per plan and commits or aborts it with the rest of the plan.
 *
 * <p>The probes read the backends from their own threads: every access to the map holds this
 * object's lock, and what they iterate is a copy.
 */
final class ClusterBackends {
    private final SourceFactory sources;
    private final RestClientMetrics requests;
    private final MeterRegistry registry;
    /** In Corefile order (the first describes the cluster in the gauges and {@link DnsServer#source()}). */
    private final Map<KubernetesConfig.Backend, KubernetesBackend> running = new LinkedHashMap<>();
    /** The backend whose gauges are registered ({@link KubernetesBackend#bindMeters}): the Corefile's first; null when none. */
    private KubernetesBackend metered;

    ClusterBackends(SourceFactory sources, RestClientMetrics requests, MeterRegistry registry) {
        this.sources = sources;
        this.requests = requests;
        this.registry = registry;
    }

    /**
     * The backends {@code plan} follows: those running are kept, the others made (not started yet,
     * but listed at once, so that {@code /ready} says what it waits for).
     */
    synchronized Change change(ServerPlan plan) {
        Change c = new Change(plan);
        try {
            for (FollowsCluster k : plan.plugins(FollowsCluster.class)) {
                KubernetesBackend b = running.get(k.backend());
                if (b == null && !c.wanted.containsKey(k.backend())) {
                    b = new KubernetesBackend(k.backend(), sources.create(k.backend(), requests), registry);
                    c.created.add(b);
                    if (metered == null) {
                        // a start's gauges from its beginning; a reload's move when it commits
                        b.bindMeters();
                        metered = b;
                    }
                    running.put(k.backend(), b);
                    c.starts.put(b, k);
                }
                c.wanted.putIfAbsent(k.backend(), b == null ? c.wanted.get(k.backend()) : b);
            }
        } catch (RuntimeException e) {
            // a source that could not be made (a kubeconfig that cannot be read): none of this plan's stay
            c.abort();
            throw e;
        }
        return c;
    }

    /** One plan's backends, from {@link #change} until {@link #commit} or {@link #abort}. */
    final class Change {
        private final ServerPlan plan;
        private final Map<KubernetesConfig.Backend, KubernetesBackend> wanted = new LinkedHashMap<>();
        private final Map<KubernetesBackend, FollowsCluster> starts = new LinkedHashMap<>();
        private final List<KubernetesBackend> created = new ArrayList<>();

        private Change(ServerPlan plan) {
            this.plan = plan;
        }

        /** The backend {@code backend} names in this plan (what the plugin chains answer from). */
        KubernetesBackend get(KubernetesConfig.Backend backend) {
            return wanted.get(backend);
        }

        /** Starts the new backends in order; the first failure ends them (the later ones are closed unstarted by {@link #abort}). */
        void startAll() {
            starts.forEach((b, k) -> blamed(k, b::start));
        }

        /** CoreDNS's rule: waits for every new backend's first snapshot, each at most its startup timeout from now. */
        void awaitSynced() {
            long start = System.nanoTime();
            for (FollowsCluster k : plan.plugins(FollowsCluster.class)) {
                KubernetesBackend b = wanted.get(k.backend());
                if (created.contains(b)) {
                    Duration left = k.startupTimeout().minusNanos(System.nanoTime() - start);
                    b.awaitSynced(left.isNegative() ? Duration.ZERO : left);
                }
            }
        }

        /** {@link KubernetesBackend#awaitStarted()} of the new backends, a failure blamed as their start's. */
        void awaitStarted() {
            for (FollowsCluster k : plan.plugins(FollowsCluster.class)) {
                KubernetesBackend b = wanted.get(k.backend());
                if (created.contains(b)) {
                    blamed(k, b::awaitStarted);
                }
            }
        }

        /**
         * The plan runs: the backends it no longer follows are closed, those kept drop the indexes
         * of configurations gone, and the gauges move to its first backend.
         */
        void commit() {
            List<KubernetesBackend> gone = new ArrayList<>();
            synchronized (ClusterBackends.this) {
                for (KubernetesBackend b : new ArrayList<>(running.values())) {
                    if (!wanted.containsValue(b)) {
                        gone.add(running.remove(b.config()));
                    } else {
                        b.retain(plan.plugins(FollowsCluster.class).stream().filter(k -> k.backend().equals(b.config()))
                                .map(FollowsCluster::indexConfig).collect(Collectors.toSet()));
                    }
                }
                // in this plan's order: a kept backend's old place would put a later block's first
                running.clear();
                running.putAll(wanted);
                KubernetesBackend first = wanted.isEmpty() ? null : wanted.values().iterator().next();
                if (metered != first) {
                    // the old one's first: a gauge name belongs to one backend at a time
                    if (metered != null) {
                        metered.unbindMeters();
                    }
                    if (first != null) {
                        first.bindMeters();
                    }
                    metered = first;
                }
            }
            // outside the lock the probes take: an informer takes a while to stop
            gone.forEach(KubernetesBackend::close);
        }

        /** The plan does not run: the backends made for it are closed, the running ones stay. */
        void abort() {
            synchronized (ClusterBackends.this) {
                created.forEach(b -> running.remove(b.config()));
                if (created.contains(metered)) {
                    metered = null;
                }
            }
            created.forEach(KubernetesBackend::close);
        }

        /** From now on every snapshot the new backends apply is logged. */
        void announceCreated() {
            created.forEach(KubernetesBackend::announce);
        }
    }

    /**
     * Runs a backend's start; a source that cannot start (no service account outside a pod, an
     * unreadable kubeconfig) is blamed on the Corefile line that asked for it.
     */
    private static void blamed(FollowsCluster k, Runnable starting) {
        try {
            starting.run();
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            if (k.where() == null) {
                throw e;
            }
            boolean inCluster = k.backend().source().spec() instanceof ClusterSourceSpec.Api api
                    && api.connection().equals(ClusterConnection.inCluster());
            String give = KubernetesConfig.NAME.equals(k.name()) ? "kubeconfig FILE, endpoint URL or manifests PATH"
                    : "kubeconfig FILE, or a kubernetes plugin in the same block";
            throw new ConfigException(k.where() + ": " + k.name(), e.getMessage() + (inCluster ? " (in the Corefile: " + give + ")" : ""), e);
        }
    }

    /** The running backends, in Corefile order (a copy). */
    synchronized List<KubernetesBackend> all() {
        return List.copyOf(running.values());
    }

    /** The running backend of {@code backend}, null when none. */
    synchronized KubernetesBackend get(KubernetesConfig.Backend backend) {
        return running.get(backend);
    }

    /** The first backend's {@code reason} that is not null, prefixed {@code kubernetes: }; null when none has one. */
    String firstReason(Function<KubernetesBackend, String> reason) {
        for (KubernetesBackend b : all()) {
            String r = reason.apply(b);
            if (r != null) {
                return "kubernetes: " + r;
            }
        }
        return null;
    }

    /** Closes every backend (the server stops). */
    void closeAll() {
        all().forEach(KubernetesBackend::close);
    }
}
