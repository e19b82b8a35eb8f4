package io.clusterdns.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.AgentConfig;
import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.MutableClock;
import io.clusterdns.agent.kernel.ConntrackFilter;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.NodePortAddresses;
import io.clusterdns.agent.nft.FakeNft;
import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.agent.status.ServiceHealth;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.ServiceKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** One sync at a time against {@link FakeNft}: full first, diffs after, failure handling, stale chains, conntrack. */
class RuleSyncerTest {
    static final String CLUSTER = Conventions.resource("conventions-cluster.yaml");
    final FakeNft nft = new FakeNft();
    final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    final AgentMetrics metrics = new AgentMetrics();
    final ProxierHealth health = new ProxierHealth(clock, clock::nanos, Duration.ofSeconds(60));
    final List<ConntrackFilter> conntrackCalls = new ArrayList<>();
    final RuleSyncer syncer = syncer(nft);

    RuleSyncer syncer(io.clusterdns.agent.kernel.Nft n) {
        AgentConfig config = AgentConfig.manifests(Conventions.NODE, Path.of("unused")).withNetwork(
                List.of(IpAddresses.parse(Conventions.NODE_IP), IpAddresses.parse(Conventions.NODE_IP6)),
                List.of(Cidr.parse(Conventions.CLUSTER_CIDR)), NodePortAddresses.ALL)
                .withEndpointChainThreshold(0); // kube-proxy's layout: endpoint chains, so stale chains happen
        return new RuleSyncer(config.families(), Conventions.NODE, n, f -> {
            conntrackCalls.add(f);
            return 1;
        }, new NodeContexts(config.nodeNetwork(), List::of), metrics, health, clock, clock);
    }

    static ClusterSnapshot snapshot(String yaml) {
        return Conventions.snapshot(yaml);
    }

    @Test
    void firstSyncIsFullAndWritesBothTablesInOneTransaction() {
        SyncOutcome o = syncer.sync(snapshot(CLUSTER), null, false);
        assertThat(o.ok()).isTrue();
        assertThat(o.full()).isTrue();
        assertThat(nft.scripts()).hasSize(1);
        assertThat(nft.scripts().get(0)).contains("add table ip clusterdns", "add table ip6 clusterdns");
        assertThat(nft.hasTable("ip")).isTrue();
        assertThat(nft.hasTable("ip6")).isTrue();
        assertThat(health.status().healthy()).isTrue();
        assertThat(health.status().lastUpdated()).isEqualTo(clock.instant());
    }

    @Test
    void laterSyncsSendOnlyTheDifferenceAndNothingWhenNothingChanged() {
        syncer.sync(snapshot(CLUSTER), null, false);
        SyncOutcome same = syncer.sync(snapshot(CLUSTER), null, false);
        assertThat(same.written()).isFalse();
        assertThat(nft.scripts()).hasSize(1);

        SyncOutcome changed = syncer.sync(snapshot(CLUSTER.replace("10.244.2.34", "10.244.2.35")), null, false);
        assertThat(changed.full()).isFalse();
        assertThat(changed.changed()).isEqualTo(1);
        String diff = nft.scripts().get(1);
        assertThat(diff).contains("10.244.2.35").doesNotContain("add table").doesNotContain("ns1/svc1");
    }

    static final String SERVICE_CIDRS = """
            ---
            apiVersion: networking.k8s.io/v1
            kind: ServiceCIDR
            metadata: {name: kubernetes}
            spec: {cidrs: [10.96.0.0/16, "fd00:10:96::/112"]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: ServiceCIDR
            metadata: {name: extra}
            spec: {cidrs: [10.100.0.0/16]}
            """;

    /** The cluster's ServiceCIDRs replace the agent's service ranges in the drop rule; without any, its own come back. */
    @Test
    void theClustersServiceCidrsReplaceTheAgentsServiceRanges() {
        syncer.sync(snapshot(CLUSTER), null, false);
        assertThat(dropRule("ip")).isEqualTo("ip daddr 10.96.0.0/12 drop");

        SyncOutcome with = syncer.sync(snapshot(CLUSTER + "\n" + SERVICE_CIDRS), List.of(), false);
        assertThat(with.ok()).isTrue();
        assertThat(dropRule("ip")).isEqualTo("ip daddr { 10.96.0.0/16, 10.100.0.0/16 } drop");
        assertThat(dropRule("ip6")).isEqualTo("ip6 daddr fd00:10:96::/112 drop");

        syncer.sync(snapshot(CLUSTER), List.of(), false);
        assertThat(dropRule("ip")).as("no ServiceCIDR left: the agent's own ranges").isEqualTo("ip daddr 10.96.0.0/12 drop");
    }

