package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.AgentConfig;
import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.MutableClock;
import io.clusterdns.agent.kernel.Nft;
import io.clusterdns.agent.kernel.ProcessNft;
import io.clusterdns.agent.lb.LoadBalancing;
import io.clusterdns.agent.lb.LoadBalancingConfig;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.NodePortAddresses;
import io.clusterdns.agent.netlink.NetlinkNft;
import io.clusterdns.agent.nft.Family;
import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.agent.sync.NodeContexts;
import io.clusterdns.agent.sync.RuleSyncer;
import io.clusterdns.agent.sync.SyncOutcome;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.Privileged;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two nftables backends are interchangeable: the same seeded random sequence of cluster
 * changes ({@link RandomCluster}), synced by one {@link RuleSyncer} through {@code nft -f} in one
 * namespace and by another through netlink batches ({@link NetlinkNft}) in a second, leaves both
 * tables identical after every step, as {@code nft -j list table} (handles removed: the kernel
 * numbers objects in creation order) and as {@code nft list table}. Some steps force a full
 * sync; the clock moves on so that stale chains get deleted. The seed is printed on failure;
 * {@code -Dequivalence.seed=N -Dequivalence.steps=M} replays or extends a run. Needs root.
 */
class NftBackendEquivalenceTest {
    static final long DEFAULT_SEED = 20_261_206L;
    static final int DEFAULT_STEPS = 40;
    static final long SEED = Long.getLong("equivalence.seed", DEFAULT_SEED);
    static final int STEPS = Integer.getInteger("equivalence.steps", DEFAULT_STEPS);
    /**
     * How long a step of the random sequence waits for the kernel to release stale chains before
     * it leaves their deletion to a later step (both backends alike, so the comparison holds).
     */
    static final Duration STEP_WAIT = Duration.ofSeconds(5);

    NetNamespaces netns;

    @BeforeEach
    void namespaces() {
        NetNamespaces.requirePrivileges("nftables backend equivalence");
        Privileged.requireTool("nft", "nftables");
        netns = new NetNamespaces("eq");
        netns.deleteLeftovers();
    }

    @AfterEach
    void deleteNamespaces() {
        if (netns != null) {
            netns.close();
        }
    }

    @Test
    void randomSyncSequencesLeaveIdenticalTablesWithBothBackends() throws Exception {
        String cliNs = netns.create("cli");
        String nlNs = netns.create("nl");
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (NetlinkNft netlink = NetlinkNft.open(Path.of("/var/run/netns", nlNs), nftIn(nlNs))) {
            RuleSyncer viaCli = syncer(nftIn(cliNs), clock);
            RuleSyncer viaNetlink = syncer(netlink, clock);
            RandomCluster cluster = new RandomCluster(SEED);
            Random forceFull = new Random(SEED + 1);
            ClusterSnapshot snapshot = cluster.snapshot();
            StringBuilder seen = new StringBuilder();
            for (int step = 0; step <= STEPS; step++) {
                if (step > 0) {
                    snapshot = cluster.step();
                    if (forceFull.nextInt(5) == 0) {
                        viaCli.forceFullSync();
                        viaNetlink.forceFullSync();
                    }
                }
                String at = "seed " + SEED + ", step " + step;
                SyncOutcome a = viaCli.sync(snapshot, null, false);
                SyncOutcome b = viaNetlink.sync(snapshot, null, false);
                assertThat(a.ok()).as("%s: nft -f sync: %s", at, a.error()).isTrue();
                assertThat(b.ok()).as("%s: netlink sync: %s", at, b.error()).isTrue();
                assertThat(b.full()).as(at).isEqualTo(a.full());
                for (Family f : Family.values()) {
                    assertThat(Listings.json(nlNs, f)).as("%s, %s table (JSON)", at, f).isEqualTo(Listings.json(cliNs, f));
                    assertThat(Listings.text(nlNs, f)).as("%s, %s table", at, f).isEqualTo(Listings.text(cliNs, f));
                }
                seen.append(Listings.text(nlNs, Family.IP)).append(Listings.text(nlNs, Family.IP6));
                // stale chains are deleted a sync later, once the kernel has released them (it does so
                // asynchronously after a commit); the clock moves on only when both kernels have, so that
                // both syncers delete them in the same step
                if (staleChainsReleased(cliNs, STEP_WAIT) && staleChainsReleased(nlNs, STEP_WAIT)) {
                    clock.advance(Duration.ofSeconds(5));
                }
            }
            if (SEED != DEFAULT_SEED || STEPS < DEFAULT_STEPS) {
                return; // a replay or a shorter run: equivalence is what it checks, not coverage
            }
            assertThat(seen.toString()).as("the default sequence reaches every shape the agent writes")
                    .contains("vmap @maglev-", "numgen inc mod", "numgen random mod", "update @affinity-", "masquerade fully-random",
                            "ip saddr != {", "ip6 saddr != {", "dnat to [", "jhash ip6 saddr", "fib daddr type local");
        }
    }