    /** The rule of the cluster-ips-check chain that drops unallocated addresses, without its comment. */
    String dropRule(String family) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(ip6? daddr (\\{[^}]*\\}|\\S+) drop) comment \"Drop traffic to unallocated")
                .matcher(nft.dump(family));
        return m.find() ? m.group(1) : "(none)";
    }

    @Test
    void aFailedSyncMakesTheNextOneFull() {
        syncer.sync(snapshot(CLUSTER), null, false);
        String before = nft.dump("ip");
        nft.failWhen(s -> true);
        SyncOutcome failed = syncer.sync(snapshot(CLUSTER.replace("10.244.2.34", "10.244.2.35")), null, false);
        assertThat(failed.ok()).isFalse();
        assertThat(nft.dump("ip")).isEqualTo(before);
        assertThat(metrics.syncFailures()).isEqualTo(1.0);

        nft.failWhen(s -> false);
        SyncOutcome retry = syncer.sync(snapshot(CLUSTER.replace("10.244.2.34", "10.244.2.35")), List.of(), false);
        assertThat(retry.full()).isTrue();
        assertThat(retry.ok()).isTrue();
        assertThat(nft.dump("ip")).contains("10.244.2.35").doesNotContain("dnat to 10.244.2.34");
    }

    @Test
    void staleChainsAreFlushedFirstAndDeletedInALaterSync() {
        syncer.sync(snapshot(CLUSTER), null, false);
        syncer.sync(snapshot(CLUSTER.replace("10.244.2.34", "10.244.2.35")), null, false);
        String stale = "endpoint-JK3QVX3P-ns3/svc3/tcp/p80__10.244.2.34/80";
        assertThat(nft.dump("ip")).contains("chain " + stale + "  []");
        syncer.sync(snapshot(CLUSTER.replace("10.244.2.34", "10.244.2.35")), List.of(), false);
        assertThat(nft.dump("ip")).as("not yet: less than a second").contains("chain " + stale);
        clock.advance(Duration.ofSeconds(2));
        syncer.sync(snapshot(CLUSTER.replace("10.244.2.34", "10.244.2.35")), List.of(), false);
        assertThat(nft.dump("ip")).doesNotContain(stale);
        assertThat(nft.scripts().get(nft.scripts().size() - 1)).isEqualTo("delete chain ip clusterdns " + stale + "\n");
    }

    @Test
    void staleChainAgesAndSyncDurationsIgnoreWallClockJumps() {
        String stale = "endpoint-JK3QVX3P-ns3/svc3/tcp/p80__10.244.2.34/80";
        syncer.sync(snapshot(CLUSTER), null, false);
        syncer.sync(snapshot(CLUSTER.replace("10.244.2.34", "10.244.2.35")), null, false);
        clock.jump(Duration.ofHours(1));
        SyncOutcome forwards = syncer.sync(snapshot(CLUSTER.replace("10.244.2.34", "10.244.2.35")), List.of(), false);
        assertThat(nft.dump("ip")).as("an hour of wall time is not a second of age").contains("chain " + stale);
        assertThat(forwards.took()).isLessThan(Duration.ofSeconds(1));
        clock.jump(Duration.ofHours(-2));
        clock.advance(Duration.ofSeconds(2));
        SyncOutcome backwards = syncer.sync(snapshot(CLUSTER.replace("10.244.2.34", "10.244.2.35")), List.of(), false);
        assertThat(nft.dump("ip")).as("two seconds passed, whatever the wall clock says").doesNotContain(stale);
        assertThat(backwards.took()).isGreaterThanOrEqualTo(Duration.ZERO);
    }

    @Test
    void aChainWantedAgainBeforeItsDeletionIsKept() {
        syncer.sync(snapshot(CLUSTER), null, false);
        syncer.sync(snapshot(CLUSTER.replace("10.244.2.34", "10.244.2.35")), null, false);
        syncer.sync(snapshot(CLUSTER), null, false); // endpoint .34 is back
        clock.advance(Duration.ofSeconds(2));
        SyncOutcome o = syncer.sync(snapshot(CLUSTER), List.of(), false);
        assertThat(o.ok()).isTrue();
        assertThat(nft.dump("ip")).contains("dnat to 10.244.2.34:80");
        assertThat(nft.failures()).isZero();
    }

    @Test
    void aPeriodicSyncNoticesMissingTables() {
        syncer.sync(snapshot(CLUSTER), null, false);
        nft.wipe();
        SyncOutcome o = syncer.sync(snapshot(CLUSTER), List.of(), true);
        assertThat(o.full()).isTrue();
        assertThat(nft.hasTable("ip")).isTrue();
    }

    @Test
    void udpEndpointRemovalDeletesItsConntrackEntries() {
        String twoDns = CLUSTER.replace("- {addresses: [10.244.2.77], nodeName: node-2, conditions: {ready: false, serving: true, terminating: true}}",
                "- {addresses: [10.244.2.77], nodeName: node-2, conditions: {ready: true}}\n"
                        + "- {addresses: [10.244.2.79], nodeName: node-2, conditions: {ready: true}}");
        syncer.sync(snapshot(twoDns), null, false);
        conntrackCalls.clear();
        syncer.sync(snapshot(twoDns.replace("- {addresses: [10.244.2.79], nodeName: node-2, conditions: {ready: true}}", "")), null, false);
        assertThat(conntrackCalls).extracting(ConntrackFilter::toString)
                .containsExactly("conntrack -D -f ipv4 -p udp --orig-dst 10.96.0.47 --orig-port-dst 53 --dst-nat 10.244.2.79");
    }

    @Test
    void healthCheckNodePortsAreReportedAfterASync() {
        AtomicReference<Map<Integer, ServiceHealth>> seen = new AtomicReference<>();
        syncer.onHealthChecks(seen::set);
        syncer.sync(snapshot(CLUSTER), null, false);
        assertThat(seen.get()).containsExactly(Map.entry(30000, new ServiceHealth(ServiceKey.of("ns2", "svc2"), 1)));
    }

    @Test
    void gaugesDescribeTheTables() {
        syncer.sync(snapshot(CLUSTER), null, false);
        assertThat(metrics.scrape()).contains("clusterdns_agent_services{type=\"LoadBalancer\"} 2.0",
                "clusterdns_agent_service_ports{family=\"ip6\"} 1.0",
                "kubeproxy_sync_proxy_rules_no_local_endpoints{traffic_policy=\"internal\"} 1.0");
    }
}