    /**
     * A batch the kernel refuses (one bad command at its end) changes nothing: the error names the
     * command, the previous rules stay, and the next sync is a full one that leaves the same table
     * as {@code nft -f} does.
     */
    @Test
    void aRefusedBatchKeepsThePreviousRulesNamesTheCommandAndAFullResyncRecovers() throws Exception {
        String nlNs = netns.create("nl");
        String cliNs = netns.create("cli");
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
        try (NetlinkNft netlink = NetlinkNft.open(Path.of("/var/run/netns", nlNs), nftIn(nlNs))) {
            Nft faulty = new Nft() {
                @Override
                public io.clusterdns.agent.kernel.NftResult apply(String script) {
                    return netlink.apply(script);
                }

                @Override
                public io.clusterdns.agent.kernel.NftResult apply(io.clusterdns.agent.nft.NftTransaction tx) {
                    if (!broken.get()) {
                        return netlink.apply(tx);
                    }
                    List<io.clusterdns.agent.nft.NftOp> ops = new java.util.ArrayList<>(tx.ops());
                    ops.add(new io.clusterdns.agent.nft.NftOp.AddRule(Family.IP, "no-such-chain",
                            io.clusterdns.agent.nft.Rule.of(new io.clusterdns.agent.nft.Expr.Drop())));
                    return netlink.apply(new io.clusterdns.agent.nft.NftTransaction(tx.script(), ops));
                }

                @Override
                public io.clusterdns.agent.kernel.NftResult list(String... args) {
                    return netlink.list(args);
                }
            };
            RuleSyncer syncer = syncer(faulty, clock);
            RandomCluster cluster = new RandomCluster(SEED);
            ClusterSnapshot first = cluster.snapshot();
            assertThat(syncer.sync(first, null, false).ok()).isTrue();
            String before = Listings.json(nlNs, Family.IP);

            broken.set(true);
            ClusterSnapshot second = cluster.step();
            SyncOutcome failed = syncer.sync(second, null, false);
            assertThat(failed.ok()).isFalse();
            assertThat(failed.error()).isEqualTo("add rule ip clusterdns no-such-chain drop: ENOENT: No such file or directory");
            assertThat(Listings.json(nlNs, Family.IP)).as("previous rules intact").isEqualTo(before);
            assertThat(syncer.needsFullSync()).isTrue();

            broken.set(false);
            SyncOutcome recovered = syncer.sync(second, java.util.List.of(), false);
            assertThat(recovered.ok()).as(recovered.error()).isTrue();
            assertThat(recovered.full()).isTrue();
            // the chains of the first state were emptied by the full sync; the next sync deletes them
            assertThat(staleChainsReleased(nlNs, Await.DEADLINE)).as("the kernel released the emptied chains").isTrue();
            clock.advance(Duration.ofSeconds(5));
            assertThat(syncer.sync(second, java.util.List.of(), false).ok()).isTrue();
            RuleSyncer reference = syncer(nftIn(cliNs), clock);
            assertThat(reference.sync(second, null, false).ok()).isTrue();
            for (Family f : Family.values()) {
                // objects were created in another order than in a fresh table: compare the normalized listings
                assertThat(Listings.text(nlNs, f)).as("%s after the full resync", f).isEqualTo(Listings.text(cliNs, f));
            }
        }
    }

    /**
     * True once every empty chain of our tables (the stale ones) could be deleted, checked with
     * {@code nft -c} (nothing is changed); polls for up to {@code wait}, then answers false.
     */
    static boolean staleChainsReleased(String ns, Duration wait) throws Exception {
        StringBuilder script = new StringBuilder();
        for (Family f : Family.values()) {
            io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonObject(NetNamespaces.exec(ns, "nft", "-j", "list", "table", f.nft(),
                    "clusterdns").output()).getJsonArray("nftables");
            java.util.Set<String> chains = new java.util.TreeSet<>();
            java.util.Set<String> withRules = new java.util.HashSet<>();
            for (Object o : items) {
                io.vertx.core.json.JsonObject item = (io.vertx.core.json.JsonObject) o;
                if (item.containsKey("chain") && !item.getJsonObject("chain").containsKey("hook")) {
                    chains.add(item.getJsonObject("chain").getString("name"));
                } else if (item.containsKey("rule")) {
                    withRules.add(item.getJsonObject("rule").getString("chain"));
                }
            }
            chains.removeAll(withRules);
            chains.forEach(c -> script.append("delete chain ").append(f.nft()).append(" clusterdns ").append(c).append('\n'));
        }
        if (script.length() == 0) {
            return true;
        }
        Path file = java.nio.file.Files.createTempFile("stale-chains", ".nft");
        try {
            java.nio.file.Files.writeString(file, script);
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                if (nftIn(ns).list("-c", "-f", file.toString()).ok()) {
                    return true;
                }
                Thread.sleep(50);
            }
            return false;
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    static Nft nftIn(String ns) {
        return new ProcessNft(List.of("ip", "netns", "exec", ns, "nft"), Duration.ofMinutes(1));
    }

    private static RuleSyncer syncer(Nft nft, MutableClock clock) {
        AgentConfig config = AgentConfig.manifests(Conventions.NODE, Path.of("unused"))
                .withNetwork(List.of(IpAddresses.parse(Conventions.NODE_IP), IpAddresses.parse(Conventions.NODE_IP6)),
                        List.of(Cidr.parse(Conventions.CLUSTER_CIDR), Cidr.parse("10.245.0.0/16"), Cidr.parse(Conventions.CLUSTER_CIDR6)),
                        NodePortAddresses.ALL)
                .withEndpointChainThreshold(3)
                .withLoadBalancing(new LoadBalancingConfig(LoadBalancing.RANDOM, 251));
        return new RuleSyncer(config.families(), Conventions.NODE, nft, f -> 0, new NodeContexts(config.nodeNetwork(), List::of),
                new AgentMetrics(), new ProxierHealth(clock, clock::nanos, Duration.ofMinutes(1)), clock, clock);
    }
}
